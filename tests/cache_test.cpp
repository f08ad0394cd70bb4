// Incremental runs through the cache against full runs, byte for byte, on generated
// histories: runs that move forward a few commits at a time, onto side branches, back to
// older revisions (as after a history rewrite), and runs whose cache was left damaged.

#include "cache/cache.hpp"
#include "commands/output_manifest.hpp"
#include "engine/analysis.hpp"
#include "git/repository.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"
#include "writers/table_writer.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace gh {
namespace {

/// Every table at `rev` as CSV and markdown, through the cache or not.
std::string render_all(const std::filesystem::path& repo, const std::string& rev, bool use_cache,
                       const std::string& tz = "UTC") {
    engine::Options options;
    options.repo = repo.string();
    options.rev = rev;
    options.use_cache = use_cache;
    options.tz = tz;
    options.jobs = 2;
    const auto engine = test::engine_tables(options);
    std::vector<const tables::PlaylistTable*> pointers;
    for (const auto& table : engine.tables) {
        pointers.push_back(&table);
    }
    const writers::MarkdownLinks links{"playlists/plain", "playlists/pretty"};
    return writers::render(pointers, engine.labels, writers::Format::csv, links) +
           writers::render(pointers, engine.labels, writers::Format::markdown, links);
}

using test::lines_of;

std::filesystem::path cache_file(const std::filesystem::path& repo,
                                 const std::string& extension = ".cache") {
    for (const auto& entry : std::filesystem::directory_iterator(repo / ".git" / "gh-analyze")) {
        if (entry.path().extension() == extension) {
            return entry.path();
        }
    }
    return {};
}

/// Compares line by line, so that a failure shows the first difference, not two tables.
void expect_same_text(const std::string& actual, const std::string& expected,
                      const std::string& what) {
    const auto a = lines_of(actual);
    const auto e = lines_of(expected);
    for (std::size_t i = 0; i < std::min(a.size(), e.size()); ++i) {
        ASSERT_EQ(a[i], e[i]) << what << ": first difference at line " << i + 1;
    }
    ASSERT_EQ(a.size(), e.size()) << what;
    ASSERT_TRUE(actual == expected) << what; // byte for byte, line ends included
}

/// The cache a run left is sound: every saved table parses, with its rows in key order.
/// (A saved table that does not parse is rebuilt, so results alone would not show it.)
void expect_sound_cache(const std::filesystem::path& repo, const std::string& what) {
    cache::Cache cache(repo / ".git", {"playlists/plain", "line", "UTC"});
    std::string why_not;
    const auto saved = cache.load(why_not);
    ASSERT_TRUE(saved) << what << ": " << why_not;
    for (const auto& builder : saved->builders) {
        try {
            const auto restored = tables::TableBuilder::restore(
                cache::parse_builder(builder, saved->history.snapshots.size()),
                plain::KeyMode::line);
            EXPECT_EQ(restored.state().sorted_rows, restored.state().table.rows.size())
                << what << ": rows of " << builder.id << " out of key order";
        } catch (const std::exception& error) {
            ADD_FAILURE() << what << ": the saved table of " << builder.id
                          << " does not parse: " << error.what();
        }
    }
}

void expect_same(const std::filesystem::path& repo, const std::string& rev,
                 const std::string& what) {
    const std::string cached = render_all(repo, rev, true);
    expect_same_text(cached, render_all(repo, rev, false), what + " at " + rev);
    expect_sound_cache(repo, what + " at " + rev);
}

TEST(Cache, IncrementalRunsEqualFullRunsOnGeneratedHistories) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        test::TempDir dir;
        const auto repo = dir.path() / "archive";
        synth::GeneratorOptions options;
        options.seed = seed;
        options.playlists = 3 + static_cast<int>(seed % 6);
        options.days = 25 + static_cast<int>(seed % 20);
        options.tracks = 4 + static_cast<int>(seed % 9);
        options.churn = 0.2;
        options.quirks = seed % 4 != 0;
        synth::generate_archive(repo, options);
        if (seed % 2) { // deltas read and applied, through the cache too
            EXPECT_GT(test::repack_with_deltas(repo), 0u);
        }
        const auto commits = lines_of(test::run("git -C " + test::shell_quote(repo.string()) +
                                                " rev-list --reverse --first-parent HEAD"));
        synth::Random random(seed);
        // Forward in steps of 1 to 4 commits, as daily runs would.
        for (std::size_t at = 0; at < commits.size(); at += 1 + random.below(4)) {
            expect_same(repo, commits[at], "seed " + std::to_string(seed));
        }
        expect_same(repo, "HEAD", "seed " + std::to_string(seed));
        // Back to an older revision (what a rewritten history looks like), then forward.
        expect_same(repo, commits[commits.size() / 2], "rewind, seed " + std::to_string(seed));
        expect_same(repo, "HEAD", "forward again, seed " + std::to_string(seed));
        // Onto a side branch and back through the merge.
        const auto merges = lines_of(
            test::run("git -C " + test::shell_quote(repo.string()) + " rev-list --merges HEAD"));
        if (!merges.empty()) {
            const auto& merge = merges[random.below(merges.size())];
            expect_same(repo, merge + "^2", "side branch, seed " + std::to_string(seed));
            expect_same(repo, merge, "merge, seed " + std::to_string(seed));
            expect_same(repo, "HEAD", "tip after merge, seed " + std::to_string(seed));
        }
    }
}

