#include "writers/churn_writer.hpp"

#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/json_document.hpp"
#include "writers/table_writer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace gh::writers {

namespace {

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

using Rows = std::vector<std::vector<std::string>>;

std::string render_csv(const std::vector<std::string>& columns, const Rows& rows) {
    std::string out = csv_record(columns);
    for (const auto& row : rows) {
        out += csv_record(row);
    }
    return out;
}

std::string render_json(const std::vector<std::string>& columns, const Rows& rows) {
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
    return json_document(array);
}

/// An aligned table for people: names to the left, numbers to the right.
std::string render_table(const std::vector<std::string>& columns, const Rows& rows) {
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

std::string render_rows(const std::vector<std::string>& columns, const Rows& rows,
                        ChurnFormat format) {
    switch (format) {
    case ChurnFormat::csv:
        return render_csv(columns, rows);
    case ChurnFormat::json:
        return render_json(columns, rows);
    case ChurnFormat::table:
        break;
    }
    return render_table(columns, rows);
}

} // namespace

std::string render_churn_summaries(const std::vector<tables::ChurnSummary>& summaries,
                                   ChurnFormat format) {
    Rows rows;
    for (const auto& summary : summaries) {
        rows.push_back(summary_fields(summary));
    }
    return render_rows(k_summary_columns, rows, format);
}

std::string render_churn_series(const std::vector<tables::PeriodStats>& series,
                                tables::Period period, ChurnFormat format) {
    Rows rows;
    for (const auto& stats : series) {
        rows.push_back(series_fields(stats, period));
    }
    return render_rows(k_series_columns, rows, format);
}

} // namespace gh::writers
