// gh-analyze snapshot ID --at DATE|REV: a playlist as it was at the end of a day or at a
// revision.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "git/repository.hpp"
#include "plain/plain_file.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/snapshot_writer.hpp"

#include <algorithm>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// The commit whose file shows the playlist at `at`: the last snapshot on or before that
/// day (in --tz), or the revision itself. `what` describes it for messages.
git::Commit commit_at(const engine::Analysis& analysis, const std::string& at, std::string& what) {
    if (const auto day = parse_day(at)) {
        const auto& days = analysis.calendar.snapshot_days;
        std::optional<std::size_t> last;
        for (std::size_t s = 0; s < days.size(); ++s) {
            if (days[s] <= *day) {
                last = s;
            }
        }
        if (!last) {
            throw Error(fmt::format("{} is before the first snapshot of {} ({})", at,
                                    analysis.history.dir, format_day(days.front())));
        }
        what =
            fmt::format("the end of {} (commit {})", at, analysis.history.snapshots[*last].commit);
        return git::resolve_commit(analysis.repo.get(), analysis.labels.commits[*last]);
    }
    auto commit = git::resolve_commit(analysis.repo.get(), at);
    what = fmt::format("'{}' (commit {})", at, *git_commit_id(commit.get()));
    return commit;
}

} // namespace

ExitCode run_snapshot(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string id;
    std::string at;
    std::string format = "text";
    po::options_description description;
    add_history_options(description, history, {.playlist = false, .key = false, .cache = false});
    auto option = description.add_options();
    option("at", po::value(&at)->value_name("DATE|REV")->required(),
           "a date (YYYY-MM-DD: the playlist at the end of that day) or a revision");
    option("format",
           one_of(&format, {"text", "csv", "json"})->value_name("FORMAT")->default_value(format),
           "text (the file's lines), csv or json");
    if (!parse_command_line_with_argument(args, description, "snapshot",
                                          "ID|PATH|NAME --at DATE|REV [options]", "the playlist",
                                          id)) {
        return ExitCode::ok;
    }
    // A date that does not exist (2019-02-30) is a mistake, not a revision to look up.
    const bool date_shaped = at.size() == 10 && at[4] == '-' && at[7] == '-' &&
                             std::all_of(at.begin(), at.end(),
                                         [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
    if (date_shaped && !parse_day(at)) {
        throw Error::usage("--at '{}' is not a valid date (expected YYYY-MM-DD)\n"
                           "Try 'gh-analyze snapshot --help'.",
                           at);
    }
    history.playlists = {id};
    const engine::Analysis analysis = engine::analyse(history);
    id = analysis.selected.front(); // (it may have been named by its path or name)
    std::string what;
    const git::Commit commit = commit_at(analysis, at, what);
    // Read as the walk reads it: through replaced objects, as git shows the commit.
    git::ObjectReader reader(analysis.repo.get(), analysis.packs, analysis.rewrites);
    const auto blob = history::file_at(reader, analysis.repo.get(), *git_commit_id(commit.get()),
                                       analysis.history.dir, id);
    if (!blob) {
        fail("playlist {} did not exist at {}: no file {}/{} there", id, what, analysis.history.dir,
             id);
    }
    const git::ObjectBytes content =
        reader.read_blob(*blob, "{}/{} at {}", analysis.history.dir, id, what);
    const plain::PlainFile file = plain::parse_plain_file(content.view());
    const std::string commit_id = git::hex(*git_commit_id(commit.get()));
    start_pager(history.pager);
    write_stdout(writers::render_snapshot(id, commit_id, file,
                                          format == "json"  ? writers::SnapshotFormat::json
                                          : format == "csv" ? writers::SnapshotFormat::csv
                                                            : writers::SnapshotFormat::text));
    return ExitCode::ok;
}

} // namespace gh::commands