/// What one run read itself, and its tables as CSV.
std::pair<engine::Analysis::Reads, std::string>
run_counting(const std::filesystem::path& repo, const std::string& rev, bool use_cache) {
    engine::Options options;
    options.repo = repo.string();
    options.rev = rev;
    options.use_cache = use_cache;
    options.quiet = true;
    auto analysis = engine::analyse(options);
    bool complete = true;
    const auto tables =
        engine::tables_at_tip(engine::build_tables(analysis, options, complete), analysis);
    analysis.finish_saving();
    std::vector<const tables::PlaylistTable*> pointers;
    for (const auto& table : tables) {
        pointers.push_back(&table);
    }
    return {analysis.reads,
            writers::render(pointers, analysis.labels, writers::Format::csv,
                            writers::MarkdownLinks{"playlists/plain", "playlists/pretty"})};
}

// A cache that always rebuilt would pass every comparison of results: this counts what a
// daily run reads.
TEST(Cache, ADailyRunReadsOnlyTheNewCommitsAndThePlaylistsTheyChanged) {
    test::TempDir dir;
    const auto repo = dir.path() / "archive";
    synth::GeneratorOptions options;
    options.seed = 12;
    options.playlists = 9;
    options.days = 40;
    options.change_rate = 0.4;
    synth::generate_archive(repo, options);
    test::repack_with_deltas(repo);
    const std::string q = test::shell_quote(repo.string());
    const auto full = run_counting(repo, "HEAD~3", true);
    for (const std::string rev : {"HEAD~2", "HEAD"}) {
        const std::string range = rev == "HEAD" ? "HEAD~2..HEAD" : "HEAD~3..HEAD~2";
        const auto changed =
            lines_of(test::run("git -C " + q + " log --format= --name-only " + "--diff-filter=AM " +
                               range + " -- playlists/plain"));
        const auto new_commits = lines_of(test::run("git -C " + q + " rev-list " + range));
        const auto daily = run_counting(repo, rev, true);
        ASSERT_FALSE(changed.empty()) << rev;
        EXPECT_EQ(daily.first.commits, new_commits.size()) << rev;
        EXPECT_EQ(daily.first.blobs, changed.size()) << rev;
        EXPECT_EQ(daily.second, run_counting(repo, rev, false).second) << rev;
    }
    // The counts count: a run without the cache reads every commit and every version.
    const auto everything = run_counting(repo, "HEAD", false);
    EXPECT_EQ(everything.first.commits,
              lines_of(test::run("git -C " + q + " rev-list HEAD")).size());
    EXPECT_EQ(everything.first.blobs,
              lines_of(test::run("git -C " + q + " log --format= --name-only --diff-filter=AM " +
                                 "HEAD -- playlists/plain"))
                  .size());
    EXPECT_LT(full.first.blobs, everything.first.blobs);
}

TEST(Cache, DamagedTruncatedOrForeignCachesAreRebuiltNeverUsed) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 7, 6, 30);
    const std::string full = render_all(repo, "HEAD", false);
    render_all(repo, "HEAD~5", true);
    const auto path = cache_file(repo);
    ASSERT_FALSE(path.empty());
    const std::string good = test::read_file(path);
    const auto rewrite = [&](const std::string& bytes) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    };
    // A run that stopped half way through writing (were writes not atomic).
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{10}, good.size() / 3, good.size() - 1}) {
        rewrite(good.substr(0, size));
        expect_same_text(render_all(repo, "HEAD", true), full,
                         "truncated to " + std::to_string(size));
        rewrite(good);
    }
    // A flipped byte anywhere: the checksum catches it.
    for (const std::size_t at : {good.size() / 5, good.size() / 2, good.size() - 9}) {
        std::string damaged = good;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        rewrite(damaged);
        expect_same_text(render_all(repo, "HEAD", true), full, "damaged at " + std::to_string(at));
        rewrite(good);
    }
    // Another time zone is another cache; both stay right.
    EXPECT_EQ(render_all(repo, "HEAD", true, "Asia/Tokyo"),
              render_all(repo, "HEAD", false, "Asia/Tokyo"));
    EXPECT_EQ(render_all(repo, "HEAD", true), full);
    // A temporary file left by a run that was killed is ignored.
    std::ofstream(path.parent_path() / (".x.cache.tmp-abcdef")) << "partial";
    expect_same_text(render_all(repo, "HEAD", true), full, "with a stray temporary file");
}

