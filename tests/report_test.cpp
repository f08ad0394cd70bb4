// The report's parts against slow, obviously right references: escaping, chart ticks, the
// Kaplan-Meier curve, the churn figures derived from a playlist's history, and `track`'s
// stints against the export's memberships.

#include "engine/analysis.hpp"
#include "report/charts.hpp"
#include "report/html.hpp"
#include "report/report.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"
#include "tables/churn.hpp"
#include "util/calendar.hpp"
#include "util/utf8.hpp"

#include <gtest/gtest.h>
#include <map>
#include <set>

namespace gh {
namespace {

/// Every playlist of `repo`, from its history, no cache.
engine::Options options_for(const std::filesystem::path& repo) {
    engine::Options options;
    options.repo = repo.string();
    options.quiet = true;
    options.use_cache = false;
    return options;
}

TEST(Report, EscapingShowsEveryNameAsText) {
    EXPECT_EQ(report::escape_html("<script>alert(1)</script>"),
              "&lt;script&gt;alert(1)&lt;/script&gt;");
    EXPECT_EQ(report::escape_html("\"><img src=x onerror='a'>"),
              "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;");
    EXPECT_EQ(report::escape_html("A & B"), "A &amp; B");
    EXPECT_EQ(report::escape_html("Beyonc\xC3\xA9"), "Beyonc\xC3\xA9");
    // Bytes that are not UTF-8 and control characters are shown as U+FFFD.
    EXPECT_EQ(report::escape_html("a\xFF"
                                  "b\x01"),
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD");
    synth::Random random(5);
    for (int i = 0; i < 2000; ++i) {
        std::string text;
        for (std::uint64_t n = random.below(12); n-- > 0;) {
            text += static_cast<char>(random.below(256));
        }
        const std::string escaped = report::escape_html(text);
        EXPECT_TRUE(is_valid_utf8(escaped)) << text;
        EXPECT_EQ(escaped.find_first_of("<>\"'"), std::string::npos) << text;
        for (std::size_t at = escaped.find('&'); at != std::string::npos;
             at = escaped.find('&', at + 1)) {
            const std::string entity = escaped.substr(at, escaped.find(';', at) + 1 - at);
            EXPECT_TRUE(entity == "&amp;" || entity == "&lt;" || entity == "&gt;" ||
                        entity == "&quot;" || entity == "&#39;")
                << text;
        }
    }
}

TEST(Report, LinkTargetsArePercentEncoded) {
    EXPECT_EQ(report::href_path("playlists/The Other List.html"),
              "playlists/The%20Other%20List.html");
    EXPECT_EQ(report::href_path("../playlists/a#b?c%d.html"), "../playlists/a%23b%3Fc%25d.html");
    EXPECT_EQ(report::shorten("abcdef", 4), "abc\xE2\x80\xA6");
    EXPECT_EQ(report::shorten("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");
    EXPECT_EQ(report::shorten("abc", 3), "abc");
}

TEST(Report, DayTicksAreRoundDatesInsideTheSpan) {
    synth::Random random(9);
    for (int i = 0; i < 300; ++i) {
        const auto first = static_cast<std::int32_t>(16000 + random.below(4000));
        const auto last = first + static_cast<std::int32_t>(random.below(i % 3 == 0 ? 30 : 3000));
        const std::size_t most = 2 + random.below(8);
        const auto ticks = report::day_ticks(first, last, most);
        EXPECT_LE(ticks.size(), most) << first << ".." << last;
        EXPECT_FALSE(ticks.empty() && last - first > 62) << first << ".." << last;
        for (std::size_t t = 0; t < ticks.size(); ++t) {
            EXPECT_GE(ticks[t].day, first);
            EXPECT_LE(ticks[t].day, last);
            EXPECT_TRUE(t == 0 || ticks[t].day > ticks[t - 1].day);
            // A label is the tick's date, its month or its year.
            EXPECT_TRUE(format_day(ticks[t].day).starts_with(ticks[t].label)) << ticks[t].label;
        }
    }
    for (std::size_t most = 2; most < 10; ++most) {
        for (const double max : {0.0, 1.0, 3.0, 7.0, 99.0, 100.0, 101.0, 2345.0}) {
            const auto ticks = report::value_ticks(max, most, true);
            EXPECT_EQ(ticks.front(), 0);
            EXPECT_GE(ticks.back(), max);
            EXPECT_LE(ticks.size(), most + 1) << max;
        }
    }
}

/// Kaplan-Meier the slow way: at each time with removals, the product over all times up
/// to it of (1 - removed then / observed at least that long).
TEST(Report, KaplanMeierCurveEqualsTheProductLimitByHand) {
    synth::Random random(3);
    for (int round = 0; round < 300; ++round) {
        std::vector<tables::Tenure> tenures;
        for (std::uint64_t n = 1 + random.below(40); n-- > 0;) {
            tenures.push_back({static_cast<std::int64_t>(random.below(30)), random.chance(0.6)});
        }
        const auto curve = tables::kaplan_meier(tenures);
        std::set<std::int64_t> times;
        for (const auto& tenure : tenures) {
            if (tenure.removed) {
                times.insert(tenure.days);
            }
        }
        ASSERT_EQ(curve.steps.size(), times.size());
        std::size_t step = 0;
        double survival = 1;
        for (const std::int64_t time : times) {
            double at_risk = 0;
            double removed = 0;
            for (const auto& tenure : tenures) {
                at_risk += tenure.days >= time;
                removed += tenure.days == time && tenure.removed;
            }
            survival *= 1 - removed / at_risk;
            EXPECT_EQ(curve.steps[step].days, time);
            EXPECT_NEAR(curve.steps[step].survival, survival, 1e-12);
            ++step;
        }
        std::size_t censored = 0;
        for (const auto& tenure : tenures) {
            censored += !tenure.removed;
        }
        EXPECT_EQ(curve.censored.size(), censored);
        std::optional<double> median;
        for (const auto& each : curve.steps) {
            if (!median && each.survival <= 0.5) {
                median = static_cast<double>(each.days);
            }
        }
        EXPECT_EQ(tables::kaplan_meier_median(tenures), median);
    }
}

/// The churn figures a report derives from a playlist's history equal those `churn`
/// collects version by version.
TEST(Differential, ChurnFiguresFromAHistoryEqualThoseCollectedVersionByVersion) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        test::TempDir dir;
        const auto repo = test::generated_archive(dir, seed, 5, 40, 12);
        const auto options = options_for(repo);
        auto analysis = engine::analyse(options);
        const auto histories = engine::collect_histories(analysis, options);
        std::vector<tables::ChurnInput> expected(analysis.selected.size());
        std::vector<std::set<std::uint32_t>> first_rows(expected.size());
        auto builders = engine::follow_playlists(
            analysis, options,
            [&](std::size_t i, const tables::TableBuilder& builder,
                const tables::TableBuilder::Change& change) {
                expected[i].versions.push_back({change.day, change.size,
                                                static_cast<std::uint32_t>(change.started.size()),
                                                static_cast<std::uint32_t>(change.ended.size())});
                if (builder.versions() == 1) {
                    first_rows[i].insert(change.started.begin(), change.started.end());
                    expected[i].first_size = change.size;
                }
            });
        ASSERT_EQ(histories.size(), expected.size());
        for (std::size_t i = 0; i < histories.size(); ++i) {
            for (const auto row : first_rows[i]) {
                expected[i].first_last_common += builders[i].state().ledger.present(row);
            }
            const auto actual = tables::churn_input(histories[i], analysis.calendar);
            ASSERT_EQ(actual.versions.size(), expected[i].versions.size());
            for (std::size_t v = 0; v < actual.versions.size(); ++v) {
                EXPECT_EQ(actual.versions[v].day, expected[i].versions[v].day);
                EXPECT_EQ(actual.versions[v].size, expected[i].versions[v].size);
                EXPECT_EQ(actual.versions[v].added, expected[i].versions[v].added) << v;
                EXPECT_EQ(actual.versions[v].removed, expected[i].versions[v].removed) << v;
            }
            EXPECT_EQ(actual.first_size, expected[i].first_size);
            EXPECT_EQ(actual.first_last_common, expected[i].first_last_common);
            // Every stint of a row is found by its key, and they add up to its count.
            for (const auto& row : histories[i].table.rows) {
                EXPECT_EQ(histories[i].stints(row.key).size(), row.stints) << row.key;
            }
        }
    }
}

/// The report has the index, a page per playlist and a page per track in two or more
/// playlists (counted here from the tables), and each playlist page charts every version.
TEST(Report, PagesForEveryPlaylistAndEveryTrackInTwo) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 4, 6, 30, 15);
    const auto options = options_for(repo);
    auto analysis = engine::analyse(options);
    const auto histories = engine::collect_histories(analysis, options);
    std::map<std::string_view, std::size_t> places;
    for (const auto& history : histories) {
        for (const auto& row : history.table.rows) {
            ++places[row.key];
        }
    }
    const auto shared = static_cast<std::size_t>(std::count_if(
        places.begin(), places.end(), [](const auto& place) { return place.second >= 2; }));
    ASSERT_GT(shared, 0u);
    for (const bool all : {false, true}) {
        const auto pages = report::render_report(histories, analysis.calendar, analysis.labels,
                                                 {"archive", all, 2});
        std::size_t playlist_pages = 0;
        std::size_t track_pages = 0;
        std::set<std::string> paths;
        for (const auto& page : pages) {
            EXPECT_TRUE(paths.insert(page.path).second) << page.path;
            EXPECT_TRUE(is_valid_utf8(page.content)) << page.path;
            playlist_pages += page.path.starts_with("playlists/");
            track_pages += page.path.starts_with("tracks/");
        }
        EXPECT_TRUE(paths.contains("index.html"));
        // The index counts the tracks in two playlists, whichever have pages.
        const auto index = std::find_if(pages.begin(), pages.end(),
                                        [](const auto& p) { return p.path == "index.html"; });
        ASSERT_NE(index, pages.end());
        EXPECT_NE(
            index->content.find(fmt::format("{} tracks were in two or more playlists", shared)),
            std::string::npos);
        EXPECT_TRUE(paths.contains("style.css"));
        EXPECT_EQ(track_pages, all ? places.size() : shared);
        std::size_t expected_playlists = 0;
        for (const auto& history : histories) {
            expected_playlists += !report::playlist_page(history.table.id).empty();
        }
        EXPECT_EQ(playlist_pages, expected_playlists);
    }
    const auto pages = report::render_report(histories, analysis.calendar, analysis.labels, {});
    for (const auto& history : histories) {
        const auto page = std::find_if(pages.begin(), pages.end(), [&](const auto& p) {
            return p.path == report::playlist_page(history.table.id);
        });
        ASSERT_NE(page, pages.end());
        // The size chart's description counts the versions; each row is in the table.
        EXPECT_NE(page->content.find(fmt::format("{} versions from", history.snapshots.size())),
                  std::string::npos)
            << history.table.id;
        EXPECT_NE(
            page->content.find(fmt::format("Every track ever ({})", history.table.rows.size())),
            std::string::npos);
    }
}

