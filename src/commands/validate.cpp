// gh-analyze validate: checks playlist files before they are committed (a pre-commit hook).

#include "plain/validate.hpp"

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "git/repository.hpp"
#include "util/terminal.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace gh::commands {

namespace {

struct ValidateOptions {
    std::vector<std::string> files;
    std::string repo;
    std::string dir = "playlists/plain";
    std::string format = "text";
    bool all = false;
    bool staged = false;
    bool strict = false;
};

/// A file's findings, under the path the user knows it by.
struct Checked {
    std::string path;
    std::vector<plain::Finding> findings;
};

plain::Finding not_a_file(std::string_view kind) {
    return {0, plain::Severity::error, "not-a-file",
            fmt::format("a {} where a playlist file is expected", kind)};
}

std::string read_whole_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw Error::usage("cannot read {}: no such file", path.string());
    }
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

Checked check_path(const fs::path& path, const std::string& shown) {
    const auto status = fs::symlink_status(path);
    if (fs::is_symlink(status)) {
        return {shown, {not_a_file("symbolic link")}};
    }
    if (fs::is_directory(status)) {
        return {shown, {not_a_file("directory")}};
    }
    return {shown, plain::validate_plain_file(path.filename().string(), read_whole_file(path))};
}

std::vector<Checked> check_working_tree(const ValidateOptions& options) {
    std::vector<Checked> checked;
    if (!options.all) {
        for (const auto& file : options.files) {
            checked.push_back(check_path(file, file));
        }
        return checked;
    }
    const git::Repository repo = git::open_repository(options.repo);
    const char* workdir = git_repository_workdir(repo.get());
    if (!workdir) {
        throw Error::usage("--all needs a working tree; the repository is bare (use --staged)");
    }
    const fs::path dir = fs::path(workdir) / options.dir;
    if (!fs::is_directory(dir)) {
        fail("no directory {} in the working tree {}", options.dir, workdir);
    }
    std::set<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir)) {
        entries.insert(entry.path());
    }
    for (const auto& path : entries) {
        checked.push_back(
            check_path(path, fmt::format("{}/{}", options.dir, path.filename().string())));
    }
    return checked;
}

/// The index a commit is being made from: git points hooks at a temporary one through
/// GIT_INDEX_FILE during `git commit -a` and `git commit <path>`.
git::Index open_index(git_repository* repo) {
    git::Index index;
    if (const char* file = std::getenv("GIT_INDEX_FILE"); file && *file) {
        git::check(git_index_open(git::out(index), file), "opening index {} (GIT_INDEX_FILE)",
                   file);
        return index;
    }
    git::check(git_repository_index(git::out(index), repo), "opening the repository's index");
    return index;
}

/// The index path of a file named on the command line (relative to the current directory).
std::string index_path(git_repository* repo, const std::string& file) {
    const char* workdir = git_repository_workdir(repo);
    if (!workdir) {
        return file;
    }
    // Resolve the directories but not the file itself: a symlink is checked as a symlink.
    const fs::path given = fs::absolute(file);
    const fs::path absolute = fs::weakly_canonical(given.parent_path()) / given.filename();
    return absolute.lexically_relative(fs::weakly_canonical(workdir)).generic_string();
}

/// The tree of HEAD, or null before the first commit.
git::Object head_tree(git_repository* repo) {
    git::Object head;
    if (git_revparse_single(git::out(head), repo, "HEAD^{tree}") < 0) {
        head.reset(); // no commit yet: everything staged is new
    }
    return head;
}

/// True when the index entry differs from the file at the same path in `head`.
bool staged_change(const git::Object& head, const git_index_entry* entry) {
    git::TreeEntry committed;
    if (!head ||
        git_tree_entry_bypath(git::out(committed), reinterpret_cast<const git_tree*>(head.get()),
                              entry->path) < 0) {
        return true;
    }
    return !git_oid_equal(git_tree_entry_id(committed.get()), &entry->id) ||
           git_tree_entry_filemode(committed.get()) != static_cast<git_filemode_t>(entry->mode);
}

