// Histories (tables, versions and stints) continued through the cache against histories
// followed from each playlist's first version, on generated archives: daily runs, runs
// after `cumulative` moved the cache on (keeping the stints), runs whose stints file is
// behind the cache's tables (a save that failed), rewinds, side branches and a damaged
// stints file.

#include "cache/cache.hpp"
#include "engine/analysis.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"

#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>

namespace gh {
namespace {

/// Everything the histories hold, as text: the rows, the versions and the stints.
std::string describe(const std::vector<tables::PlaylistHistory>& histories) {
    std::string out;
    for (const auto& history : histories) {
        const auto& table = history.table;
        out += fmt::format("playlist {} '{}' deleted {} versions {}\n", table.id, table.name,
                           table.deleted, history.snapshots.size());
        for (const auto& row : table.rows) {
            out +=
                fmt::format("row {}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", row.key, row.title,
                            row.artists, row.album, row.track_url, row.album_url,
                            row.length_ms ? static_cast<std::int64_t>(*row.length_ms) : -1,
                            row.added, row.removed ? static_cast<std::int64_t>(*row.removed) : -1,
                            row.stints, row.days_present);
        }
        for (const auto& snapshot : history.snapshots) {
            out += fmt::format("version {} {} {} {}\n", snapshot.snapshot, snapshot.track_lines,
                               snapshot.keys, snapshot.deleted);
        }
        for (const auto& stint : history.memberships) {
            out += fmt::format("stint {} {} {} {}\n", stint.key, stint.start,
                               stint.end ? static_cast<std::int64_t>(*stint.end) : -1,
                               stint.first_fill);
        }
        for (const auto& row : table.rows) { // the index finds each row's stints
            out += fmt::format("{} stints of {}\n", history.stints(row.key).size(), row.key);
        }
    }
    return out;
}

struct Archive {
    std::filesystem::path repo;
    bool links = false;
    std::string key = "line";
};

engine::Options options_at(const Archive& archive, const std::string& rev, bool use_cache) {
    engine::Options options;
    options.repo = archive.repo.string();
    options.rev = rev;
    options.use_cache = use_cache;
    options.links = archive.links;
    options.key = archive.key;
    options.quiet = true;
    options.jobs = 2;
    return options;
}

/// The histories at `rev` as text, and what the run read itself.
std::pair<std::string, engine::Analysis::Reads>
histories_at(const Archive& archive, const std::string& rev, bool use_cache) {
    const auto options = options_at(archive, rev, use_cache);
    auto analysis = engine::analyse(options);
    const auto histories = engine::collect_histories(analysis, options);
    analysis.finish_saving();
    return {describe(histories), analysis.reads};
}

/// What `cumulative` does to the cache: its builders move on, the stints file does not.
/// (Returns the blobs it read.)
std::size_t cumulative_at(const Archive& archive, const std::string& rev) {
    const auto options = options_at(archive, rev, true);
    auto analysis = engine::analyse(options);
    bool complete = true;
    engine::build_tables(analysis, options, complete);
    analysis.finish_saving();
    return analysis.reads.blobs;
}

void expect_same(const Archive& archive, const std::string& rev, const std::string& what) {
    const auto cached = histories_at(archive, rev, true).first;
    const auto expected = histories_at(archive, rev, false).first;
    const auto a = test::lines_of(cached);
    const auto e = test::lines_of(expected);
    for (std::size_t i = 0; i < std::min(a.size(), e.size()); ++i) {
        ASSERT_EQ(a[i], e[i]) << what << " at " << rev << ": first difference at line " << i + 1;
    }
    ASSERT_EQ(a.size(), e.size()) << what << " at " << rev;
}

std::filesystem::path stints_file(const std::filesystem::path& repo) {
    std::error_code error; // no cache yet: none
    for (const auto& entry :
         std::filesystem::directory_iterator(repo / ".git" / "gh-analyze", error)) {
        if (entry.path().extension() == ".stints") {
            return entry.path();
        }
    }
    return {};
}

TEST(StintsCache, HistoriesContinuedThroughTheCacheEqualThoseFollowedFromTheStart) {
    for (std::uint64_t seed = 1; seed <= 9; ++seed) {
        test::TempDir dir;
        Archive archive;
        archive.repo = dir.path() / "archive";
        synth::GeneratorOptions options;
        options.seed = seed;
        options.playlists = 3 + static_cast<int>(seed % 5);
        options.days = 20 + static_cast<int>(seed % 15);
        options.tracks = 4 + static_cast<int>(seed % 9);
        options.churn = 0.25;
        options.quirks = seed % 4 != 0;
        if (seed % 3 != 0) { // pretty views beside the plain files: rows with links
            options.era = seed % 3 == 1 ? synth::Era::y2021 : synth::Era::current;
            archive.links = true;
        }
        archive.key = seed % 5 == 0 ? "title-artists" : "line";
        synth::generate_archive(archive.repo, options);
        const std::string what = "seed " + std::to_string(seed);
        const auto commits =
            test::lines_of(test::run("git -C " + test::shell_quote(archive.repo.string()) +
                                     " rev-list --reverse --first-parent HEAD"));
        synth::Random random(seed);
        // Forward in steps of 1 to 4 commits, as daily runs would. Now and then `cumulative`
        // runs first (and keeps the stints), or the stints file is put back as an earlier run
        // left it, behind the cache's tables: the playlists changed since are followed again.
        const auto behind = dir.path() / "behind.stints";
        for (std::size_t at = 0; at < commits.size(); at += 1 + random.below(4)) {
            if (random.below(4) == 0) {
                cumulative_at(archive, commits[at]);
            }
            const auto stints = stints_file(archive.repo);
            if (!stints.empty() && std::filesystem::exists(behind) && random.below(4) == 0) {
                std::filesystem::copy_file(behind, stints,
                                           std::filesystem::copy_options::overwrite_existing);
            }
            expect_same(archive, commits[at], what);
            if (random.below(3) == 0) {
                std::filesystem::copy_file(stints_file(archive.repo), behind,
                                           std::filesystem::copy_options::overwrite_existing);
            }
        }
        expect_same(archive, "HEAD", what);
        // Back to an older revision (what a rewritten history looks like), then forward.
        expect_same(archive, commits[commits.size() / 2], "rewind, " + what);
        expect_same(archive, "HEAD", "forward again, " + what);
        const auto merges = test::lines_of(test::run(
            "git -C " + test::shell_quote(archive.repo.string()) + " rev-list --merges HEAD"));
        if (!merges.empty()) {
            const auto& merge = merges[random.below(merges.size())];
            expect_same(archive, merge + "^2", "side branch, " + what);
            expect_same(archive, merge, "merge, " + what);
            expect_same(archive, "HEAD", "tip after merge, " + what);
        }
    }
}

// A cache that always followed every playlist from its first version would pass every
// comparison above: this counts what the runs read.
TEST(StintsCache, ADailyRunReadsOnlyWhatIsNew) {
    test::TempDir dir;
    Archive archive;
    archive.repo = dir.path() / "archive";
    synth::GeneratorOptions options;
    options.seed = 7;
    options.playlists = 8;
    options.days = 30;
    options.churn = 0.1;
    options.era = synth::Era::y2021;
    archive.links = true;
    synth::generate_archive(archive.repo, options);
    const auto full = histories_at(archive, "HEAD~2", true);
    EXPECT_GT(full.second.blobs, 100u);
    const auto daily = histories_at(archive, "HEAD~1", true);
    EXPECT_GT(daily.second.blobs, 0u);
    EXPECT_LT(daily.second.blobs * 5, full.second.blobs);
    EXPECT_EQ(daily.second.commits, 1u);
    EXPECT_EQ(daily.first, histories_at(archive, "HEAD~1", false).first);
    // `cumulative` moves the cache on and keeps the stints; then nothing is new. The run
    // reads what `cumulative` reads to see that the rows' links are still those of the
    // tip's views, and follows no playlist.
    cumulative_at(archive, "HEAD");
    const std::size_t cumulative_reads = cumulative_at(archive, "HEAD");
    const auto after = histories_at(archive, "HEAD", true);
    EXPECT_EQ(after.second.blobs, cumulative_reads);
    EXPECT_LT(after.second.blobs * 20, full.second.blobs);
    EXPECT_EQ(after.second.commits, 0u);
    EXPECT_EQ(after.first, histories_at(archive, "HEAD", false).first);
}

TEST(StintsCache, ADamagedStintsFileIsSaidAndFollowedAgain) {
    test::TempDir dir;
    Archive archive;
    archive.repo = test::generated_archive(dir, 5, 4, 20, 8);
    const auto expected = histories_at(archive, "HEAD", false).first;
    histories_at(archive, "HEAD~3", true);
    const auto path = stints_file(archive.repo);
    ASSERT_FALSE(path.empty());
    const auto size = std::filesystem::file_size(path);
    for (const std::uintmax_t at : {size / 2, size - 3, std::uintmax_t{3}}) {
        {
            std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
            file.seekg(static_cast<std::streamoff>(at));
            const char byte = static_cast<char>(file.get() ^ 0x5a);
            file.seekp(static_cast<std::streamoff>(at));
            file.put(byte);
        }
        testing::internal::CaptureStderr();
        std::string cached;
        { // the analysis holds the cache's lock until it ends
            auto options = options_at(archive, "HEAD", true);
            options.quiet = false;
            auto analysis = engine::analyse(options);
            cached = describe(engine::collect_histories(analysis, options));
            analysis.finish_saving();
        }
        const std::string said = testing::internal::GetCapturedStderr();
        EXPECT_NE(said.find("is unusable"), std::string::npos) << said;
        EXPECT_EQ(cached, expected) << "byte " << at;
        // Written anew: the next run continues from it, reading nothing.
        const auto again = histories_at(archive, "HEAD", true);
        EXPECT_EQ(again.first, expected);
        EXPECT_EQ(again.second.blobs, 0u);
    }
}

} // namespace
} // namespace gh