TEST(Cache, DamageIsReportedAndTheCacheReplaced) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 3, 4, 12);
    render_all(repo, "HEAD", true);
    const auto path = cache_file(repo);
    const std::string good = test::read_file(path);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << good.substr(0, good.size() / 2);
    cache::Cache cache(repo / ".git", {"playlists/plain", "line", "UTC"});
    std::string why_not;
    EXPECT_FALSE(cache.load(why_not));
    EXPECT_NE(why_not.find("checksum"), std::string::npos) << why_not;
}

TEST(Cache, ADamagedTruncatedOrMissingStringPoolIsNeverUsed) {
    test::TempDir dir;
    const auto repo = test::generated_archive(dir, 8, 5, 30);
    const std::string full = render_all(repo, "HEAD", false);
    render_all(repo, "HEAD~4", true);
    const auto pool = cache_file(repo, ".strings");
    ASSERT_FALSE(pool.empty());
    const std::string good = test::read_file(pool);
    ASSERT_GT(good.size(), 1000u);
    const auto rewrite = [&](const std::string& bytes) {
        std::ofstream(pool, std::ios::binary | std::ios::trunc) << bytes;
    };
    const auto load_fails = [&](const std::string& what) {
        cache::Cache cache(repo / ".git", {"playlists/plain", "line", "UTC"});
        std::string why_not;
        EXPECT_FALSE(cache.load(why_not)) << what;
        EXPECT_NE(why_not.find("string pool"), std::string::npos) << what << ": " << why_not;
    };
    std::string damaged = good;
    damaged[good.size() / 2] ^= 0x20; // a title's letter in another case: still valid text
    rewrite(damaged);
    load_fails("a changed byte");
    expect_same_text(render_all(repo, "HEAD", true), full, "pool with a changed byte");

    render_all(repo, "HEAD~4", true);
    rewrite(test::read_file(pool).substr(0, good.size() / 2));
    load_fails("truncated");
    expect_same_text(render_all(repo, "HEAD", true), full, "truncated pool");

    render_all(repo, "HEAD~4", true);
    std::filesystem::remove(pool);
    load_fails("missing");
    expect_same_text(render_all(repo, "HEAD", true), full, "missing pool");
}

TEST(Cache, DailyRunsAppendOnlyNewTexts) {
    test::TempDir dir;
    synth::GeneratorOptions options;
    options.seed = 21;
    options.playlists = 6;
    options.days = 60;
    options.tracks = 12;
    options.churn = 0.3;
    const auto repo = dir.path() / "archive";
    synth::generate_archive(repo, options);
    const auto commits = lines_of(test::run("git -C " + test::shell_quote(repo.string()) +
                                            " rev-list --reverse --first-parent HEAD"));
    const auto pool_size = [&] { return std::filesystem::file_size(cache_file(repo, ".strings")); };
    // The pool only grows, by the texts that are new.
    expect_same(repo, commits[20], "day 20");
    auto before = pool_size();
    for (std::size_t day = 21; day < 30; ++day) {
        expect_same(repo, commits[day], "day " + std::to_string(day));
        const auto after = pool_size();
        EXPECT_GE(after, before);
        EXPECT_LT(after - before, before / 4) << "a day appends a few texts, not the tables";
        before = after;
    }
}

TEST(Cache, ARestoredRowSeenThroughAnotherSpellingShowsTheLastOne) {
    // The day after the cache was saved, the track is listed twice, in two spellings: the
    // table shows the last one, as a run without the cache does.
    const auto day = [](int n, const std::string& lines) {
        return fmt::format("commit d{} {}time=2021-01-0{}T10:00:00Z\n"
                           "put 37i9dQZF1DXcBWIGoYBM5M\n| Name\n|\n{}end\n",
                           n, n > 1 ? fmt::format("parents=d{} ", n - 1) : "", n, lines);
    };
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, day(1, "| Song -- A -- X\n| Other -- B -- Y\n") +
                 day(2, "| SONG -- A -- X\n| Song -- A -- X\n| Other -- B -- Y\n") +
                 day(3, "| Song -- A -- X\n| Other -- B -- Y\n| OTHER -- B -- Y\n") +
                 day(4, "| OTHER -- B -- Y\n| Song -- A -- X\n"));
    for (const std::string rev : {"HEAD~3", "HEAD~2", "HEAD~1", "HEAD"}) {
        expect_same(repo, rev, "spellings");
    }
}

