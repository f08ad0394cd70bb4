#include "tables/cumulative.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <numeric>
#include <set>

namespace gh::tables {
namespace {

/// A playlist's history for the table rules: one entry per version, day numbers
/// relative to day 0, and nullopt for a deletion.
struct Step {
    std::int32_t day;
    std::optional<std::string> content;
};

PlaylistTable table_of(const std::vector<Step>& steps, std::int32_t tip_day,
                       plain::KeyMode mode = plain::KeyMode::line) {
    TableBuilder builder("37i9dQZF1DXcBWIGoYBM5M", mode);
    for (std::uint32_t i = 0; i < steps.size(); ++i) {
        builder.apply(i, steps[i].day,
                      steps[i].content ? std::optional<std::string_view>(*steps[i].content)
                                       : std::nullopt);
    }
    return builder.table(tip_day);
}

const TrackRow& row(const PlaylistTable& table, std::string_view key) {
    for (const auto& r : table.rows) {
        if (r.key == key) {
            return r;
        }
    }
    throw std::runtime_error("no row " + std::string(key));
}

std::string file(const std::string& tracks) {
    return "Name\nDescription\n\n" + tracks;
}

TEST(CumulativeTable, FirstSeenLastSeenAndRemoved) {
    // day 0: a b   day 1: a b   day 3: a      tip day 5
    const auto table = table_of({{0, file("A -- X -- 1\nB -- X -- 2")},
                                 {1, file("A -- X -- 1\nB -- X -- 2")},
                                 {3, file("A -- X -- 1")}},
                                5);
    const TrackRow& a = row(table, "a -- x -- 1");
    EXPECT_EQ(a.added, 0u);
    EXPECT_EQ(a.last_seen, 2u);
    EXPECT_FALSE(a.removed);
    EXPECT_EQ(a.stints, 1u);
    EXPECT_EQ(a.days_present, 5); // still present: tip day 5 - first day 0
    const TrackRow& b = row(table, "b -- x -- 2");
    EXPECT_EQ(b.last_seen, 1u);
    ASSERT_TRUE(b.removed);
    EXPECT_EQ(*b.removed, 2u);    // the first snapshot after its last appearance
    EXPECT_EQ(b.days_present, 3); // seen gone on day 3 - first seen day 0
}

TEST(CumulativeTable, ReAddedTrackKeepsAddedClearsRemovedCountsStints) {
    // day 0: a   day 2: -   day 4: a   day 7: -   day 9: a    tip day 12
    const auto table = table_of({{0, file("A -- X -- 1")},
                                 {2, file("")},
                                 {4, file("A -- X -- 1")},
                                 {7, file("")},
                                 {9, file("A -- X -- 1")}},
                                12);
    const TrackRow& a = row(table, "a -- x -- 1");
    EXPECT_EQ(a.added, 0u);
    EXPECT_EQ(a.last_seen, 4u);
    EXPECT_FALSE(a.removed);
    EXPECT_EQ(a.stints, 3u);
    EXPECT_EQ(a.days_present, (2 - 0) + (7 - 4) + (12 - 9));
}

TEST(CumulativeTable, DeletedPlaylistRemovesItsTracksOnTheDeletionDate) {
    const auto table = table_of({{0, file("A -- X -- 1\nB -- X -- 2")}, {6, std::nullopt}}, 10);
    EXPECT_TRUE(table.deleted);
    EXPECT_EQ(table.name, "Name"); // kept from the last version that had the file
    for (const auto& r : table.rows) {
        ASSERT_TRUE(r.removed);
        EXPECT_EQ(*r.removed, 1u);
        EXPECT_EQ(r.days_present, 6);
    }
    EXPECT_EQ(table.rows.size(), 2u);
}

TEST(CumulativeTable, DeletedThenReAddedPlaylistStartsANewStint) {
    const auto table =
        table_of({{0, file("A -- X -- 1")}, {1, std::nullopt}, {3, file("A -- X -- 1")}}, 4);
    EXPECT_FALSE(table.deleted);
    const TrackRow& a = row(table, "a -- x -- 1");
    EXPECT_EQ(a.stints, 2u);
    EXPECT_FALSE(a.removed);
    EXPECT_EQ(a.days_present, 1 + 1);
}

TEST(CumulativeTable, CaseVariantsShareARowShownAsTheLatestSnapshotHadIt) {
    const auto table =
        table_of({{0, file("Song -- Artist -- Album")}, {1, file("SONG -- Artist -- Album")}}, 1);
    ASSERT_EQ(table.rows.size(), 1u);
    EXPECT_EQ(table.rows[0].title, "SONG");
    EXPECT_EQ(table.rows[0].added, 0u);
    EXPECT_EQ(table.rows[0].stints, 1u);
}

TEST(CumulativeTable, DuplicateLinesAreOneRow) {
    const auto table =
        table_of({{0, file("A -- X -- 1\nA -- X -- 1")}, {1, file("A -- X -- 1")}}, 1);
    ASSERT_EQ(table.rows.size(), 1u);
    EXPECT_FALSE(table.rows[0].removed);
}

TEST(CumulativeTable, RowsAreSortedByKeyBytes) {
    const auto table =
        table_of({{0, file("b -- x -- y\nÄ -- x -- y\nA -- x -- y\n_ -- x -- y")}}, 0);
    std::vector<std::string> keys;
    for (const auto& r : table.rows) {
        keys.emplace_back(r.key);
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"_ -- x -- y", "a -- x -- y", "b -- x -- y",
                                              "ä -- x -- y"}));
}