std::vector<Checked> check_index(const ValidateOptions& options) {
    const git::Repository repo = git::open_repository(options.repo);
    const git::Index index = open_index(repo.get());
    const git::Object head = head_tree(repo.get());
    std::set<std::string> wanted;
    for (const auto& file : options.files) {
        wanted.insert(index_path(repo.get(), file));
    }
    const std::string prefix = options.dir + "/";
    std::vector<Checked> checked;
    std::set<std::string> reported;
    for (std::size_t i = 0; i < git_index_entrycount(index.get()); ++i) {
        const git_index_entry* entry = git_index_get_byindex(index.get(), i);
        const std::string path = entry->path;
        if (!wanted.empty() ? !wanted.contains(path) : !path.starts_with(prefix)) {
            continue;
        }
        if (wanted.empty() && !options.all && !staged_change(head, entry)) {
            continue;
        }
        if (!reported.insert(path).second) {
            continue; // the other stages of a conflict
        }
        if (const auto slash = path.find('/', prefix.size());
            path.starts_with(prefix) && slash != std::string::npos) {
            if (reported.insert(path.substr(0, slash)).second) {
                checked.push_back({path.substr(0, slash), {not_a_file("directory")}});
            }
            continue;
        }
        if (git_index_entry_stage(entry) != 0) {
            checked.push_back({path,
                               {{0, plain::Severity::error, "unmerged",
                                 "unresolved merge conflict in the index"}}});
        } else if (entry->mode == GIT_FILEMODE_LINK) {
            checked.push_back({path, {not_a_file("symbolic link")}});
        } else if (entry->mode == GIT_FILEMODE_COMMIT) {
            checked.push_back({path, {not_a_file("submodule")}});
        } else {
            const std::string content =
                git::read_blob(repo.get(), entry->id, fmt::format("staged {}", path));
            checked.push_back(
                {path, plain::validate_plain_file(fs::path(path).filename().string(), content)});
        }
    }
    for (const auto& path : wanted) {
        if (!reported.contains(path)) {
            note("{}: not in the index (deleted or not staged): not checked", path);
        }
    }
    return checked;
}

bool is_error(const plain::Finding& finding, bool strict) {
    return finding.severity == plain::Severity::error || strict;
}

std::string severity_name(const plain::Finding& finding, bool strict) {
    return is_error(finding, strict) ? "error" : "warning";
}

std::string render_text(const std::vector<Checked>& checked, bool strict) {
    std::string out;
    for (const auto& file : checked) {
        for (const auto& finding : file.findings) {
            const std::string where =
                finding.line ? fmt::format("{}:{}", file.path, finding.line) : file.path;
            out += fmt::format("{}: {}[{}]: {}\n", escape_control(where),
                               severity_name(finding, strict), finding.rule,
                               escape_control(finding.message));
        }
    }
    return out;
}

std::string render_json(const std::vector<Checked>& checked, bool strict) {
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& file : checked) {
        for (const auto& finding : file.findings) {
            (is_error(finding, strict) ? errors : warnings) += 1;
            findings.push_back(
                {{"path", file.path},
                 {"line", finding.line ? nlohmann::ordered_json(finding.line) : nullptr},
                 {"severity", severity_name(finding, strict)},
                 {"rule", finding.rule},
                 {"message", finding.message}});
        }
    }
    nlohmann::ordered_json document{{"files", checked.size()},
                                    {"errors", errors},
                                    {"warnings", warnings},
                                    {"findings", std::move(findings)}};
    return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string rules_help() {
    std::string text = "Rules (id, severity):\n";
    for (const auto& rule : plain::validation_rules()) {
        text += fmt::format("  {:<20} {:<8} {}\n", rule.id,
                            rule.severity == plain::Severity::error ? "error" : "warning",
                            rule.summary);
    }
    return text;
}

} // namespace

ExitCode run_validate(const std::vector<std::string>& args) {
    ValidateOptions options;
    po::options_description description;
    auto option = description.add_options();
    option("all", po::bool_switch(&options.all), "check every file under --dir");
    option("staged", po::bool_switch(&options.staged),
           "check what is staged in the index (what the commit will contain), not the working "
           "tree; without FILEs or --all, the files the commit changes under --dir");
    option("repo", po::value(&options.repo)->value_name("DIR"),
           "repository (default: the one containing the current directory)");
    option("dir", po::value(&options.dir)->value_name("PATH")->default_value(options.dir),
           "directory of plain playlist files");
    option("format",
           one_of(&options.format, {"text", "json"})
               ->value_name("FORMAT")
               ->default_value(options.format),
           "text ('path:line: error[rule]: message') or json");
    option("strict", po::bool_switch(&options.strict), "treat warnings as errors");
    po::options_description hidden;
    hidden.add_options()("file", po::value(&options.files)->composing());
    po::options_description all;
    all.add(description).add(hidden);
    po::positional_options_description positional;
    positional.add("file", -1);
    if (!parse_command_line(args, all, "validate", "[options] [FILE...]\n\n" + rules_help(),
                            &positional, &description)) {
        return ExitCode::ok;
    }
    if (!options.staged && !options.all && options.files.empty()) {
        throw Error::usage("nothing to check: name FILEs, or use --all or --staged\n"
                           "Try 'gh-analyze validate --help'.");
    }
    if (options.all && !options.files.empty()) {
        throw Error::usage("--all checks every file: name no FILEs with it\n"
                           "Try 'gh-analyze validate --help'.");
    }
    const auto checked = options.staged ? check_index(options) : check_working_tree(options);
    write_stdout(options.format == "json" ? render_json(checked, options.strict)
                                          : render_text(checked, options.strict));
    for (const auto& file : checked) {
        for (const auto& finding : file.findings) {
            if (is_error(finding, options.strict)) {
                return ExitCode::findings;
            }
        }
    }
    return ExitCode::ok;
}

} // namespace gh::commands
