// The membership ledger on its own, against the reference's rules (tests/support): the
// same function the differential tests' reference applies to whole repositories.

#include "cache/cache.hpp"
#include "support/reference.hpp"
#include "tables/membership.hpp"

#include <gtest/gtest.h>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace gh::tables {
namespace {

/// A playlist as sets of keys, version by version, with the days of the versions.
struct KeyHistory {
    std::vector<std::set<std::uint32_t>> versions;
    std::vector<std::int64_t> days;
};

/// Random histories: keys come, go and come back; some versions are empty (a deletion or
/// an emptied file); days mostly advance, sometimes stand still, and now and then go back
/// (a committer clock behind the previous one).
KeyHistory random_history(std::mt19937& random, std::uint32_t keys, std::size_t versions) {
    KeyHistory history;
    std::set<std::uint32_t> current;
    std::int64_t day = 18000;
    for (std::size_t v = 0; v < versions; ++v) {
        const auto pick = random() % 10;
        if (pick == 0) {
            current.clear();
        } else {
            for (std::uint32_t key = 0; key < keys; ++key) {
                if (random() % 4 == 0) {
                    if (current.contains(key)) {
                        current.erase(key);
                    } else {
                        current.insert(key);
                    }
                }
            }
        }
        const auto step = random() % 8;
        day += step == 0 ? -2 : step == 1 ? 0 : static_cast<std::int64_t>(step);
        history.versions.push_back(current);
        history.days.push_back(day);
    }
    return history;
}

/// The snapshot index of version v: not v, so that a ledger that counted versions
/// instead of taking the snapshots it is given would be caught.
std::uint32_t snapshot_of(std::size_t v) {
    return static_cast<std::uint32_t>(3 * v + 1);
}

/// Feeds versions [from, to) of `history` to `ledger` as started and ended keys.
void record(MembershipLedger& ledger, const KeyHistory& history, std::size_t from, std::size_t to) {
    for (std::size_t v = from; v < to; ++v) {
        const std::set<std::uint32_t> none;
        const auto& before = v == 0 ? none : history.versions[v - 1];
        const auto& now = history.versions[v];
        std::vector<std::uint32_t> started, ended;
        std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                            std::back_inserter(started));
        std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                            std::back_inserter(ended));
        ledger.record({snapshot_of(v), static_cast<std::int32_t>(history.days[v]), started, ended});
    }
}

/// Checks every key of the ledger against the reference over the first `versions`
/// versions, as of a revision on `tip_day`.
void expect_reference(const MembershipLedger& ledger, const KeyHistory& history,
                      std::size_t versions, std::int64_t tip_day, const std::string& context) {
    for (std::uint32_t key = 0; key < ledger.keys(); ++key) {
        std::vector<bool> present;
        for (std::size_t v = 0; v < versions; ++v) {
            present.push_back(history.versions[v].contains(key));
        }
        const Membership got = ledger.at(key, static_cast<std::int32_t>(tip_day));
        if (std::find(present.begin(), present.end(), true) == present.end()) {
            EXPECT_EQ(got.stints, 0u) << context << " key " << key;
            continue;
        }
        const std::vector<std::int64_t> days(history.days.begin(), history.days.begin() + versions);
        const test::ReferenceMembership want = test::reference_membership(present, days, tip_day);
        const std::string where = context + " key " + std::to_string(key);
        EXPECT_EQ(got.added, snapshot_of(want.added)) << where;
        EXPECT_EQ(got.last_seen, snapshot_of(want.last_seen)) << where;
        EXPECT_EQ(got.removed.has_value(), want.removed.has_value()) << where;
        if (got.removed && want.removed) {
            EXPECT_EQ(*got.removed, snapshot_of(*want.removed)) << where;
        }
        EXPECT_EQ(got.stints, want.stints) << where;
        EXPECT_EQ(got.days_present, want.days_present) << where;
        EXPECT_EQ(got.present, history.versions[versions - 1].contains(key)) << where;
    }
}

