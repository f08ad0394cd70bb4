// The engine against the reference (tests/support/reference.cpp) on many generated
// histories with the real archive's quirks.

#include "git/repository.hpp"
#include "history/history.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"

#include <gtest/gtest.h>

namespace gh {
namespace {

constexpr int k_histories = 200;

synth::GeneratorOptions options_for(std::uint64_t seed) {
    synth::Random random(seed * 7919);
    synth::GeneratorOptions options;
    options.seed = seed;
    options.playlists = 3 + static_cast<int>(random.below(8));
    options.days = 6 + static_cast<int>(random.below(50));
    options.tracks = static_cast<int>(random.below(14));
    options.churn = 0.05 + static_cast<double>(random.below(50)) / 100.0;
    options.change_rate = 0.2 + static_cast<double>(random.below(80)) / 100.0;
    options.quirks = seed % 5 != 0;
    // Some histories start just before midnight so that clock skew crosses dates.
    options.start_time = 1577836800 + static_cast<std::int64_t>(random.below(86400));
    return options;
}

TEST(Differential, EngineEqualsReferenceOnGeneratedHistories) {
    std::size_t rows = 0;
    std::size_t removed = 0;
    std::size_t readded = 0;
    for (int seed = 1; seed <= k_histories; ++seed) {
        test::TempDir dir;
        const auto repo = dir.path() / "archive";
        const auto options = options_for(static_cast<std::uint64_t>(seed));
        synth::generate_archive(repo, options);
        const auto expected = test::reference_rows(repo, "HEAD", "playlists/plain");
        const auto actual = test::engine_rows(repo, "HEAD", "playlists/plain");
        ASSERT_EQ(actual.size(), expected.size()) << "seed " << seed;
        for (std::size_t i = 0; i < actual.size(); ++i) {
            ASSERT_EQ(actual[i], expected[i]) << "seed " << seed << " row " << i;
        }
        rows += actual.size();
        for (const auto& row : actual) {
            removed += !row.removed.empty();
            readded += row.stints > 1;
        }
    }
    // The generated histories must exercise the interesting rules, or the test proves little.
    EXPECT_GT(rows, 5000u);
    EXPECT_GT(removed, 1000u);
    EXPECT_GT(readded, 100u);
}

TEST(Differential, SnapshotsEqualGitLogOnGeneratedHistories) {
    for (int seed = 1; seed <= 40; ++seed) {
        test::TempDir dir;
        const auto repo = dir.path() / "archive";
        synth::generate_archive(repo, options_for(static_cast<std::uint64_t>(seed)));
        const git::Repository handle = test::open(repo);
        const git::Commit tip = git::resolve_commit(handle.get(), "HEAD");
        // Objects read from the packs, and (odd seeds) by libgit2 alone.
        const auto packs =
            seed % 2 ? nullptr : std::make_shared<git::PackSet>(repo / ".git" / "objects");
        const auto history =
            history::walk_history(handle.get(), tip.get(), "playlists/plain", {}, 1, packs);
        std::vector<std::string> ids;
        for (const auto& snapshot : history.snapshots) {
            ids.push_back(git::hex(snapshot.commit));
        }
        ASSERT_EQ(ids, test::git_log_snapshots(repo, "HEAD", "playlists/plain")) << "seed " << seed;
    }
}

TEST(Differential, EngineEqualsReferenceAtEarlierRevisions) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 99, 9, 50);
    // A side branch's tip too: the second parent of the oldest merge.
    std::string merge = test::run("git -C " + test::shell_quote(repo.string()) +
                                  " rev-list --merges HEAD | tail -n 1");
    ASSERT_FALSE(merge.empty());
    merge.pop_back();
    for (const std::string& rev :
         {std::string("HEAD~1"), std::string("HEAD~7"), std::string("HEAD~20"), merge + "^2"}) {
        const auto expected = test::reference_rows(repo, rev, "playlists/plain");
        EXPECT_FALSE(expected.empty()) << rev;
        EXPECT_EQ(test::engine_rows(repo, rev, "playlists/plain"), expected) << rev;
    }
}

} // namespace
} // namespace gh

namespace gh {
namespace {

TEST(Differential, OutputIsTheSameForAnyNumberOfThreads) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 21, 12, 40);
    std::vector<std::string> outputs;
    for (const unsigned jobs : {1u, 2u, 5u}) {
        commands::HistoryOptions options;
        options.repo = repo.string();
        options.use_cache = false;
        options.jobs = jobs;
        const auto engine = test::engine_tables(options);
        std::vector<const tables::PlaylistTable*> pointers;
        for (const auto& table : engine.tables) {
            pointers.push_back(&table);
        }
        outputs.push_back(writers::render(pointers, engine.labels, writers::Format::csv, {}));
    }
    EXPECT_GT(outputs[0].size(), 1000u);
    EXPECT_TRUE(outputs[0] == outputs[1]) << "--jobs 1 and 2 differ";
    EXPECT_TRUE(outputs[0] == outputs[2]) << "--jobs 1 and 5 differ";
}

} // namespace
} // namespace gh
