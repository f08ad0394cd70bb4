// Links and lengths from the pretty views, through `cumulative`, on repositories written
// with git itself: views named by name (2019-2021) and by id (the current era), a renamed
// playlist, a view that names another playlist, tracks no view has, and the cache.

#include "support/repo.hpp"

#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

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
    auto tables = nlohmann::json::parse(json);
    if (tables.is_object()) { // one playlist's table
        tables = nlohmann::json::array({tables});
    }
    for (const auto& table : tables) {
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

// A maintainer renames a playlist's view by hand a day before its plain file takes the
// new name, and a track leaves with that next version: the commit before it has no view of
// the old name, so the track takes the view of the version it was last seen in.
TEST(Links, ARowWhoseViewMovedTakesTheViewOfTheVersionItWasLastSeenIn) {
    test::TempDir dir;
    GitArchive archive(dir);
    const std::string plain = "playlists/plain/" + std::string(k_mix);
    const auto row_a = link("track", "A", "ta") + " | " + link("artist", "X", "x") + " | " +
                       link("album", "Al", "al") + " | 3:00";
    const auto row_b = link("track", "B", "tb") + " | " + link("artist", "Y", "y") + " | " +
                       link("album", "Bl", "bl") + " | 4:00";
    archive.write(plain, "Alpha\n\nA -- X -- Al\nB -- Y -- Bl");
    archive.write("playlists/pretty/Alpha.md", pretty_md("Alpha", k_mix, {row_a, row_b}));
    archive.commit("2021-01-01");
    archive.remove("playlists/pretty/Alpha.md");
    archive.write("playlists/pretty/Beta.md", pretty_md("Beta", k_mix, {row_a, row_b}));
    archive.commit("2021-01-02"); // by hand: no new version of the plain file
    archive.write(plain, "Beta\n\nB -- Y -- Bl");
    archive.write("playlists/pretty/Beta.md", pretty_md("Beta", k_mix, {row_b}));
    archive.commit("2021-01-03");
    const auto rows = rows_by_title(cumulative(archive.path(), {"--no-cache"}));
    const std::string mix(k_mix);
    EXPECT_EQ(rows.at(mix + " A")["track_url"], "https://open.spotify.com/track/ta");
    EXPECT_EQ(rows.at(mix + " A")["length_seconds"], 180);
    EXPECT_EQ(rows.at(mix + " A")["removed"], "2021-01-03");
    EXPECT_EQ(rows.at(mix + " B")["track_url"], "https://open.spotify.com/track/tb");
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

#include "support/reference.hpp"
#include "synth/bot.hpp"
#include "synth/generator.hpp"

#include <regex>

namespace gh {
namespace {

/// What the reference finds for a row: its track url and length in seconds, or nothing.
using ReferenceLinks = std::optional<std::pair<std::string, std::string>>;

/// The reference's links of a row: the pretty view committed with the version it was last
/// seen in, read with git itself and parsed with regular expressions (markdown) or as JSON,
/// the last track whose `name -- artists -- album` is the row's line.
ReferenceLinks reference_links(const std::filesystem::path& repo, const std::string& commit,
                               const std::string& id, const std::string& line) {
    const std::string q = test::shell_quote(repo.string());
    const auto show = [&](const std::string& path) {
        return test::run("git -C " + q + " show " + test::shell_quote(commit + ":" + path) +
                         " 2>/dev/null || true");
    };
    const std::string pretty = "playlists/pretty/";
    ReferenceLinks found;
    if (const std::string json = show(pretty + id + ".json"); !json.empty()) {
        const auto parsed = nlohmann::json::parse(json); // outlives the loop
        for (const auto& track : parsed["tracks"]) {
            std::string joined = track["name"].get<std::string>() + " -- ";
            for (std::size_t i = 0; i < track["artists"].size(); ++i) {
                joined += (i ? ", " : "") + track["artists"][i]["name"].get<std::string>();
            }
            joined += " -- " + track["album"]["name"].get<std::string>();
            if (joined == line) {
                found.emplace(track["url"].is_null() ? "" : track["url"].get<std::string>(),
                              std::to_string(track["duration_ms"].get<std::int64_t>() / 1000));
            }
        }
        return found;
    }
    const std::string plain = show("playlists/plain/" + id);
    const std::string view = show(pretty + plain.substr(0, plain.find('\n')) + ".md");
    if (view.find("playlists/plain/" + id + ")") > view.find('\n')) {
        return found; // no view, or the view of another playlist of that name
    }
    // | n | [title](track url) | [a](url), [b](url) | [album](url) | m:ss |, with nothing
    // escaped (2019-2021), or a local file's bare names. Each url occurs once in a row, and
    // the generated artists' names hold no "](https://".
    static const std::regex linked_row(
        R"(^\| \d+ \| \[(.*)\]\((https://open\.spotify\.com/track/\w+)\) \| )"
        R"(((?:(?:, )?\[.*?\]\(https://open\.spotify\.com/artist/\w+\))*) \| )"
        R"(\[(.*)\]\(https://open\.spotify\.com/album/\w+\) \| (\d+(?::\d\d)*) \|$)");
    static const std::regex bare_row(R"(^\| \d+ \| (.*?) \| (.*?) \| (.*) \| (\d+(?::\d\d)*) \|$)");
    static const std::regex artist(R"(\[(.*?)\]\(https://open\.spotify\.com/artist/\w+\))");
    for (const auto& text : test::lines_of(view)) {
        std::smatch m;
        std::string title, url, artists, album, length;
        if (std::regex_match(text, m, linked_row)) {
            const std::string cell =
                text.substr(static_cast<std::size_t>(m.position(2)) + m[2].length() + 4);
            const std::string links = cell.substr(0, cell.find(" | [" + m[4].str() + "]("));
            for (auto it = std::sregex_iterator(links.begin(), links.end(), artist);
                 it != std::sregex_iterator(); ++it) {
                artists += (artists.empty() ? "" : ", ") + (*it)[1].str();
            }
            title = m[1];
            url = m[2];
            album = m[4];
            length = m[5];
        } else if (std::regex_match(text, m, bare_row)) {
            title = m[1];
            artists = m[2];
            album = m[3];
            length = m[4];
        } else {
            continue;
        }
        if (title + " -- " + artists + " -- " + album == line) {
            std::int64_t seconds = 0;
            std::stringstream parts(length);
            for (std::string part; std::getline(parts, part, ':');) {
                seconds = seconds * 60 + std::stoll(part);
            }
            found.emplace(url, std::to_string(seconds));
        }
    }
    return found;
}

// A row's links are those of the last commit that had its track (the archive's generator
// updated them every day): the revision's view while it is present, else the view of the
// first parent of the commit it was seen gone in; where that view has no track with its
// line, the view committed with the version it was last seen in.
TEST(Differential, LinksAreThoseOfThePrettyViewOfTheLastCommitThatHadTheTrack) {
    std::size_t linked = 0;
    for (const auto era : {synth::Era::y2021, synth::Era::current}) {
        for (std::uint64_t seed = 31; seed <= 34; ++seed) {
            test::TempDir dir;
            synth::GeneratorOptions generate;
            generate.seed = seed;
            generate.playlists = 4;
            generate.days = 24;
            generate.tracks = 8;
            generate.quirks = seed % 2 == 1;
            generate.era = era;
            const auto repo = dir.path() / "archive";
            synth::generate_archive(repo, generate);
            engine::Options options;
            options.repo = repo.string();
            options.links = true;
            options.quiet = true;
            options.use_cache = false;
            const auto engine = test::engine_tables(options);
            std::size_t rows = 0;
            for (const auto& table : engine.tables) {
                for (const auto& row : table.rows) {
                    const std::string line = std::string(row.title) + " -- " +
                                             std::string(row.artists) + " -- " +
                                             std::string(row.album);
                    std::string last_had =
                        row.removed ? engine.labels.commits.at(*row.removed) + "^" : "HEAD";
                    auto expected = reference_links(repo, last_had, table.id, line);
                    if (!expected) { // else the view committed with the version last seen in
                        last_had = engine.labels.commits.at(row.last_seen);
                        expected = reference_links(repo, last_had, table.id, line);
                    }
                    const ReferenceLinks actual =
                        row.linked
                            ? ReferenceLinks(std::pair(std::string(row.track_url),
                                                       row.length_ms
                                                           ? std::to_string(*row.length_ms / 1000)
                                                           : std::string()))
                            : std::nullopt;
                    ASSERT_EQ(actual.has_value(), expected.has_value())
                        << table.id << ": " << line << " seed " << seed << " era "
                        << static_cast<int>(era) << " at " << last_had;
                    if (actual) {
                        EXPECT_EQ(*actual, *expected) << table.id << ": " << line;
                        ++linked;
                    }
                    ++rows;
                }
            }
            EXPECT_GT(rows, 20u);
            // The cache continued from an earlier revision, by a jump and then day by day
            // (a daily run reuses the links of rows it sees gone), gives the same links.
            options.use_cache = true;
            for (const std::string rev : {"HEAD~9", "HEAD~4", "HEAD~3", "HEAD~2", "HEAD~1"}) {
                options.rev = rev;
                test::engine_tables(options);
            }
            options.rev = "HEAD";
            const auto cached = test::engine_tables(options);
            std::vector<const tables::PlaylistTable*> a, b;
            for (const auto& table : engine.tables) {
                a.push_back(&table);
            }
            for (const auto& table : cached.tables) {
                b.push_back(&table);
            }
            EXPECT_EQ(writers::render(a, engine.labels, writers::Format::csv, {}),
                      writers::render(b, cached.labels, writers::Format::csv, {}));
        }
    }
    EXPECT_GT(linked, 200u);
}

} // namespace
} // namespace gh

namespace gh {
namespace {

/// The track urls of the pretty view of playlist `id` at `commit`, in its order, read with
/// git itself: the JSON's `url`s, or the markdown rows' first link (empty for a local file).
std::vector<std::string> view_urls(const std::filesystem::path& repo, const std::string& commit,
                                   const std::string& id, const std::string& name) {
    const std::string q = test::shell_quote(repo.string());
    const auto show = [&](const std::string& path) {
        return test::run("git -C " + q + " show " + test::shell_quote(commit + ":" + path) +
                         " 2>/dev/null || true");
    };
    std::vector<std::string> urls;
    if (const std::string json = show("playlists/pretty/" + id + ".json"); !json.empty()) {
        const auto parsed = nlohmann::json::parse(json); // outlives the loop
        for (const auto& track : parsed["tracks"]) {
            urls.push_back(track["url"].is_null() ? "" : track["url"].get<std::string>());
        }
        return urls;
    }
    static const std::regex row(
        R"(^\| \d+ \| (?:\[.*?\]\((https://open\.spotify\.com/track/\w+)\)|[^\[].*?) \| .*)");
    for (const auto& line : test::lines_of(show("playlists/pretty/" + name + ".md"))) {
        std::smatch m;
        if (std::regex_match(line, m, row)) {
            urls.push_back(m[1]);
        }
    }
    return urls;
}

TEST(Links, SnapshotListsThePrettyViewsTracksInItsOrderWithTheirLinks) {
    std::size_t tracks = 0;
    for (const auto era : {synth::Era::y2021, synth::Era::current}) {
        test::TempDir dir;
        synth::GeneratorOptions generate;
        generate.seed = 5;
        generate.playlists = 3;
        generate.days = 20;
        generate.tracks = 12;
        generate.era = era;
        const auto repo = dir.path() / "archive";
        synth::generate_archive(repo, generate);
        const std::string q = test::shell_quote(repo.string());
        for (const std::string& id :
             test::lines_of(test::run("git -C " + q +
                                      " ls-tree --name-only HEAD playlists/plain/ "
                                      "| sed 's|.*/||'"))) {
            for (const std::string at : {"HEAD~12", "HEAD~5", "HEAD"}) {
                const auto [code, text] = test::run_command(
                    {"snapshot", id, "--repo", repo.string(), "--at", at, "--format", "json"});
                ASSERT_EQ(code, ExitCode::ok) << id << " at " << at;
                const auto snapshot = nlohmann::json::parse(text);
                std::vector<std::string> urls;
                for (const auto& track : snapshot["tracks"]) {
                    ASSERT_FALSE(track["length_seconds"].is_null()) << track.dump();
                    urls.push_back(
                        track["track_url"].is_null() ? "" : track["track_url"].get<std::string>());
                }
                const std::string commit = snapshot["commit"];
                EXPECT_EQ(urls, view_urls(repo, commit, id, snapshot["name"]))
                    << id << " at " << at << " era " << static_cast<int>(era);
                tracks += urls.size();
            }
        }
        // --no-links: the file's order, no links.
        const auto [code, text] = test::run_command(
            {"snapshot",
             test::lines_of(test::run("git -C " + q +
                                      " ls-tree --name-only HEAD "
                                      "playlists/plain/ | sed 's|.*/||'"))
                 .front(),
             "--repo", repo.string(), "--at", "HEAD", "--format", "json", "--no-links"});
        const auto unlinked = nlohmann::json::parse(text); // outlives the loop
        ASSERT_FALSE(unlinked["tracks"].empty());
        for (const auto& track : unlinked["tracks"]) {
            EXPECT_TRUE(track["track_url"].is_null());
        }
    }
    EXPECT_GT(tracks, 100u);
}

} // namespace
} // namespace gh

namespace gh {
namespace {

std::string view_row(std::string_view title, std::string_view length) {
    return link("track", title, std::string("t") + std::string(title)) + " | " +
           link("artist", "X", "x") + " | " + link("album", "Al", "al") + " | " +
           std::string(length);
}

// A daily `--out` run after a commit that changed only a pretty view (a track's length):
// the table's file follows, although its plain file has no new version.
TEST(Links, ADailyRunRewritesATableWhoseViewAloneChanged) {
    test::TempDir dir;
    GitArchive archive(dir);
    const std::string plain = "playlists/plain/" + std::string(k_mix);
    archive.write(plain, "Mix\n\nA -- X -- Al");
    archive.write("playlists/pretty/Mix.md", pretty_md("Mix", k_mix, {view_row("A", "3:55")}));
    archive.commit("2021-01-01");
    const auto out = dir.path() / "out";
    const auto file = out / (std::string(k_mix) + ".md");
    ASSERT_EQ(test::run_command(
                  {"cumulative", "--repo", archive.path().string(), "-q", "--out", out.string()})
                  .first,
              ExitCode::ok);
    EXPECT_NE(test::read_file(file).find("| 3:55 |"), std::string::npos);
    archive.write("playlists/pretty/Mix.md", pretty_md("Mix", k_mix, {view_row("A", "4:10")}));
    archive.commit("2021-01-02");
    for (int run = 0; run < 2; ++run) { // the run that sees it, and the one after
        ASSERT_EQ(test::run_command({"cumulative", "--repo", archive.path().string(), "-q", "--out",
                                     out.string()})
                      .first,
                  ExitCode::ok);
        EXPECT_NE(test::read_file(file).find("| 4:10 |"), std::string::npos) << run;
    }
}

// A history joined from two roots: a track last seen on one root is seen gone at the other
// root's commit, which has no parent to take a view from; it takes the view of the version
// it was last seen in.
TEST(Links, ATrackSeenGoneAtARootCommitTakesTheViewItWasLastSeenIn) {
    test::TempDir dir;
    GitArchive archive(dir);
    const std::string plain = "playlists/plain/" + std::string(k_mix);
    const std::string view = "playlists/pretty/Mix.md";
    archive.write(plain, "Mix\n\nA -- X -- Al\nB -- X -- Al");
    archive.write(view, pretty_md("Mix", k_mix, {view_row("A", "1:00"), view_row("B", "2:00")}));
    archive.commit("2021-01-01");
    const std::string q = test::shell_quote(archive.path().string());
    test::run("git -C " + q + " checkout -q --orphan other");
    archive.write(plain, "Mix\n\nB -- X -- Al");
    archive.write(view, pretty_md("Mix", k_mix, {view_row("B", "2:00")}));
    archive.commit("2021-01-02");
    test::run("git -C " + q + " checkout -q main");
    test::run("cd " + q +
              " && GIT_COMMITTER_DATE=2021-01-03T12:00:00Z git merge -q --no-commit "
              "--allow-unrelated-histories -s ours other");
    archive.write(plain, "Mix\n\nB -- X -- Al\nC -- X -- Al");
    archive.write(view, pretty_md("Mix", k_mix, {view_row("B", "2:00"), view_row("C", "3:00")}));
    archive.commit("2021-01-03");
    const auto [code, json] = test::run_command(
        {"cumulative", "--repo", archive.path().string(), "-q", "--no-cache", "--format", "json"});
    ASSERT_EQ(code, ExitCode::ok);
    const auto rows = rows_by_title(json);
    const std::string mix(k_mix);
    EXPECT_EQ(rows.at(mix + " A")["removed"], "2021-01-02");
    EXPECT_EQ(rows.at(mix + " A")["track_url"], "https://open.spotify.com/track/tA");
    EXPECT_EQ(rows.at(mix + " C")["length_seconds"], 180);
}

} // namespace
} // namespace gh
