// gh-analyze churn: how fast playlists turn over, how long tracks stay, per playlist and
// over time.

#include "tables/churn.hpp"

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "util/terminal.hpp"
#include "writers/churn_writer.hpp"

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// Follows every selected playlist and collects what churn statistics need.
std::vector<tables::ChurnInput> collect(engine::Analysis& analysis, const HistoryOptions& options) {
    std::vector<tables::ChurnInput> inputs;
    for (const auto& history : engine::collect_histories(analysis, options)) {
        inputs.push_back(tables::churn_input(history, analysis.calendar));
    }
    return inputs;
}

tables::Period parse_period(const std::string& by) {
    if (by == "day") {
        return tables::Period::day;
    }
    if (by == "week") {
        return tables::Period::week;
    }
    if (by == "month") {
        return tables::Period::month;
    }
    throw std::logic_error("--by " + by + " passed the option parser"); // (OneOf checks it)
}

} // namespace

ExitCode run_churn(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string by;
    std::string format = "auto";
    po::options_description description;
    add_history_options(description, history);
    auto option = description.add_options();
    option("by", one_of(&by, {"day", "week", "month"})->value_name("PERIOD"),
           "a time series by day, week (ISO) or month instead of one row per playlist");
    option("format",
           one_of(&format, {"auto", "table", "csv", "json"})
               ->value_name("FORMAT")
               ->default_value(format),
           "table, csv or json; auto: a table on a terminal, csv otherwise");
    if (!parse_command_line(args, description, "churn", "[options]")) {
        return ExitCode::ok;
    }
    if (format == "auto") {
        format = stdout_is_terminal() ? "table" : "csv";
    }
    // (not an optional: GCC 12 warns, wrongly, that an optional enum may be uninitialised)
    const bool series = !by.empty();
    const tables::Period period = series ? parse_period(by) : tables::Period::day;
    const auto writer_format = format == "csv"    ? writers::ChurnFormat::csv
                               : format == "json" ? writers::ChurnFormat::json
                                                  : writers::ChurnFormat::table;
    engine::Analysis analysis = engine::analyse(history);
    const auto inputs = collect(analysis, history);
    analysis.finish_saving(); // before stdout, which a reader may close early
    if (series) {
        std::vector<tables::PeriodStats> stats;
        for (const auto& input : inputs) {
            const auto periods = tables::time_series(input, period, analysis.calendar.tip_day);
            stats.insert(stats.end(), periods.begin(), periods.end());
        }
        start_pager(history.pager);
        write_stdout(writers::render_churn_series(stats, period, writer_format));
        return ExitCode::ok;
    }
    std::vector<tables::ChurnSummary> summaries;
    for (const auto& input : inputs) {
        summaries.push_back(tables::summarise(input));
    }
    if (inputs.size() > 1) {
        summaries.push_back(tables::summarise_all(inputs));
    }
    start_pager(history.pager);
    write_stdout(writers::render_churn_summaries(summaries, writer_format));
    return ExitCode::ok;
}

} // namespace gh::commands
