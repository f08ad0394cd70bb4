#include "support/reference.hpp"

#include "commands/options.hpp"
#include "git/repository.hpp"
#include "plain/track_key.hpp"
#include "support/repo.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <optional>
#include <set>
#include <sstream>

namespace gh::test {

std::ostream& operator<<(std::ostream& out, const FlatRow& row) {
    return out << row.playlist << " | " << row.key << " | " << row.title << " | " << row.artists
               << " | " << row.album << " | added " << row.added << ' ' << row.added_commit
               << " | last " << row.last_seen << ' ' << row.last_seen_commit << " | removed "
               << row.removed << ' ' << row.removed_commit << " | stints " << row.stints
               << " | days " << row.days_present;
}

std::vector<std::string> git_log_snapshots(const std::filesystem::path& repo,
                                           const std::string& rev, const std::string& dir) {
    const std::string output =
        run("git -C " + shell_quote(repo.string()) + " log --date-order --reverse --format=%H " +
            shell_quote(rev) + " -- " + shell_quote(dir));
    std::vector<std::string> commits;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        commits.push_back(line);
    }
    return commits;
}

namespace {

using Files = std::map<std::string, std::string>;

/// Every regular file directly in `dir` of the root tree `root`, read in full.
Files read_files(git_repository* repo, const std::string& root, const std::string& dir) {
    Files files;
    git_oid root_id;
    git::check(git_oid_fromstr(&root_id, root.c_str()), "tree id {}", root);
    const git::Tree root_tree = git::lookup_tree(repo, root_id);
    git::TreeEntry dir_entry;
    const int found = git_tree_entry_bypath(git::out(dir_entry), root_tree.get(), dir.c_str());
    if (found != 0 || git_tree_entry_type(dir_entry.get()) != GIT_OBJECT_TREE) {
        return files;
    }
    const git::Tree tree = git::lookup_tree(repo, *git_tree_entry_id(dir_entry.get()));
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
        const auto mode = git_tree_entry_filemode(entry);
        if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
            files[git_tree_entry_name(entry)] =
                git::read_blob(repo, *git_tree_entry_id(entry), git_tree_entry_name(entry));
        }
    }
    return files;
}

/// A commit as git itself shows it: through replacements (refs/replace/) and grafts.
struct GitCommit {
    std::string tree;
    std::int64_t time = 0;
    std::vector<std::string> parents;
};

/// Every commit reachable from `rev`, as `git log` shows them.
std::map<std::string, GitCommit> git_commits(const std::filesystem::path& repo,
                                             const std::string& rev) {
    std::map<std::string, GitCommit> commits;
    std::istringstream lines(run("git -C " + shell_quote(repo.string()) +
                                 " log --format='%H %T %ct %P' " + shell_quote(rev)));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string id;
        GitCommit commit;
        fields >> id >> commit.tree >> commit.time;
        for (std::string parent; fields >> parent;) {
            commit.parents.push_back(parent);
        }
        commits[id] = commit;
    }
    return commits;
}

std::optional<std::string> lookup(const Files& files, const std::string& name) {
    const auto found = files.find(name);
    return found == files.end() ? std::nullopt : std::optional(found->second);
}

/// Track lines, as the SPEC defines them: every line with ` -- ` twice (line 1 only when
/// it is itself one, i.e. the file has no header). Splits on '\n', drops a final '\r'.
std::vector<std::string> track_lines(const std::string& content) {
    std::vector<std::string> tracks;
    std::size_t start = 0;
    while (start < content.size()) {
        auto end = content.find('\n', start);
        if (end == std::string::npos) {
            end = content.size();
        }
        std::string line = content.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        std::size_t count = 0;
        for (auto at = line.find(" -- "); at != std::string::npos; at = line.find(" -- ", at + 4)) {
            ++count;
        }
        if (count >= 2) {
            tracks.push_back(line);
        }
        start = end + 1;
    }
    return tracks;
}

std::int64_t utc_day(std::int64_t time) {
    return time >= 0 ? time / 86400 : (time - 86399) / 86400;
}

struct RefVersion {
    std::size_t snapshot;
    std::optional<std::string> content;
};

} // namespace

ReferenceMembership reference_membership(const std::vector<bool>& present,
                                         const std::vector<std::int64_t>& days,
                                         std::int64_t tip_day) {
    const std::size_t n = present.size();
    ReferenceMembership membership;
    membership.added = std::find(present.begin(), present.end(), true) - present.begin();
    membership.last_seen =
        n - 1 - (std::find(present.rbegin(), present.rend(), true) - present.rbegin());
    if (membership.last_seen + 1 < n) {
        membership.removed = membership.last_seen + 1;
    }
    for (std::size_t v = 0; v < n; ++v) {
        if (present[v] && (v == 0 || !present[v - 1])) {
            ++membership.stints;
            std::size_t end = v;
            while (end < n && present[end]) {
                ++end;
            }
            membership.days_present += (end < n ? days[end] : tip_day) - days[v];
        }
    }
    return membership;
}

