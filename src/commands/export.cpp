// gh-analyze export --sqlite FILE: the whole history as a database researchers can query.

#include "commands/analysis.hpp"
#include "commands/command.hpp"
#include "git/repository.hpp"
#include "util/terminal.hpp"
#include "writers/sqlite_export.hpp"

#include <unordered_map>

namespace po = boost::program_options;

namespace gh::commands {

ExitCode run_export(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string sqlite;
    po::options_description description;
    add_history_options(description, history);
    auto option = description.add_options();
    option("sqlite", po::value(&sqlite)->value_name("FILE")->required(),
           "write a SQLite database (replaced atomically when complete)");
    if (!parse_command_line(args, description, "export", "--sqlite FILE [options]")) {
        return ExitCode::ok;
    }
    history.use_cache = false;
    PhaseTimer timer;
    const Analysis analysis = analyse(history);
    std::vector<writers::PlaylistExport> exports(analysis.selected.size());
    // Per playlist: the membership each present row is in.
    std::vector<std::unordered_map<std::uint32_t, std::size_t>> open(exports.size());
    auto builders = follow_playlists(
        analysis, history,
        [&](std::size_t i, const tables::TableBuilder& builder,
            const tables::TableBuilder::Change& change) {
            auto& out = exports[i];
            out.snapshots.push_back(
                {change.snapshot, change.track_lines, change.size, change.deleted});
            for (const auto row : change.ended) {
                out.memberships[open[i].at(row)].end = change.snapshot;
                open[i].erase(row);
            }
            for (const auto row : change.started) {
                open[i][row] = out.memberships.size();
                out.memberships.push_back({std::string(builder.state().table.rows[row].key),
                                           change.snapshot, std::nullopt});
            }
        });
    timer.lap("build");
    for (std::size_t i = 0; i < exports.size(); ++i) {
        exports[i].table = std::move(builders[i]).release_table(analysis.calendar.tip_day);
    }
    std::vector<writers::CommitRow> commits;
    for (std::size_t s = 0; s < analysis.history.snapshots.size(); ++s) {
        commits.push_back({analysis.labels.commits[s], analysis.labels.dates[s],
                           analysis.history.snapshots[s].time});
    }
    writers::write_sqlite(sqlite, commits, exports);
    timer.lap("write");
    if (!history.quiet) {
        std::size_t rows = 0;
        for (const auto& e : exports) {
            rows += e.table.rows.size();
        }
        note("{} playlists, {} tracks, {} commits in {}", exports.size(), rows, commits.size(),
             sqlite);
    }
    return ExitCode::ok;
}

} // namespace gh::commands