TEST(CumulativeTable, ManyKeysSharingLongPrefixesAreInByteOrder) {
    // Titles from a small alphabet share prefixes longer than the eight bytes compared
    // first; "é" and "ÿ" sort after ASCII as bytes do.
    const std::vector<std::string> letters{"a", "b", "é", "ÿ", " ", "0"};
    std::uint64_t seed = 42;
    const auto next = [&] {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>(seed >> 33);
    };
    std::string tracks;
    std::set<std::string> expected;
    for (int i = 0; i < 400; ++i) {
        std::string title = "x";
        for (std::size_t n = next() % 14; n > 0; --n) {
            title += letters[next() % letters.size()];
        }
        const std::string line = title + " -- y -- z";
        tracks += line + "\n";
        expected.insert(line); // already lower case
    }
    const auto table = table_of({{0, file(tracks)}}, 0);
    std::vector<std::string> keys;
    for (const auto& r : table.rows) {
        keys.emplace_back(r.key);
    }
    EXPECT_EQ(keys, std::vector<std::string>(expected.begin(), expected.end()));
}

TEST(CumulativeTable, TitleArtistsKeyCollapsesAlbumVariants) {
    const auto table = table_of({{0, file("Song -- A -- Single")}, {1, file("Song -- A -- Album")}},
                                1, plain::KeyMode::title_artists);
    ASSERT_EQ(table.rows.size(), 1u);
    EXPECT_EQ(table.rows[0].album, "Album");
    EXPECT_FALSE(table.rows[0].removed);
}

TEST(CumulativeTable, StrayLinesAreCountedWithTheirFirstPlace) {
    const auto table =
        table_of({{0, file("A -- X -- 1\nnot a track")}, {1, file("A -- X -- 1\nx\ny")}}, 1);
    EXPECT_EQ(table.stray_lines, 3u);
    ASSERT_TRUE(table.first_stray);
    EXPECT_EQ(table.first_stray->first, 0u);
    EXPECT_EQ(table.first_stray->second, 5u);
}

TEST(CumulativeTable, EmptyFileThenScrapedAddsTracksOnTheSecondDay) {
    const auto table = table_of({{0, std::string()}, {1, file("A -- X -- 1")}}, 2);
    ASSERT_EQ(table.rows.size(), 1u);
    EXPECT_EQ(table.rows[0].added, 1u);
    EXPECT_EQ(table.rows[0].days_present, 1);
}

} // namespace
} // namespace gh::tables

namespace gh::tables {
namespace {

TEST(CumulativeTable, RestoredBuilderContinuesExactlyLikeTheOriginal) {
    const std::vector<std::string> versions{"N\nD\n\nA -- X -- 1\nB -- X -- 2\nC -- X -- 3",
                                            "N\nD\n\nA -- X -- 1\nC -- X -- 3\nD -- X -- 4",
                                            "N\nD\n\nB -- X -- 2\nC -- X -- 3"};
    for (std::size_t split = 1; split < versions.size(); ++split) {
        TableBuilder straight("id", plain::KeyMode::line);
        TableBuilder first("id", plain::KeyMode::line);
        for (std::uint32_t v = 0; v < versions.size(); ++v) {
            straight.apply(v, static_cast<std::int32_t>(v), versions[v]);
        }
        for (std::uint32_t v = 0; v < split; ++v) {
            first.apply(v, static_cast<std::int32_t>(v), versions[v]);
        }
        first.detach();
        TableBuilder restored = TableBuilder::restore(first.state(), plain::KeyMode::line);
        for (auto v = static_cast<std::uint32_t>(split); v < versions.size(); ++v) {
            restored.apply(v, static_cast<std::int32_t>(v), versions[v]);
        }
        const auto expected = straight.table(5);
        const auto actual = restored.table(5);
        ASSERT_EQ(actual.rows.size(), expected.rows.size()) << "split " << split;
        for (std::size_t r = 0; r < expected.rows.size(); ++r) {
            EXPECT_EQ(actual.rows[r].key, expected.rows[r].key);
            EXPECT_EQ(actual.rows[r].removed, expected.rows[r].removed)
                << expected.rows[r].key << " split " << split;
            EXPECT_EQ(actual.rows[r].last_seen, expected.rows[r].last_seen) << expected.rows[r].key;
            EXPECT_EQ(actual.rows[r].stints, expected.rows[r].stints) << expected.rows[r].key;
            EXPECT_EQ(actual.rows[r].days_present, expected.rows[r].days_present)
                << expected.rows[r].key;
        }
    }
}

/// `state` with its rows in key order and said to be so, as the cache saves it.
TableBuilder::State in_key_order(TableBuilder::State state) {
    const auto n = static_cast<std::uint32_t>(state.table.rows.size());
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return state.table.rows[a].key < state.table.rows[b].key;
    });
    std::vector<std::uint32_t> position(n);
    std::vector<TrackRow> rows;
    std::vector<TableBuilder::RowState> row_states;
    for (std::uint32_t i = 0; i < n; ++i) {
        position[order[i]] = i;
        rows.push_back(state.table.rows[order[i]]);
        row_states.push_back(state.rows[order[i]]);
    }
    state.table.rows = std::move(rows);
    state.rows = std::move(row_states);
    for (auto& row : state.latest_rows) {
        row = position[row];
    }
    state.sorted_rows = n;
    return state;
}

