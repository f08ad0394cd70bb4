// The engine against the reference (tests/support/reference.cpp) on many generated
// histories with the real archive's quirks.

#include "engine/analysis.hpp"
#include "git/repository.hpp"
#include "history/history.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

namespace gh {
namespace {

// Under AddressSanitizer every history costs several times as much; memory errors show on
// fewer, and the full count runs in every other build.
#ifdef __SANITIZE_ADDRESS__
constexpr int k_histories = 60;
#else
constexpr int k_histories = 200;
#endif

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
    std::size_t deltas = 0;
    for (int seed = 1; seed <= k_histories; ++seed) {
        test::TempDir dir;
        const auto repo = dir.path() / "archive";
        const auto options = options_for(static_cast<std::uint64_t>(seed));
        synth::generate_archive(repo, options);
        if (seed % 3 == 0) { // deltas, and chains of them, read and applied end to end
            deltas += test::repack_with_deltas(repo);
        }
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
    // The generated histories must exercise the interesting rules, or the test proves little
    // (the thresholds are those of 200 histories, scaled to how many ran).
    const auto at_least = [](std::size_t of_200) { return of_200 * k_histories / 200; };
    EXPECT_GT(rows, at_least(5000));
    EXPECT_GT(removed, at_least(1000));
    EXPECT_GT(readded, at_least(100));
    EXPECT_GT(deltas, at_least(5000));
}

/// Sets an environment variable for the scope (git run by the reference sees it too).
class ScopedEnvironment {
  public:
    ScopedEnvironment(const char* name, const char* value) : m_name(name) {
        setenv(name, value, 1);
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
    ~ScopedEnvironment() { unsetenv(m_name); }

  private:
    const char* m_name;
};

// History cut with `git replace --graft`, a commit replaced by another, and grafts in
// info/grafts: the tables follow the history that `git log` shows, and the cache is never
// continued across a change of them.
TEST(Differential, ReplacedCommitsAndGraftsAreFollowedAsGitLogShowsThem) {
    for (int variant = 0; variant < 6; ++variant) {
        test::TempDir dir;
        const auto repo = test::generated_archive(dir, 40 + variant, 4, 30, 10);
        const std::string q = test::shell_quote(repo.string());
        const auto original = test::reference_rows(repo, "HEAD", "playlists/plain");
        engine::Options cached;
        cached.repo = repo.string();
        cached.quiet = true;
        const auto before_rewrite = test::engine_tables(cached); // leaves a cache
        const auto snapshots = test::git_log_snapshots(repo, "HEAD", "playlists/plain");
        const std::string middle = snapshots[snapshots.size() / 2];
        switch (variant) {
        case 0: // history cut short
            test::run("git -C " + q + " replace --graft " + middle);
            break;
        case 1: // the same with a graft
            std::ofstream(repo / ".git/info/grafts") << "# cut\n" << middle << "\n";
            break;
        case 2: // a commit replaced by an older one: its tree and parents
            test::run("git -C " + q + " replace " + middle + " " + snapshots[2]);
            break;
        case 3: // a commit grafted onto another parent, and a line git refuses
            std::ofstream(repo / ".git/info/grafts")
                << middle << " " << snapshots[1] << "\nnot a graft\n";
            break;
        case 4: // a replacement of a replacement
            test::run("git -C " + q + " replace " + middle + " " + snapshots[3]);
            test::run("git -C " + q + " replace " + snapshots[3] + " " + snapshots[1]);
            break;
        case 5: { // grafts as git reads them: upper case, CR LF, a tab; the first one wins
            std::string upper = middle;
            std::transform(upper.begin(), upper.end(), upper.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            std::ofstream(repo / ".git/info/grafts") << upper << "\t" << snapshots[1] << " \r\n"
                                                     << middle << "\n";
            break;
        }
        }
        const auto expected = test::reference_rows(repo, "HEAD", "playlists/plain");
        ASSERT_NE(expected, original) << "variant " << variant << " changed nothing";
        EXPECT_EQ(test::engine_rows(repo, "HEAD", "playlists/plain"), expected)
            << "variant " << variant;
        // libgit2 would resolve "~" through the stored parents: refused, not different.
        engine::Options ancestry = cached;
        ancestry.rev = "HEAD~1";
        try {
            test::engine_tables(ancestry);
            ADD_FAILURE() << "variant " << variant << ": --rev HEAD~1 was taken";
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), ExitCode::usage) << error.what();
        }
        const auto through_cache = test::engine_tables(cached);
        EXPECT_EQ(test::flatten(through_cache.tables, through_cache.labels), expected)
            << "variant " << variant << " through the cache";
        {
            // GIT_NO_REPLACE_OBJECTS turns replace refs off for git and for gh-analyze.
            const ScopedEnvironment off("GIT_NO_REPLACE_OBJECTS", "1");
            EXPECT_EQ(test::engine_rows(repo, "HEAD", "playlists/plain"),
                      test::reference_rows(repo, "HEAD", "playlists/plain"))
                << "variant " << variant << " without replace refs";
            if (variant != 1 && variant != 3 && variant != 5) {
                EXPECT_EQ(test::engine_rows(repo, "HEAD", "playlists/plain"), original);
            }
        }
    }
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
        engine::Options options;
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