std::vector<FlatRow> reference_rows(const std::filesystem::path& path, const std::string& rev,
                                    const std::string& dir) {
    const git::Repository repo = open(path);
    const std::vector<std::string> snapshots = git_log_snapshots(path, rev, dir);
    const auto commits = git_commits(path, rev);
    std::vector<std::int64_t> times;
    std::map<std::string, std::vector<RefVersion>> versions;
    for (std::size_t s = 0; s < snapshots.size(); ++s) {
        const GitCommit& commit = commits.at(snapshots[s]);
        times.push_back(commit.time);
        const Files own = read_files(repo.get(), commit.tree, dir);
        std::vector<Files> parents;
        for (const auto& parent : commit.parents) {
            parents.push_back(read_files(repo.get(), commits.at(parent).tree, dir));
        }
        std::set<std::string> names;
        for (const auto& files : parents) {
            for (const auto& [name, content] : files) {
                names.insert(name);
            }
        }
        for (const auto& [name, content] : own) {
            names.insert(name);
        }
        for (const auto& name : names) {
            const auto mine = lookup(own, name);
            const bool differs_from_all =
                std::all_of(parents.begin(), parents.end(),
                            [&](const Files& files) { return lookup(files, name) != mine; });
            if (differs_from_all) {
                versions[name].push_back({s, mine});
            }
        }
    }
    const std::string tip = lines_of(run("git -C " + shell_quote(path.string()) + " rev-parse " +
                                         shell_quote(rev + "^{commit}")))
                                .front();
    const std::int64_t tip_day = utc_day(commits.at(tip).time);

    std::vector<FlatRow> rows;
    for (const auto& [playlist, list] : versions) {
        // Each version's track lines, and every key that ever appeared.
        std::vector<std::vector<std::string>> lines;
        std::set<std::string> keys;
        for (const auto& version : list) {
            lines.push_back(version.content ? track_lines(*version.content)
                                            : std::vector<std::string>());
            for (const auto& line : lines.back()) {
                keys.insert(plain::python_lower(line));
            }
        }
        const auto date = [&](std::size_t v) {
            return format_day(static_cast<std::int32_t>(utc_day(times[list[v].snapshot])));
        };
        const auto commit = [&](std::size_t v) { return snapshots[list[v].snapshot]; };
        const auto day = [&](std::size_t v) { return utc_day(times[list[v].snapshot]); };
        for (const auto& key : keys) {
            std::vector<bool> present;
            std::string shown;
            for (const auto& version_lines : lines) {
                bool here = false;
                for (const auto& line : version_lines) {
                    if (plain::python_lower(line) == key) {
                        here = true;
                        shown = line; // the last line with this key, in the latest version
                    }
                }
                present.push_back(here);
            }
            std::vector<std::int64_t> days;
            for (std::size_t v = 0; v < present.size(); ++v) {
                days.push_back(day(v));
            }
            const ReferenceMembership membership = reference_membership(present, days, tip_day);
            FlatRow row;
            row.playlist = playlist;
            row.key = key;
            const auto title_end = shown.find(" -- ");
            const auto artists_end = shown.find(" -- ", title_end + 4);
            row.title = shown.substr(0, title_end);
            row.artists = shown.substr(title_end + 4, artists_end - title_end - 4);
            row.album = shown.substr(artists_end + 4);
            row.added = date(membership.added);
            row.added_commit = commit(membership.added);
            row.last_seen = date(membership.last_seen);
            row.last_seen_commit = commit(membership.last_seen);
            if (membership.removed) {
                row.removed = date(*membership.removed);
                row.removed_commit = commit(*membership.removed);
            }
            row.stints = membership.stints;
            row.days_present = membership.days_present;
            rows.push_back(row);
        }
    }
    return rows;
}

std::vector<FlatRow> flatten(const std::vector<tables::PlaylistTable>& tables,
                             const writers::SnapshotLabels& labels) {
    std::vector<FlatRow> rows;
    for (const auto& table : tables) {
        for (const auto& row : table.rows) {
            FlatRow flat;
            flat.playlist = table.id;
            flat.key = row.key;
            flat.title = row.title;
            flat.artists = row.artists;
            flat.album = row.album;
            flat.added = labels.dates.at(row.added);
            flat.added_commit = labels.commits.at(row.added);
            flat.last_seen = labels.dates.at(row.last_seen);
            flat.last_seen_commit = labels.commits.at(row.last_seen);
            if (row.removed) {
                flat.removed = labels.dates.at(*row.removed);
                flat.removed_commit = labels.commits.at(*row.removed);
            }
            flat.stints = row.stints;
            flat.days_present = row.days_present;
            rows.push_back(flat);
        }
    }
    return rows;
}

EngineTables engine_tables(engine::Options options) {
    options.quiet = true;
    auto analysis = engine::analyse(options);
    bool complete = true;
    auto tables =
        engine::tables_at_tip(engine::build_tables(analysis, options, complete), analysis);
    EXPECT_TRUE(complete);
    return {std::move(tables), std::move(analysis.labels)};
}

std::vector<FlatRow> engine_rows(const std::filesystem::path& repo, const std::string& rev,
                                 const std::string& dir) {
    engine::Options options;
    options.repo = repo.string();
    options.rev = rev;
    options.dir = dir;
    options.use_cache = false;
    const auto engine = engine_tables(options);
    return flatten(engine.tables, engine.labels);
}

} // namespace gh::test
