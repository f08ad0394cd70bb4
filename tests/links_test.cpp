// Links and lengths from the pretty views, through `cumulative`, on repositories written
// with git itself: views named by name (2019-2021) and by id (the current era), a renamed
// playlist, a view that names another playlist, tracks no view has, and the cache.

#include "support/repo.hpp"

#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>

namespace gh {
namespace {

/// A repository written with git's own commands, a commit per day.
class GitArchive {
  public:
    explicit GitArchive(const test::TempDir& dir) : m_path(dir.path() / "repo") {
        std::filesystem::create_directories(m_path);
        git("init -q -b main");
        git("config user.name Bot");
        git("config user.email bot@example.com");
    }

    void write(const std::string& path, const std::string& content) {
        std::filesystem::create_directories((m_path / path).parent_path());
        std::ofstream(m_path / path, std::ios::binary) << content;
    }
    void remove(const std::string& path) { std::filesystem::remove(m_path / path); }

    void commit(const std::string& day) {
        const std::string date = day + "T12:00:00Z";
        test::run("cd " + test::shell_quote(m_path.string()) + " && git add -A && " +
                  "GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date + " git commit -q -m " +
                  day);
    }

    const std::filesystem::path& path() const { return m_path; }

  private:
    void git(const std::string& args) {
        test::run("git -C " + test::shell_quote(m_path.string()) + " " + args);
    }
    std::filesystem::path m_path;
};

constexpr std::string_view k_mix = "0MixMixMixMixMixMixMix";
constexpr std::string_view k_other = "0OtherOtherOtherOther0";
constexpr std::string_view k_json = "0JsonJsonJsonJsonJson0";

/// A 2019-2021 pretty view: line 1 links the plain file, rows as the archive wrote them.
std::string pretty_md(std::string_view name, std::string_view id,
                      const std::vector<std::string>& rows) {
    std::string view =
        fmt::format("pretty - [plain](/playlists/plain/{})\n\n### [{}]"
                    "(https://open.spotify.com/playlist/{})\n\n> \n\n"
                    "| No. | Title | Artist(s) | Album | Length |\n|---|---|---|---|---|",
                    id, name, id);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        view += fmt::format("\n| {} | {} |", i + 1, rows[i]);
    }
    return view;
}

std::string link(std::string_view kind, std::string_view name, std::string_view id) {
    return fmt::format("[{}](https://open.spotify.com/{}/{})", name, kind, id);
}

/// Three days of three playlists; see each step's comment.
std::filesystem::path make_archive(const test::TempDir& dir) {
    GitArchive archive(dir);
    const std::string plain = "playlists/plain/";
    const std::string pretty = "playlists/pretty/";
    // Day 1: Mix has One and Two (one artist whose name holds ", ").
    archive.write(plain + std::string(k_mix),
                  "Mix\n\nOne -- X -- Al\nTwo -- Tyler, The Creator -- B");
    archive.write(
        pretty + "Mix.md",
        pretty_md("Mix", k_mix,
                  {link("track", "One", "t1") + " | " + link("artist", "X", "x") + " | " +
                       link("album", "Al", "al") + " | 3:00",
                   link("track", "Two", "t2") + " | " + link("artist", "Tyler, The Creator", "ty") +
                       " | " + link("album", "B", "b") + " | 4:00"}));
    // The current era: the JSON view is read, not the markdown one beside it.
    archive.write(plain + std::string(k_json), "Json\n\nSong -- A, B -- C\n");
    archive.write(pretty + std::string(k_json) + ".json", R"({"tracks": [{"name": "Song",
        "url": "https://open.spotify.com/track/s1", "duration_ms": 61999, "added_at": null,
        "album": {"name": "C", "url": "https://open.spotify.com/album/c"},
        "artists": [{"name": "A", "url": "https://open.spotify.com/artist/a"},
                    {"name": "B", "url": null}]}]}
)");
    archive.write(
        pretty + std::string(k_json) + ".md",
        "|---|\n| 1 | [Song](https://open.spotify.com/track/WRONG) | A, B | C | 1:01 |\n");
    archive.commit("2021-01-01");
    // Day 2: One is gone; Mix is renamed (its view too) and Two's link and length change.
    // Other takes Mix's old name, but the view of that name links Mix: Other gets nothing.
    archive.write(plain + std::string(k_mix), "Mix 2\n\nTwo -- Tyler, The Creator -- B");
    archive.remove(pretty + "Mix.md");
    archive.write(pretty + "Mix 2.md", pretty_md("Mix 2", k_mix,
                                                 {link("track", "Two", "t2b") + " | " +
                                                  link("artist", "Tyler, The Creator", "ty") +
                                                  " | " + link("album", "B", "b") + " | 4:05"}));
    archive.write(plain + std::string(k_other), "Mix 2\n\nTwo -- Tyler, The Creator -- B");
    archive.commit("2021-01-02");
    // Day 3: Three joins Mix, but the view has no row for it.
    archive.write(plain + std::string(k_mix),
                  "Mix 2\n\nThree -- Y -- Al3\nTwo -- Tyler, The Creator -- B");
    archive.commit("2021-01-03");
    return archive.path();
}

