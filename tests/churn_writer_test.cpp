#include "util/calendar.hpp"
#include "writers/churn_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gh::writers {
namespace {

/// A playlist whose name needs quoting in CSV and escaping in JSON and on a terminal, with
/// every statistic defined but the two medians.
tables::ChurnSummary quoted_summary() {
    tables::ChurnSummary s;
    s.playlist = "37i9dQZF1DXcBWIGoYBM5M";
    s.name = "Hits, \"Live\"\nMix\x1b";
    s.snapshots = 3;
    s.first_day = parse_day("2021-01-01").value();
    s.last_day = parse_day("2021-01-05").value();
    s.size = 12;
    s.tracks_ever = 15;
    s.additions = 4;
    s.removals = 2;
    s.mean_size = 11.5;
    s.turnover = 0.0125;
    s.jaccard_consecutive = 0.8;
    s.jaccard_first_last = 2.0 / 3.0;
    return s;
}

const std::string k_summary_header =
    "playlist,name,snapshots,first,last,size,tracks_ever,additions,removals,mean_size,"
    "turnover,jaccard_consecutive,jaccard_first_last,median_tenure_removed,median_survival\r\n";

TEST(ChurnWriter, CsvQuotesNamesAndLeavesUndefinedStatisticsEmpty) {
    const std::string csv = render_churn_summaries({quoted_summary()}, ChurnFormat::csv);
    EXPECT_EQ(csv, k_summary_header + "37i9dQZF1DXcBWIGoYBM5M,\"Hits, \"\"Live\"\"\nMix\x1b\",3,"
                                      "2021-01-01,2021-01-05,12,15,4,2,11.50,0.0125,0.8000,0.6667,,"
                                      "\r\n");
}

TEST(ChurnWriter, JsonKeepsNumbersAsNumbersAndUndefinedAsNull) {
    const std::string text = render_churn_summaries({quoted_summary()}, ChurnFormat::json);
    EXPECT_NE(text.find(R"("name": "Hits, \"Live\"\nMix\u001b")"), std::string::npos) << text;
    EXPECT_TRUE(text.starts_with("[\n  {\n    \"playlist\": \"37i9dQZF1DXcBWIGoYBM5M\",\n"))
        << text; // columns in the CSV's order
    EXPECT_TRUE(text.ends_with("]\n"));
    const auto json = nlohmann::json::parse(text);
    ASSERT_EQ(json.size(), 1u);
    const auto& row = json[0];
    EXPECT_EQ(row["name"], "Hits, \"Live\"\nMix\x1b");
    EXPECT_EQ(row["first"], "2021-01-01");
    EXPECT_TRUE(row["snapshots"].is_number_integer());
    EXPECT_EQ(row["snapshots"], 3);
    EXPECT_DOUBLE_EQ(row["turnover"].get<double>(), 0.0125);
    EXPECT_DOUBLE_EQ(row["jaccard_first_last"].get<double>(), 0.6667);
    EXPECT_TRUE(row["median_tenure_removed"].is_null());
    EXPECT_TRUE(row["median_survival"].is_null());
}

TEST(ChurnWriter, JsonKeepsAnEmptyNameAsText) {
    tables::ChurnSummary s = quoted_summary();
    s.name.clear();
    const auto json =
        nlohmann::json::parse(render_churn_summaries({s}, ChurnFormat::json))[0]["name"];
    EXPECT_EQ(json, "");
}

TEST(ChurnWriter, TableAlignsNamesLeftAndNumbersRightWithControlsEscaped) {
    tables::ChurnSummary s = quoted_summary();
    s.name = "A\tB";
    tables::ChurnSummary all;
    all.name = "all playlists";
    all.snapshots = 1234;
    const std::string table = render_churn_summaries({s, all}, ChurnFormat::table);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < table.size();) {
        const auto end = table.find('\n', at);
        lines.push_back(table.substr(at, end - at));
        at = end + 1;
    }
    ASSERT_EQ(lines.size(), 3u) << table;
    const std::string gap(2, ' ');
    EXPECT_TRUE(lines[0].starts_with("playlist" + std::string(14, ' ') + gap + "name" +
                                     std::string(9, ' ') + gap + "snapshots" + gap +
                                     std::string(5, ' ') + "first"))
        << table;
    EXPECT_TRUE(lines[1].starts_with("37i9dQZF1DXcBWIGoYBM5M" + gap + "A\\x09B" +
                                     std::string(7, ' ') + gap + std::string(8, ' ') + "3" + gap +
                                     "2021-01-01"))
        << table;
    EXPECT_TRUE(lines[2].starts_with(std::string(22, ' ') + gap + "all playlists" + gap +
                                     std::string(5, ' ') + "1234" + gap))
        << table;
    EXPECT_EQ(table.find('\t'), std::string::npos);
}

TEST(ChurnWriter, NoPlaylistsIsAHeaderOrAnEmptyArray) {
    EXPECT_EQ(render_churn_summaries({}, ChurnFormat::csv), k_summary_header);
    EXPECT_EQ(render_churn_summaries({}, ChurnFormat::json), "[]\n");
    EXPECT_EQ(render_churn_series({}, tables::Period::week, ChurnFormat::table),
              "period  playlist  name  size  additions  removals  turnover\n");
}

TEST(ChurnWriter, SeriesRowsAreLabelledByPeriod) {
    tables::PeriodStats week;
    week.start = parse_day("2021-05-03").value();
    week.playlist = "p";
    week.name = "n";
    week.size = 7;
    week.additions = 2;
    week.removals = 1;
    week.turnover = 0.125;
    tables::PeriodStats empty = week;
    empty.turnover.reset();
    EXPECT_EQ(render_churn_series({week, empty}, tables::Period::week, ChurnFormat::csv),
              "period,playlist,name,size,additions,removals,turnover\r\n"
              "2021-W18,p,n,7,2,1,0.1250\r\n"
              "2021-W18,p,n,7,2,1,\r\n");
    const auto json = nlohmann::json::parse(
        render_churn_series({week}, tables::Period::month, ChurnFormat::json));
    EXPECT_EQ(json[0]["period"], "2021-05");
    EXPECT_EQ(json[0]["size"], 7);
}

} // namespace
} // namespace gh::writers