/// The fields of a CSV line without quoted fields.
std::vector<std::string> split_commas(const std::string& line) {
    std::vector<std::string> fields(1);
    for (const char c : line) {
        if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

/// `track` lists, for a title in two playlists, exactly the stints the export's
/// memberships table holds for it.
TEST(Track, StintsAreTheExportsMemberships) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 4, 6, 30, 15);
    const auto options = options_for(repo);
    auto analysis = engine::analyse(options);
    const auto histories = engine::collect_histories(analysis, options);
    std::map<std::string_view, std::set<std::string>> playlists_of;
    for (const auto& history : histories) {
        for (const auto& row : history.table.rows) {
            playlists_of[row.key].insert(history.table.id);
        }
    }
    const auto shared = std::find_if(playlists_of.begin(), playlists_of.end(),
                                     [](const auto& each) { return each.second.size() >= 2; });
    ASSERT_NE(shared, playlists_of.end());
    const std::string key(shared->first);
    const auto [code, csv] =
        test::run_command({"track", key, "--repo", repo.string(), "--format", "csv", "--quiet"});
    ASSERT_EQ(code, ExitCode::ok);
    test::run_command(
        {"export", "--repo", repo.string(), "--csv", (dir.path() / "x").string(), "--quiet"});
    std::multiset<std::string> expected;
    for (const auto& line : test::lines_of(test::read_file(dir.path() / "x" / "memberships.csv"))) {
        // playlist,key,start_commit,start_date,end_commit,end_date,first_fill (keys are
        // quoted when they hold a comma; the generated ones do not)
        const auto fields = split_commas(line);
        if (fields.size() == 7 && fields[1] == key) {
            expected.insert(fields[0] + " " + fields[3] + " " + fields[5]);
        }
    }
    std::multiset<std::string> actual;
    for (const auto& line : test::lines_of(csv)) {
        if (line.starts_with("key,")) {
            continue;
        }
        // key,title,artists,album,track_url,playlist,playlist_name,start,start_commit,end,...
        const auto fields = split_commas(line);
        ASSERT_EQ(fields.size(), 12u) << line;
        actual.insert(fields[5] + " " + fields[7] + " " + fields[9]);
    }
    EXPECT_GE(actual.size(), 2u);
    EXPECT_EQ(actual, expected);
    // A title nobody has is an error that names the query.
    EXPECT_NE(
        test::run_command({"track", "No Such Song Anywhere", "--repo", repo.string(), "--quiet"})
            .first,
        ExitCode::ok);
}

} // namespace
} // namespace gh
