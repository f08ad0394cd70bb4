// gh-analyze export --sqlite FILE | --csv DIR | --jsonl DIR: the whole history as tables
// researchers can query.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "engine/archive_layout.hpp"
#include "git/repository.hpp"
#include "util/terminal.hpp"
#include "writers/export_tables.hpp"
#include "writers/sqlite_export.hpp"

#include <fmt/format.h>

namespace po = boost::program_options;

namespace gh::commands {

ExitCode run_export(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string sqlite;
    std::string csv;
    std::string jsonl;
    po::options_description description;
    add_history_options(description, history, {.pager = false, .links = true});
    auto option = description.add_options();
    option("sqlite", po::value(&sqlite)->value_name("FILE"),
           "write a SQLite database (replaced atomically when complete)");
    option("csv", po::value(&csv)->value_name("DIR"),
           "write the same tables as DIR/<table>.csv, each file replaced atomically");
    option("jsonl", po::value(&jsonl)->value_name("DIR"),
           "write the same tables as DIR/<table>.jsonl, one JSON object a line");
    if (!parse_command_line(args, description, "export",
                            "--sqlite FILE | --csv DIR | --jsonl DIR [options]")) {
        return ExitCode::ok;
    }
    if (sqlite.empty() && csv.empty() && jsonl.empty()) {
        throw Error::usage("nothing to export to: give --sqlite FILE, --csv DIR or --jsonl DIR "
                           "(or several)\nTry 'gh-analyze export --help'.");
    }
    PhaseTimer timer;
    engine::Analysis analysis = engine::analyse(history);
    const auto exports = engine::collect_histories(analysis, history);
    timer.lap("build");
    std::vector<const tables::PlaylistTable*> tables;
    for (const auto& each : exports) {
        tables.push_back(&each.table);
    }
    const auto id_changes = engine::detect_id_changes(analysis, tables);
    std::vector<writers::CommitRow> commits;
    for (std::size_t s = 0; s < analysis.history.snapshots.size(); ++s) {
        commits.push_back({analysis.labels.commits[s], analysis.labels.dates[s],
                           analysis.history.snapshots[s].time});
    }
    std::vector<std::string> written;
    if (!sqlite.empty()) {
        writers::write_sqlite(sqlite, commits, exports, id_changes);
        written.push_back(sqlite);
    }
    if (!csv.empty()) {
        writers::write_table_files(csv, writers::LinesFormat::csv, commits, exports, id_changes);
        written.push_back(csv);
    }
    if (!jsonl.empty()) {
        writers::write_table_files(jsonl, writers::LinesFormat::jsonl, commits, exports,
                                   id_changes);
        written.push_back(jsonl);
    }
    timer.lap("write");
    if (!history.quiet) {
        std::size_t rows = 0;
        for (const auto& e : exports) {
            rows += e.table.rows.size();
        }
        note("{} playlists, {} tracks, {} commits in {}", exports.size(), rows, commits.size(),
             fmt::format("{}", fmt::join(written, " and ")));
    }
    return ExitCode::ok;
}

} // namespace gh::commands