TEST(Cache, APoolMostlyOutOfUseIsWrittenAgain) {
    // A title spelt anew leaves its old spelling unused in the pool. With no waste
    // allowed, the next run writes the pool again from scratch, copying the unchanged
    // playlist's builder too; the results stay the same and the pool holds only what is
    // used.
    const auto day = [](int n, const std::string& spelling) {
        return fmt::format("commit d{} {}time=2021-01-0{}T10:00:00Z\n"
                           "put 37i9dQZF1DXcBWIGoYBM5M\n| Mixed\n|\n| {} -- A -- Album\n"
                           "| Other {} -- B -- Album\nend\n",
                           n, n > 1 ? fmt::format("parents=d{} ", n - 1) : "", n, spelling, n);
    };
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, day(1, "Song") +
                 "put 37i9dQZF1DX4WYpdgoIcn6\n| Still\n|\n| Same -- C -- Album\nend\n" +
                 day(2, "SONG") + day(3, "Song") + day(4, "song"));
    // (pool size, bytes the builders use), as saved.
    const auto pool = [&] {
        cache::Cache cache(repo / ".git", {"playlists/plain", "line", "UTC"});
        std::string why_not;
        const auto saved = cache.load(why_not);
        EXPECT_TRUE(saved) << why_not;
        std::uint64_t used = 0;
        for (const auto& builder : saved->builders) {
            used += builder.pool_bytes;
        }
        return std::pair(saved->pool_size, used);
    };
    const auto limit = cache::Cache::pool_waste_limit;
    const auto slack = cache::Cache::pool_slack;
    cache::Cache::pool_waste_limit = 0;
    cache::Cache::pool_slack = 0;
    expect_same(repo, "HEAD~3", "day 1");
    EXPECT_EQ(pool().first, pool().second);
    expect_same(repo, "HEAD~2", "day 2"); // "SONG" appended, "Song" out of use
    EXPECT_EQ(pool().first, pool().second + std::string("Song").size());
    expect_same(repo, "HEAD~1", "day 3"); // the pool written again, then "Song" in it
    EXPECT_EQ(pool().first, pool().second);
    expect_same(repo, "HEAD", "day 4");
    EXPECT_EQ(pool().first, pool().second + std::string("Song").size());
    cache::Cache::pool_waste_limit = limit;
    cache::Cache::pool_slack = slack;
}

// A change of the rules must never meet a cache built by the old ones: the cache's
// settings name the digest of the sources that decide what it holds.
TEST(Cache, SettingsNameTheRulesThatBuiltIt) {
    const std::string text = cache::Settings{"playlists/plain", "line", "UTC"}.describe();
    const auto at = text.find("\nrules=");
    ASSERT_NE(at, std::string::npos) << text;
    const std::string digest = text.substr(at + 7, text.find('\n', at + 1) - at - 7);
    EXPECT_EQ(digest.size(), 16u) << text;
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << text;
}

TEST(OutputManifest, ReadsBackEveryNameItWrote) {
    test::TempDir dir;
    const cache::Cache cache(dir.path(), cache::Settings{"playlists/plain", "line", "UTC"});
    const auto out = dir.path() / "out";
    std::filesystem::create_directories(out);
    const std::vector<std::string> ids = {"37i9dQZF1DXcBWIGoYBM5M", "The Other List",
                                          "Café del Mar", " two  spaces ", "tab\there"};
    const commands::OutputManifest::TableState state{"0123456789abcdef0123456789abcdef01234567", 3,
                                                     18000};
    {
        commands::OutputManifest manifest(cache, out, "csv", "r1");
        for (const auto& id : ids) {
            std::ofstream(out / (id + ".csv")) << id;
            manifest.record(id, state, out / (id + ".csv"));
        }
        manifest.save();
    }
    const commands::OutputManifest manifest(cache, out, "csv", "r1");
    for (const auto& id : ids) {
        EXPECT_TRUE(manifest.current(id, state, out / (id + ".csv"))) << id;
        auto other = state;
        other.versions = 4;
        EXPECT_FALSE(manifest.current(id, other, out / (id + ".csv"))) << id;
    }
    EXPECT_FALSE(manifest.current("The", state, out / "The.csv"));
    // Another renderer (a build that writes tables differently) trusts none of them.
    const commands::OutputManifest other_renderer(cache, out, "csv", "r2");
    for (const auto& id : ids) {
        EXPECT_FALSE(other_renderer.current(id, state, out / (id + ".csv"))) << id;
    }
}

} // namespace
} // namespace gh