/// The rows of a `cumulative --format json` run by title, across playlists.
std::map<std::string, nlohmann::json> rows_by_title(const std::string& json) {
    std::map<std::string, nlohmann::json> rows;
    for (const auto& table : nlohmann::json::parse(json)) {
        for (const auto& track : table["tracks"]) {
            rows[table["playlist"].get<std::string>() + " " + track["title"].get<std::string>()] =
                track;
        }
    }
    return rows;
}

std::string cumulative(const std::filesystem::path& repo, std::vector<std::string> more) {
    std::vector<std::string> args{"cumulative", "--repo", repo.string(), "--format", "json", "-q"};
    args.insert(args.end(), more.begin(), more.end());
    const auto [code, output] = test::run_command(args);
    EXPECT_EQ(code, ExitCode::ok) << output;
    return output;
}

TEST(Links, EachRowHasTheLinksOfTheLatestVersionThatHadIt) {
    test::TempDir dir;
    const auto repo = make_archive(dir);
    const auto rows = rows_by_title(cumulative(repo, {"--no-cache"}));
    const std::string mix(k_mix);
    ASSERT_EQ(rows.size(), 5u);
    // One's links are day 1's: it was last seen then.
    EXPECT_EQ(rows.at(mix + " One")["track_url"], "https://open.spotify.com/track/t1");
    EXPECT_EQ(rows.at(mix + " One")["length_seconds"], 180);
    // Two's are day 3's view, which is still day 2's file: the renamed view was found.
    const auto& two = rows.at(mix + " Two");
    EXPECT_EQ(two["track_url"], "https://open.spotify.com/track/t2b");
    EXPECT_EQ(two["length_seconds"], 245);
    EXPECT_EQ(two["artist_urls"],
              nlohmann::json::parse(R"(["https://open.spotify.com/artist/ty"])"));
    EXPECT_EQ(two["album_url"], "https://open.spotify.com/album/b");
    // No view has Three; the view named "Mix 2" is Mix's, not Other's.
    EXPECT_TRUE(rows.at(mix + " Three")["track_url"].is_null());
    EXPECT_TRUE(rows.at(mix + " Three")["length_seconds"].is_null());
    EXPECT_TRUE(rows.at(std::string(k_other) + " Two")["track_url"].is_null());
    // The JSON view, with an artist that has no url.
    const auto& song = rows.at(std::string(k_json) + " Song");
    EXPECT_EQ(song["track_url"], "https://open.spotify.com/track/s1");
    EXPECT_EQ(song["length_seconds"], 61);
    EXPECT_EQ(song["artist_urls"],
              nlohmann::json::parse(R"(["https://open.spotify.com/artist/a", null])"));
}

TEST(Links, MarkdownLinksEachArtistAndShowsLengths) {
    test::TempDir dir;
    const auto repo = make_archive(dir);
    const auto [code, md] = test::run_command({"cumulative", "--repo", repo.string(), "-q",
                                               "--no-cache", "--playlist", std::string(k_mix)});
    ASSERT_EQ(code, ExitCode::ok);
    EXPECT_NE(md.find("| Title | Artist(s) | Album | Length | Added | Removed |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| [Two](https://open.spotify.com/track/t2b) | [Tyler, The "
                      "Creator](https://open.spotify.com/artist/ty) | "
                      "[B](https://open.spotify.com/album/b) | 4:05 | 2021-01-01 |  |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| Three | Y | Al3 |  | 2021-01-03 |  |\n"), std::string::npos) << md;
}

TEST(Links, TheCacheAndNoLinksAndAnotherPrettyDir) {
    test::TempDir dir;
    const auto repo = make_archive(dir);
    const std::string fresh = cumulative(repo, {"--no-cache"});
    // A cache filled at day 2 and continued to day 3 gives the same rows.
    cumulative(repo, {"--rev", "HEAD~1"});
    EXPECT_EQ(cumulative(repo, {}), fresh);
    EXPECT_EQ(cumulative(repo, {}), fresh); // read from the cache alone
    for (const auto& options : {std::vector<std::string>{"--no-links"},
                                std::vector<std::string>{"--pretty-dir", "elsewhere"}}) {
        for (const auto& [title, row] : rows_by_title(cumulative(repo, options))) {
            EXPECT_TRUE(row["track_url"].is_null()) << title << " " << options.front();
            EXPECT_TRUE(row["length_seconds"].is_null()) << title;
        }
    }
    // Reading the views again after --no-links used the cache.
    EXPECT_EQ(cumulative(repo, {}), fresh);
}

} // namespace
} // namespace gh
