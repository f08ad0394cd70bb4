#include "tables/churn.hpp"
#include "util/calendar.hpp"

#include <gtest/gtest.h>

namespace gh::tables {
namespace {

TEST(Churn, MedianOfOddAndEvenCounts) {
    EXPECT_EQ(median({3, 1, 2}), 2.0);
    EXPECT_EQ(median({4, 1, 3, 2}), 2.5); // (2 + 3) / 2
    EXPECT_FALSE(median({}));
}

TEST(Churn, KaplanMeierWithCensoring) {
    // Tenures (days, removed?): 2 removed, 3 censored, 4 removed, 5 removed, 8 censored.
    // t=2: 5 at risk, 1 event: S = 1 - 1/5 = 0.8
    // t=3: censored, leaves the risk set (4 left)
    // t=4: 3 at risk, 1 event: S = 0.8 * (1 - 1/3) = 0.5333
    // t=5: 2 at risk, 1 event: S = 0.5333 * (1 - 1/2) = 0.2667 <= 0.5: median 5
    EXPECT_EQ(kaplan_meier_median({{2, true}, {3, false}, {4, true}, {5, true}, {8, false}}), 5.0);
    // Without censoring the median is the plain one where S first reaches 0.5:
    // t=1: S = 3/4, t=2: S = 2/4 = 0.5 -> 2.
    EXPECT_EQ(kaplan_meier_median({{1, true}, {2, true}, {3, true}, {4, true}}), 2.0);
    // Mostly censored: survival never falls to 0.5.
    // t=1: S = 1 - 1/4 = 0.75, then only censored tracks.
    EXPECT_FALSE(kaplan_meier_median({{1, true}, {5, false}, {6, false}, {7, false}}));
    // Ties: two events at t=3 among 4 at risk: S = 1 - 2/4 = 0.5 -> 3.
    EXPECT_EQ(kaplan_meier_median({{3, true}, {3, true}, {3, false}, {9, true}}), 3.0);
}

ChurnInput example() {
    // Versions on days 0, 2 and 4 (a span of 4 days); the tip is on day 6.
    // v0: {a, b, c, d}      size 4, 4 begun (the first version: not additions)
    // v1: {a, b, e}         size 3, begun e, ended c d
    // v2: {a, e, f, g}      size 4, begun f g, ended b
    ChurnInput input;
    input.playlist.assign(1, 'p'); // (assigning "p": a false GCC 12 -Wrestrict at -O3)
    input.versions = {{0, 4, 4, 0}, {2, 3, 1, 2}, {4, 4, 2, 1}};
    input.first_size = 4;
    input.first_last_common = 1; // only a is in both {a,b,c,d} and {a,e,f,g}
    // Days present as of day 6: a 6 (present), b 4 (day 0 to 4), c 2, d 2 (day 0 to 2),
    // e 4 (present since day 2), f 2, g 2 (present since day 4).
    input.tenures = {{6, false}, {4, true},  {2, true}, {2, true},
                     {4, false}, {2, false}, {2, false}};
    return input;
}

TEST(Churn, SummaryWorkedByHand) {
    const ChurnSummary s = summarise(example());
    EXPECT_EQ(s.snapshots, 3u);
    EXPECT_EQ(s.first_day, 0);
    EXPECT_EQ(s.last_day, 4);
    EXPECT_EQ(s.size, 4u);
    EXPECT_EQ(s.tracks_ever, 7u);
    EXPECT_EQ(s.additions, 3u); // e, then f and g; the first version's four are not additions
    EXPECT_EQ(s.removals, 3u);  // c and d, then b
    ASSERT_TRUE(s.mean_size);
    EXPECT_DOUBLE_EQ(*s.mean_size, (4.0 + 3.0 + 4.0) / 3.0);
    // removals per day = 3 / (4 - 0) = 0.75; turnover = 0.75 / (11 / 3) = 0.2045...
    ASSERT_TRUE(s.turnover);
    EXPECT_DOUBLE_EQ(*s.turnover, 0.75 / (11.0 / 3.0));
    // v0->v1: |A∩B| = 4 - 2 = 2, |A∪B| = 4 + 1 = 5 -> 0.4
    // v1->v2: |A∩B| = 3 - 1 = 2, |A∪B| = 3 + 2 = 5 -> 0.4; mean 0.4
    ASSERT_TRUE(s.jaccard_consecutive);
    EXPECT_DOUBLE_EQ(*s.jaccard_consecutive, 0.4);
    // first {a,b,c,d} vs last {a,e,f,g}: 1 / 7
    ASSERT_TRUE(s.jaccard_first_last);
    EXPECT_DOUBLE_EQ(*s.jaccard_first_last, 1.0 / 7.0);
    // removed tracks' days: 4, 2, 2 -> median 2
    EXPECT_EQ(s.median_tenure_removed, 2.0);
    // KM over 7 tracks sorted 2r 2r 2c 2c 4r 4c 6c: at t=2 all 7 at risk, 2 events:
    // S = 1 - 2/7 = 0.714; the four with 2 days leave, 3 at risk at t=4, 1 event:
    // S = 0.714 * (1 - 1/3) = 0.476 <= 0.5 -> 4
    EXPECT_EQ(s.median_survival, 4.0);
}

TEST(Churn, SummaryOfSeveralPlaylistsPoolsThem) {
    ChurnInput other;
    other.playlist = "q";
    other.versions = {{1, 2, 2, 0}, {5, 2, 1, 1}};
    other.first_size = 2;
    other.first_last_common = 1;
    other.tenures = {{4, true}, {4, false}, {0, false}};
    const ChurnSummary s = summarise_all({example(), other});
    EXPECT_EQ(s.playlist, "(all)");
    EXPECT_EQ(s.snapshots, 5u);
    EXPECT_EQ(s.first_day, 0);
    EXPECT_EQ(s.last_day, 5);
    EXPECT_EQ(s.additions, 3u + 1u);
    EXPECT_EQ(s.removals, 3u + 1u);
    EXPECT_EQ(s.tracks_ever, 10u);
    // Pairs: 0.4, 0.4, and q's (2 - 1) / (2 + 1) = 1/3: mean (0.8 + 1/3) / 3
    EXPECT_DOUBLE_EQ(*s.jaccard_consecutive, (0.4 + 0.4 + 1.0 / 3.0) / 3.0);
    // first/last: (1 + 1) / (7 + (2 + 2 - 1)) = 2 / 10
    EXPECT_DOUBLE_EQ(*s.jaccard_first_last, 0.2);
    // removals 4 over 5 days, mean sizes 11/3 + 2
    EXPECT_DOUBLE_EQ(*s.turnover, (4.0 / 5.0) / (11.0 / 3.0 + 2.0));
}

TEST(Churn, AnEmptyFileBeforeTheFirstFillDoesNotMakeTheFillAdditions) {
    // A playlist registered as an empty file (v0), filled with 5 tracks (v1), then 2 of
    // them replaced (v2), then emptied (v3) and filled again with 3 (v4): only the stints
    // begun after v1, the first version with tracks, are additions.
    ChurnInput input;
    input.playlist.assign(1, 'p');
    input.versions = {{0, 0, 0, 0}, {1, 5, 5, 0}, {2, 5, 2, 2}, {3, 0, 0, 5}, {4, 3, 3, 0}};
    EXPECT_EQ(first_fill(input), 1u);
    const ChurnSummary s = summarise(input);
    EXPECT_EQ(s.additions, 2u + 3u);
    EXPECT_EQ(s.removals, 2u + 5u);
    const auto series = time_series(input, Period::day, 4);
    ASSERT_EQ(series.size(), 5u);
    EXPECT_EQ(series[1].additions, 0u); // the first fill
    EXPECT_EQ(series[2].additions, 2u);
    EXPECT_EQ(series[4].additions, 3u); // a refill after the playlist was emptied counts
    // A playlist that never had tracks has no first fill, and no additions.
    ChurnInput never;
    never.versions = {{0, 0, 0, 0}, {1, 0, 0, 0}};
    EXPECT_EQ(first_fill(never), 2u);
    EXPECT_EQ(summarise(never).additions, 0u);
}

TEST(Churn, UndefinedStatisticsAreEmptyNotZero) {
    ChurnInput single;
    single.playlist = "s";
    single.versions = {{3, 0, 0, 0}};
    const ChurnSummary s = summarise(single);
    EXPECT_FALSE(s.turnover);            // no span of days
    EXPECT_FALSE(s.jaccard_consecutive); // no pair
    EXPECT_FALSE(s.jaccard_first_last);  // both empty
    EXPECT_FALSE(s.median_tenure_removed);
    EXPECT_FALSE(s.median_survival);
}

TEST(Churn, TimeSeriesByWeekCarriesSizes) {
    // 2021-05-03 is a Monday. Versions on Mon 3rd, Wed 5th, Tue 11th; tip Sun 23rd.
    const std::int32_t monday = *parse_day("2021-05-03");
    ChurnInput input;
    input.playlist.assign(1, 'p'); // (assigning "p": a false GCC 12 -Wrestrict at -O3)
    input.versions = {{monday, 10, 10, 0}, {monday + 2, 9, 1, 2}, {monday + 8, 12, 3, 0}};
    const auto series = time_series(input, Period::week, monday + 20);
    ASSERT_EQ(series.size(), 3u);
    EXPECT_EQ(period_label(series[0].start, Period::week), "2021-W18");
    EXPECT_EQ(series[0].size, 9u);
    EXPECT_EQ(series[0].additions, 1u); // the first version's 10 are not additions
    EXPECT_EQ(series[0].removals, 2u);
    EXPECT_FALSE(series[0].turnover); // size 0 at the start of the first week
    EXPECT_EQ(series[1].size, 12u);
    EXPECT_EQ(series[1].additions, 3u);
    ASSERT_TRUE(series[1].turnover);
    EXPECT_DOUBLE_EQ(*series[1].turnover, 0.0 / 9.0);
    EXPECT_EQ(series[2].size, 12u); // no version: the size carries
    EXPECT_EQ(series[2].additions, 0u);
}

TEST(Churn, PeriodsAndLabels) {
    const std::int32_t day = *parse_day("2021-01-01"); // a Friday, ISO week 2020-W53
    EXPECT_EQ(period_label(period_start(day, Period::week), Period::week), "2020-W53");
    EXPECT_EQ(format_day(period_start(day, Period::week)), "2020-12-28");
    EXPECT_EQ(period_label(period_start(day, Period::month), Period::month), "2021-01");
    EXPECT_EQ(format_day(next_period(*parse_day("2021-01-01"), Period::month)), "2021-02-01");
    EXPECT_EQ(format_day(next_period(*parse_day("2020-12-01"), Period::month)), "2021-01-01");
    EXPECT_EQ(period_label(day, Period::day), "2021-01-01");
}

} // namespace
} // namespace gh::tables