TEST(CumulativeTable, RestoredRowsInKeyOrderAreFoundAndOthersRefused) {
    // A restored builder finds the keys of rows saved in key order by bisection. Rows
    // that are said to be in key order but are not (or hold a key twice) would make a key
    // look new: such a state is refused.
    const std::vector<std::string> versions{"N\nD\n\nC -- X -- 3\nA -- X -- 1\nB -- X -- 2",
                                            "N\nD\n\nA -- X -- 1\nD -- X -- 4",
                                            "N\nD\n\nB -- X -- 2\nC -- X -- 3\nA -- X -- 1"};
    TableBuilder straight("id", plain::KeyMode::line);
    for (std::uint32_t v = 0; v < versions.size(); ++v) {
        straight.apply(v, static_cast<std::int32_t>(v), versions[v]);
    }
    const auto expected = straight.table(5);
    TableBuilder first("id", plain::KeyMode::line);
    first.apply(0, 0, versions[0]);
    first.detach();

    TableBuilder restored =
        TableBuilder::restore(in_key_order(first.state()), plain::KeyMode::line);
    for (std::uint32_t v = 1; v < versions.size(); ++v) {
        restored.apply(v, static_cast<std::int32_t>(v), versions[v]);
    }
    const auto actual = restored.table(5);
    ASSERT_EQ(actual.rows.size(), expected.rows.size());
    for (std::size_t r = 0; r < expected.rows.size(); ++r) {
        EXPECT_EQ(actual.rows[r].key, expected.rows[r].key);
        EXPECT_EQ(actual.rows[r].added, expected.rows[r].added);
        EXPECT_EQ(actual.rows[r].removed, expected.rows[r].removed);
        EXPECT_EQ(actual.rows[r].stints, expected.rows[r].stints);
        EXPECT_EQ(actual.rows[r].days_present, expected.rows[r].days_present);
    }

    auto unsorted = first.state();
    ASSERT_EQ(unsorted.table.rows.front().key, "c -- x -- 3");
    unsorted.sorted_rows = static_cast<std::uint32_t>(unsorted.table.rows.size());
    EXPECT_THROW(TableBuilder::restore(unsorted, plain::KeyMode::line), std::invalid_argument);
    auto twice = in_key_order(first.state());
    twice.table.rows[1].key = twice.table.rows[0].key;
    EXPECT_THROW(TableBuilder::restore(twice, plain::KeyMode::line), std::invalid_argument);
}

} // namespace
} // namespace gh::tables

namespace gh::tables {
namespace {

TEST(CumulativeTable, ObserverReportsEachVersionsChanges) {
    TableBuilder builder("id", plain::KeyMode::line);
    std::vector<TableBuilder::Change> changes;
    std::vector<std::vector<std::string>> started_keys;
    builder.observe([&](const TableBuilder& observed, const TableBuilder::Change& change) {
        changes.push_back(change);
        std::vector<std::string> keys;
        for (const auto row : change.started) {
            keys.emplace_back(observed.state().table.rows[row].key);
        }
        started_keys.push_back(keys);
    });
    const std::string v0 = "N\nD\n\nA -- X -- 1\nB -- X -- 2\nB -- X -- 2";
    const std::string v1 = "M\nD\n\nA -- X -- 1\nC -- X -- 3";
    builder.apply(0, 0, v0);
    builder.apply(1, 1, v1);
    builder.apply(2, 2, std::nullopt);
    builder.apply(3, 3, v0);
    ASSERT_EQ(changes.size(), 4u);
    EXPECT_EQ(changes[0].size, 2u);
    EXPECT_EQ(changes[0].track_lines, 3u); // the duplicate line counts as a line
    EXPECT_EQ(started_keys[0], (std::vector<std::string>{"a -- x -- 1", "b -- x -- 2"}));
    EXPECT_EQ(changes[1].previous_name, "N");
    EXPECT_EQ(started_keys[1], std::vector<std::string>{"c -- x -- 3"});
    EXPECT_EQ(changes[1].ended.size(), 1u);
    EXPECT_TRUE(changes[2].deleted);
    EXPECT_EQ(changes[2].ended.size(), 2u);
    EXPECT_EQ(changes[2].size, 0u);
    EXPECT_EQ(started_keys[3], (std::vector<std::string>{"a -- x -- 1", "b -- x -- 2"}));
    EXPECT_EQ(changes[3].size, 2u);
}

} // namespace
} // namespace gh::tables