TEST(LedgerRules, AgreeWithTheReferenceAfterEveryVersionOfRandomHistories) {
    for (std::uint32_t seed = 1; seed <= 200; ++seed) {
        std::mt19937 random(seed);
        const std::uint32_t keys = 1 + random() % 12;
        const KeyHistory history = random_history(random, keys, 1 + random() % 40);
        MembershipLedger ledger;
        for (std::uint32_t key = 0; key < keys; ++key) {
            EXPECT_EQ(ledger.add_key(), key);
        }
        for (std::size_t v = 0; v < history.versions.size(); ++v) {
            record(ledger, history, v, v + 1);
            EXPECT_EQ(ledger.present_count(), history.versions[v].size());
            EXPECT_EQ(ledger.last_snapshot(), snapshot_of(v));
            // The revision may be the version's own day or a later one.
            const std::int64_t tip_day = history.days[v] + static_cast<std::int64_t>(seed % 3);
            expect_reference(ledger, history, v + 1, tip_day,
                             "seed " + std::to_string(seed) + " version " + std::to_string(v));
        }
        if (HasFailure()) {
            return; // one seed's failures say enough
        }
    }
}

TEST(LedgerRules, ARestoredLedgerContinuesAsIfNeverSaved) {
    for (std::uint32_t seed = 1; seed <= 50; ++seed) {
        std::mt19937 random(seed);
        const std::uint32_t keys = 1 + random() % 10;
        const KeyHistory history = random_history(random, keys, 2 + random() % 30);
        const std::size_t split = 1 + random() % (history.versions.size() - 1);
        MembershipLedger first;
        for (std::uint32_t key = 0; key < keys; ++key) {
            first.add_key();
        }
        record(first, history, 0, split);
        std::vector<Membership> saved;
        for (std::uint32_t key = 0; key < keys; ++key) {
            saved.push_back(first.entry(key));
        }
        MembershipLedger restored = MembershipLedger::restore(saved, first.last_snapshot());
        EXPECT_EQ(restored.present_count(), first.present_count()) << "seed " << seed;
        record(restored, history, split, history.versions.size());
        expect_reference(restored, history, history.versions.size(), history.days.back(),
                         "seed " + std::to_string(seed));
    }
}

TEST(LedgerRules, ADeletionEndsEveryStintAndTheReturnIsANewOne) {
    MembershipLedger ledger;
    const std::uint32_t song = ledger.add_key();
    const std::vector<std::uint32_t> one{song}, none;
    ledger.record({0, 100, one, none}); // first version: the song is added
    ledger.record({1, 103, none, one}); // the playlist is deleted on day 103
    ledger.record({2, 110, one, none}); // and comes back with it on day 110
    const Membership membership = ledger.at(song, 112);
    EXPECT_EQ(membership.added, 0u);     // added stays the first version's
    EXPECT_FALSE(membership.removed);    // present again: no removed date
    EXPECT_EQ(membership.last_seen, 2u); // the latest version
    EXPECT_EQ(membership.stints, 2u);
    EXPECT_EQ(membership.days_present, 3 + 2); // 100..103, then 110..112 at the revision
    // Recorded, the open stint is not counted yet; `at` adds it for the revision's day.
    EXPECT_EQ(ledger.entry(song).days_present, 3);
    EXPECT_EQ(ledger.at(song, 120).days_present, 3 + 10);
}

TEST(LedgerRules, RefusesADiffThatContradictsIt) {
    MembershipLedger ledger;
    const std::uint32_t song = ledger.add_key();
    const std::vector<std::uint32_t> one{song}, none;
    EXPECT_THROW(ledger.record({0, 100, none, one}), std::logic_error); // never started
    ledger.record({0, 100, one, none});
    EXPECT_THROW(ledger.record({1, 101, one, none}), std::logic_error); // already present
}

TEST(LedgerRules, TheirVersionIsPartOfTheCachesSettings) {
    // A rule change bumps k_rules_version; the cache's settings text (and so its file
    // name and the text a loaded cache must match) then differs.
    const cache::Settings settings{"playlists/plain", "line", "UTC", "none"};
    EXPECT_NE(settings.describe().find(
                  "\nledger=" + std::to_string(MembershipLedger::k_rules_version) + "\n"),
              std::string::npos)
        << settings.describe();
}

} // namespace
} // namespace gh::tables
