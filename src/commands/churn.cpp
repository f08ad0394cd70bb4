// gh-analyze churn: how fast playlists turn over, how long tracks stay, per playlist and
// over time.

#include "tables/churn.hpp"

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/table_writer.hpp"

#include <nlohmann/json.hpp>
#include <set>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// Follows every selected playlist and collects what churn statistics need.
std::vector<tables::ChurnInput> collect(const engine::Analysis& analysis,
                                        const HistoryOptions& options) {
    std::vector<tables::ChurnInput> inputs(analysis.selected.size());
    std::vector<std::set<std::uint32_t>> first_rows(inputs.size());
    auto builders = engine::follow_playlists(
        analysis, options,
        [&](std::size_t i, const tables::TableBuilder& builder,
            const tables::TableBuilder::Change& change) {
            auto& input = inputs[i];
            input.versions.push_back({change.day, change.size,
                                      static_cast<std::uint32_t>(change.started.size()),
                                      static_cast<std::uint32_t>(change.ended.size())});
            if (builder.versions() == 1) {
                first_rows[i].insert(change.started.begin(), change.started.end());
                input.first_size = change.size;
            }
        });
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        inputs[i].playlist = analysis.selected[i];
        const auto& state = builders[i].state();
        for (const auto row : first_rows[i]) {
            inputs[i].first_last_common += state.ledger.present(row);
        }
        // days_present as of the analysed revision: the table's own figures.
        const auto table = builders[i].table(analysis.calendar.tip_day);
        inputs[i].name = table.name;
        for (const auto& row : table.rows) {
            inputs[i].tenures.push_back({row.days_present, row.removed.has_value()});
        }
    }
    return inputs;
}

std::string number(const std::optional<double>& value, int decimals = 4) {
    return value ? fmt::format("{:.{}f}", *value, decimals) : std::string();
}

/// The columns that hold text; all others hold numbers.
const std::set<std::string> k_text_columns{"playlist", "name", "first", "last", "period"};

const std::vector<std::string> k_summary_columns{"playlist",
                                                 "name",
                                                 "snapshots",
                                                 "first",
                                                 "last",
                                                 "size",
                                                 "tracks_ever",
                                                 "additions",
                                                 "removals",
                                                 "mean_size",
                                                 "turnover",
                                                 "jaccard_consecutive",
                                                 "jaccard_first_last",
                                                 "median_tenure_removed",
                                                 "median_survival"};

std::vector<std::string> summary_fields(const tables::ChurnSummary& s) {
    return {s.playlist,
            s.name,
            std::to_string(s.snapshots),
            format_day(s.first_day),
            format_day(s.last_day),
            std::to_string(s.size),
            std::to_string(s.tracks_ever),
            std::to_string(s.additions),
            std::to_string(s.removals),
            number(s.mean_size, 2),
            number(s.turnover),
            number(s.jaccard_consecutive),
            number(s.jaccard_first_last),
            number(s.median_tenure_removed, 1),
            number(s.median_survival, 1)};
}

const std::vector<std::string> k_series_columns{"period",    "playlist", "name",    "size",
                                                "additions", "removals", "turnover"};

std::vector<std::string> series_fields(const tables::PeriodStats& p, tables::Period period) {
    return {tables::period_label(p.start, period),
            p.playlist,
            p.name,
            std::to_string(p.size),
            std::to_string(p.additions),
            std::to_string(p.removals),
            number(p.turnover)};
}

std::string render_rows(const std::vector<std::string>& columns,
                        const std::vector<std::vector<std::string>>& rows,
                        const std::string& format) {
    if (format == "csv") {
        std::string out;
        const auto append = [&out](const std::vector<std::string>& row) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i > 0) {
                    out += ',';
                }
                out += writers::csv_field(row[i]);
            }
            out += "\r\n";
        };
        append(columns);
        for (const auto& row : rows) {
            append(row);
        }
        return out;
    }
    if (format == "json") {
        auto array = nlohmann::ordered_json::array();
        for (const auto& row : rows) {
            nlohmann::ordered_json object;
            for (std::size_t i = 0; i < columns.size(); ++i) {
                // Numbers stay numbers; an empty field (undefined statistic) is null.
                if (row[i].empty() && columns[i] != "name") {
                    object[columns[i]] = nullptr;
                } else if (k_text_columns.contains(columns[i])) {
                    object[columns[i]] = row[i];
                } else {
                    object[columns[i]] = nlohmann::ordered_json::parse(row[i]);
                }
            }
            array.push_back(std::move(object));
        }
        return array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    }
    // An aligned table for people.
    std::vector<std::size_t> widths(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        widths[i] = columns[i].size();
        for (const auto& row : rows) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string out;
    const auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const std::string shown = escape_control(fields[i]);
            const std::string pad(widths[i] > shown.size() ? widths[i] - shown.size() : 0, ' ');
            // Names to the left, numbers to the right.
            const bool name =
                columns[i] == "playlist" || columns[i] == "name" || columns[i] == "period";
            out += name ? shown + pad : pad + shown;
            out += i + 1 < fields.size() ? "  " : "\n";
        }
    };
    line(columns);
    for (const auto& row : rows) {
        line(row);
    }
    return out;
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
    add_history_options(description, history, {.cache = false});
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
    const engine::Analysis analysis = engine::analyse(history);
    const auto inputs = collect(analysis, history);
    std::vector<std::vector<std::string>> rows;
    if (series) {
        for (const auto& input : inputs) {
            for (const auto& stats :
                 tables::time_series(input, period, analysis.calendar.tip_day)) {
                rows.push_back(series_fields(stats, period));
            }
        }
        start_pager(history.pager);
        write_stdout(render_rows(k_series_columns, rows, format));
        return ExitCode::ok;
    }
    for (const auto& input : inputs) {
        rows.push_back(summary_fields(tables::summarise(input)));
    }
    if (inputs.size() > 1) {
        rows.push_back(summary_fields(tables::summarise_all(inputs)));
    }
    start_pager(history.pager);
    write_stdout(render_rows(k_summary_columns, rows, format));
    return ExitCode::ok;
}

} // namespace gh::commands
