// gh-analyze report --out DIR: the whole history of an archive as a static site with
// charts, browsable offline (README "report").

#include "report/report.hpp"

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "engine/archive_layout.hpp"
#include "util/atomic_file.hpp"
#include "util/terminal.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// Where the pages of playlists and of tracks are.
constexpr const char* k_subdirectories[] = {"playlists", "tracks"};

/// The archive's name for the index's heading: its GitHub name, else its directory's.
std::string archive_title(const engine::Analysis& analysis) {
    if (auto github = engine::origin_github_name(analysis)) {
        return *github;
    }
    const char* workdir = git_repository_workdir(analysis.repo.get());
    std::filesystem::path path =
        workdir ? std::filesystem::path(workdir)
                : std::filesystem::path(git_repository_path(analysis.repo.get()));
    path = path.lexically_normal();
    const std::string name = (path.has_filename() ? path : path.parent_path()).filename().string();
    return name.empty() ? std::string("Playlist archive") : name;
}

/// Removes the pages of `sub` an earlier report wrote that this one did not (a playlist
/// or track that no longer has one): only `.html` files, only in the report's own
/// subdirectories.
std::size_t remove_stale_pages(const std::filesystem::path& out, const std::string& sub,
                               const std::set<std::string>& written) {
    std::size_t removed = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(out / sub, error)) {
        const std::string relative = sub + "/" + entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() == ".html" &&
            !written.contains(relative)) {
            removed += std::filesystem::remove(entry.path(), error) ? 1 : 0;
        }
    }
    return removed;
}

} // namespace

ExitCode run_report(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string out;
    report::ReportOptions options;
    po::options_description description;
    add_history_options(description, history, {.pager = false, .links = true});
    auto option = description.add_options();
    option("out", po::value(&out)->value_name("DIR"),
           "write the site into DIR: index.html, playlists/<id>.html, tracks/<hash>.html");
    option("all-tracks", po::bool_switch(&options.all_tracks),
           "a page for every track, not only for those seen in two or more playlists");
    if (!parse_command_line(args, description, "report", "--out DIR [options]")) {
        return ExitCode::ok;
    }
    if (out.empty()) {
        throw Error::usage("report writes a site of many pages: give --out DIR\n"
                           "Try 'gh-analyze report --help'.");
    }
    PhaseTimer timer;
    engine::Analysis analysis = engine::analyse(history);
    const auto histories = engine::collect_histories(analysis, history);
    timer.lap("build");
    options.title = archive_title(analysis);
    options.jobs = history.jobs;
    const std::filesystem::path dir =
        prepared_directory(out, {".html", ".css", k_subdirectories[0], k_subdirectories[1]});
    // A subdirectory the site does not have yet is written whole into a temporary one, its
    // pages without a temporary file each, and renamed into place: a new site is written
    // in about half the time.
    std::map<std::string, std::unique_ptr<TemporaryDirectory>> fresh;
    for (const char* sub : k_subdirectories) {
        std::error_code error;
        if (std::filesystem::exists(dir / sub, error) || error) {
            prepared_directory(dir / sub, {".html"});
        } else {
            fresh.emplace(sub, std::make_unique<TemporaryDirectory>(dir / sub));
        }
    }
    // Each page is written by the thread that made it, while the others make theirs.
    FileReleaser releaser;
    std::atomic<std::size_t> written = 0;
    std::mutex lock;
    std::set<std::string> paths;
    report::render_report(
        histories, analysis.calendar, analysis.labels, options, [&](report::Page&& page) {
            const auto slash = page.path.find('/');
            const auto staged =
                slash == std::string::npos ? fresh.end() : fresh.find(page.path.substr(0, slash));
            if (staged != fresh.end()) {
                staged->second->write(page.path.substr(slash + 1), page.content);
                ++written;
            } else if (write_file_atomically(dir / page.path, page.content, &releaser)) {
                ++written;
            }
            const std::lock_guard hold(lock);
            paths.insert(std::move(page.path));
        });
    for (auto& [sub, staged] : fresh) {
        staged->commit();
    }
    timer.lap("render and write");
    std::size_t removed = 0;
    for (const char* sub : k_subdirectories) {
        if (!fresh.contains(sub)) {
            removed += remove_stale_pages(dir, sub, paths);
        }
    }
    for (const auto& each : histories) {
        if (report::playlist_page(each.table.id).empty()) {
            warn("playlist '{}' has no page of its own: its id cannot be a file name here",
                 escape_control(each.table.id));
        }
    }
    if (!history.quiet) {
        note("{} pages in {}: {} written, {} unchanged{}", paths.size(), dir.string(),
             written.load(), paths.size() - written.load(),
             removed > 0 ? fmt::format(", {} no longer needed removed", removed) : "");
    }
    return ExitCode::ok;
}

} // namespace gh::commands
