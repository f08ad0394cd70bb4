// The emulated archive bots (src/synth/bot_2021.cpp, bot_current.cpp, views.cpp), fed
// scrapes by hand, against the real archive's files and SPEC's rules.

#include "support/repo.hpp"
#include "synth/bot.hpp"
#include "synth/generator.hpp"
#include "util/hash.hpp"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

namespace gh {
namespace {

using synth::BotFile;
using synth::Era;
using synth::Scrape;
using synth::Track;

/// The bot's files by "dir/name" after applying what it wrote, deletions included.
using Files = std::map<std::string, std::optional<std::string>>;

Track make_track(std::string title, std::vector<std::string> artists, std::string album,
                 std::int32_t duration_ms) {
    Track track;
    synth::Random random(hash_text(title + album));
    track.id = synth::base62(random, 22);
    track.album_id = synth::base62(random, 22);
    for (const auto& artist : artists) {
        synth::Random by_name(hash_text(artist));
        track.artist_ids.push_back(synth::base62(by_name, 22));
    }
    track.title = std::move(title);
    track.artists = std::move(artists);
    track.album = std::move(album);
    track.duration_ms = duration_ms;
    return track;
}

Scrape make_scrape(std::string id, std::string name, std::vector<Track> tracks) {
    Scrape scrape;
    scrape.id = std::move(id);
    scrape.name = std::move(name);
    scrape.description = "Daily hits.";
    for (auto& track : tracks) {
        scrape.tracks.push_back({std::move(track), std::nullopt});
    }
    return scrape;
}

/// Runs scrapes and removals through a bot, keeping the files it leaves.
class BotRun {
  public:
    explicit BotRun(Era era, std::string github = "example/playlist-archive")
        : m_bot(synth::make_bot(era, {std::move(github), "playlists/plain"})) {}

    void scrape(const Scrape& scrape, std::string_view date) {
        std::vector<BotFile> written;
        m_bot->scrape(scrape, date, written);
        apply(written);
    }

    void remove(std::string_view id, std::string_view date) {
        std::vector<BotFile> written;
        m_bot->remove(id, date, written);
        apply(written);
    }

    const Files& files() const { return m_files; }

    /// A file that must exist.
    std::string file(const std::string& path) const {
        const auto found = m_files.find(path);
        if (found == m_files.end() || !found->second) {
            ADD_FAILURE() << "no file " << path;
            return {};
        }
        return *found->second;
    }

    /// The Added and Removed cells of the table row of `title` in the cumulative view.
    std::string dates(const std::string& path, const std::string& title) const {
        for (const auto& line : test::lines_of(file(path))) {
            if (line.rfind("| [" + title + "](", 0) == 0) {
                const auto removed = line.rfind(" | ", line.size() - 3);
                const auto added = line.rfind(" | ", removed - 1);
                return line.substr(added + 3, line.size() - added - 3);
            }
        }
        return "no row";
    }

  private:
    void apply(const std::vector<BotFile>& written) {
        for (const auto& file : written) {
            m_files[file.dir + "/" + file.name] = file.content;
        }
    }

    std::unique_ptr<synth::Bot> m_bot;
    Files m_files;
};

std::string fixture(const std::string& name) {
    return test::read_file(test::source_dir() / "fixtures" / "bot" / name);
}

TEST(SynthBot2021, PrettyViewIsTheArchivesOwn) {
    // The first rows of playlists/pretty/24K Magic Radio.md in the 2019-2021 archive, then
    // a local file (names bare) and a track of 45 seconds (no minutes).
    Scrape scrape;
    scrape.id = "37i9dQZF1E8LxY0mOH4jEX";
    scrape.name = "24K Magic Radio";
    scrape.description = "With Bruno Mars, Beyoncé, Charlie Puth, Michael Jackson and more";
    Track finesse{"Finesse - Remix; feat. Cardi B",
                  {"Bruno Mars", "Cardi B"},
                  "Finesse (Remix) [feat. Cardi B]",
                  "3Vo4wInECJQuz9BIBMOu8i",
                  {"0du5cEVh5yTK9QJze8zA0C", "4kYSro6naA4h99UJvo89HB"},
                  "3mumK2ar9b4JPhVOZR0V2p",
                  217'880};
    Track trolls{"CAN'T STOP THE FEELING! (Original Song from DreamWorks Animation's \"TROLLS\")",
                 {"Justin Timberlake"},
                 "TROLLS (Original Motion Picture Soundtrack)",
                 "1WkMMavIMc4JZ8cfMmxHkI",
                 {"31TPClRtHm23RisEBtV3X7"},
                 "65ayND23IInUPHJKsaAqe7",
                 237'000};
    Track local{"Home Demo", {"Tyler, The Creator"}, "Demos", "", {}, "", 61'999};
    Track short_one = make_track("Intro", {"MAX"}, "Intro", 45'900);
    for (auto* track : {&finesse, &trolls, &local, &short_one}) {
        scrape.tracks.push_back({*track, std::nullopt});
    }
    BotRun bot(Era::y2021, "mackorone/spotify-playlist-archive");
    bot.scrape(scrape, "2021-05-09");
    const std::string expected =
        "pretty - [cumulative](/playlists/cumulative/24K%20Magic%20Radio.md) - "
        "[plain](/playlists/plain/37i9dQZF1E8LxY0mOH4jEX) "
        "([githistory](https://github.githistory.xyz/mackorone/spotify-playlist-archive/blob/main/"
        "playlists/plain/37i9dQZF1E8LxY0mOH4jEX))\n"
        "\n"
        "### [24K Magic Radio](https://open.spotify.com/playlist/37i9dQZF1E8LxY0mOH4jEX)\n"
        "\n"
        "> With Bruno Mars, Beyoncé, Charlie Puth, Michael Jackson and more\n"
        "\n"
        "| No. | Title | Artist(s) | Album | Length |\n"
        "|---|---|---|---|---|\n"
        "| 1 | [Finesse - Remix; feat. Cardi B](https://open.spotify.com/track/"
        "3Vo4wInECJQuz9BIBMOu8i) | [Bruno Mars](https://open.spotify.com/artist/"
        "0du5cEVh5yTK9QJze8zA0C), [Cardi B](https://open.spotify.com/artist/4kYSro6naA4h99UJvo89HB)"
        " | [Finesse (Remix) [feat. Cardi B]](https://open.spotify.com/album/"
        "3mumK2ar9b4JPhVOZR0V2p) | 3:37 |\n"
        "| 2 | [CAN'T STOP THE FEELING! (Original Song from DreamWorks Animation's \"TROLLS\")]"
        "(https://open.spotify.com/track/1WkMMavIMc4JZ8cfMmxHkI) | [Justin Timberlake]"
        "(https://open.spotify.com/artist/31TPClRtHm23RisEBtV3X7) | [TROLLS (Original Motion "
        "Picture Soundtrack)](https://open.spotify.com/album/65ayND23IInUPHJKsaAqe7) | 3:57 |\n"
        "| 3 | Home Demo | Tyler, The Creator | Demos | 1:01 |\n"
        "| 4 | [Intro](https://open.spotify.com/track/" +
        short_one.id + ") | [MAX](https://open.spotify.com/artist/" + short_one.artist_ids[0] +
        ") | [Intro](https://open.spotify.com/album/" + short_one.album_id + ") | 45 |";
    EXPECT_EQ(bot.file("pretty/24K Magic Radio.md"), expected);
}

TEST(SynthBot2021, CumulativeViewLayout) {
    BotRun bot(Era::y2021);
    const Track kept = make_track("Kept", {"A", "B"}, "First", 235'000);
    const Track gone = make_track("gone", {"C"}, "Second", 3'600'000);
    bot.scrape(make_scrape("37i9dQZF1DX0000000000a", "Top Hits", {kept, gone}), "2020-10-20");
    bot.scrape(make_scrape("37i9dQZF1DX0000000000a", "Top Hits", {kept}), "2020-10-21");
    const std::string link = "(https://open.spotify.com/";
    const std::string expected =
        "[pretty](/playlists/pretty/Top%20Hits.md) - cumulative - "
        "[plain](/playlists/plain/37i9dQZF1DX0000000000a) ([githistory](https://"
        "github.githistory.xyz/example/playlist-archive/blob/main/playlists/plain/"
        "37i9dQZF1DX0000000000a))\n\n"
        "### [Top Hits](https://open.spotify.com/playlist/37i9dQZF1DX0000000000a)\n\n"
        "> Daily hits.\n\n"
        "| Title | Artist(s) | Album | Length | Added | Removed |\n"
        "|---|---|---|---|---|---|\n"
        "| [gone]" +
        link + "track/" + gone.id + ") | [C]" + link + "artist/" + gone.artist_ids[0] +
        ") | [Second]" + link + "album/" + gone.album_id +
        ") | 1:00:00 | 2020-10-20 | 2020-10-21 |\n"
        "| [Kept]" +
        link + "track/" + kept.id + ") | [A]" + link + "artist/" + kept.artist_ids[0] + "), [B]" +
        link + "artist/" + kept.artist_ids[1] + ") | [First]" + link + "album/" + kept.album_id +
        ") | 3:55 | 2020-10-20 |  |";
    // Rows in the order of the lowercased line: "gone" before "kept".
    EXPECT_EQ(bot.file("cumulative/Top Hits.md"), expected);
}

TEST(SynthBot2021, RowsFollowTheArchiveRules) {
    BotRun bot(Era::y2021);
    const Track a = make_track("Alpha", {"A"}, "X", 200'000);
    const Track b = make_track("Beta", {"B"}, "X", 200'000);
    Track b_longer = b;
    b_longer.duration_ms = 260'000;
    const Track b_respelled = make_track("BETA", {"B"}, "X", 200'000);
    const std::string id = "37i9dQZF1DX0000000000b";
    bot.scrape(make_scrape(id, "Mix", {a, b}), "2021-01-01");
    bot.scrape(make_scrape(id, "Mix", {b}), "2021-01-02");
    bot.scrape(make_scrape(id, "Mix", {b}), "2021-01-03");
    bot.scrape(make_scrape(id, "Mix", {a, b_longer}), "2021-01-04");
    const std::string path = "cumulative/Mix.md";
    EXPECT_EQ(bot.dates(path, "Alpha"), "2021-01-01 |  |"); // back: Removed cleared
    EXPECT_NE(bot.file(path).find("| 4:20 | 2021-01-01 |  |"), std::string::npos)
        << "a present row takes the latest length";
    // A respelling by case is the same key: one row, shown as last seen.
    bot.scrape(make_scrape(id, "Mix", {a, b_respelled}), "2021-01-05");
    EXPECT_EQ(bot.dates(path, "Beta"), "no row");
    EXPECT_EQ(bot.dates(path, "BETA"), "2021-01-01 |  |");
    bot.scrape(make_scrape(id, "Mix", {b_respelled}), "2021-01-06");
    EXPECT_EQ(bot.dates(path, "Alpha"), "2021-01-01 | 2021-01-06 |");
}

TEST(SynthBot2021, TablesAreKeptByNameAcrossIdChanges) {
    BotRun bot(Era::y2021);
    const Track a = make_track("Alpha", {"A"}, "X", 200'000);
    const Track b = make_track("Beta", {"B"}, "X", 200'000);
    const Track c = make_track("Gamma", {"C"}, "X", 200'000);
    const std::string old_id = "37i9dQZF1DX00000000old";
    const std::string new_id = "37i9dQZF1DX00000000new";
    bot.scrape(make_scrape(old_id, "Mix", {a, b}), "2021-02-01");
    // The id is replaced by hand: the old one deleted, a new one with the same name line.
    bot.remove(old_id, "2021-02-02");
    EXPECT_FALSE(bot.files().at("pretty/Mix.md")) << "the pretty view goes with its playlist";
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Beta"), "2021-02-01 | 2021-02-02 |")
        << "the table stays, its rows removed on the day the playlist went";
    bot.scrape(make_scrape(new_id, "Mix", {b, c}), "2021-02-05");
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Alpha"), "2021-02-01 | 2021-02-02 |");
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Beta"), "2021-02-01 |  |");
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Gamma"), "2021-02-05 |  |");
    EXPECT_NE(bot.file("pretty/Mix.md").find("[plain](/playlists/plain/" + new_id + ")"),
              std::string::npos);
    // The name moves on to a third id while the new one carries on under another name.
    const std::string third_id = "37i9dQZF1DX000000third";
    bot.scrape(make_scrape(third_id, "Mix", {c}), "2021-02-06");
    bot.scrape(make_scrape(new_id, "Mix (old)", {b, c}), "2021-02-06");
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Beta"), "2021-02-01 | 2021-02-06 |");
    EXPECT_EQ(bot.dates("cumulative/Mix.md", "Gamma"), "2021-02-05 |  |");
    EXPECT_EQ(bot.dates("cumulative/Mix (old).md", "Beta"), "2021-02-06 |  |")
        << "the renamed playlist starts a table of its own";
    EXPECT_NE(bot.file("cumulative/Mix.md").find(third_id), std::string::npos);
    EXPECT_TRUE(bot.files().at("pretty/Mix.md"));
}

/// The track of a real pretty JSON, ids taken from its urls.
Track track_from_json(const nlohmann::json& json) {
    const auto id_of = [](const nlohmann::json& url) {
        const std::string text = url.is_null() ? "" : url.get<std::string>();
        return text.substr(text.rfind('/') + 1);
    };
    Track track;
    track.title = json["name"];
    track.album = json["album"]["name"];
    track.album_id = id_of(json["album"]["url"]);
    track.id = id_of(json["url"]);
    track.duration_ms = json["duration_ms"];
    for (const auto& artist : json["artists"]) {
        track.artists.push_back(artist["name"]);
        track.artist_ids.push_back(id_of(artist["url"]));
    }
    return track;
}

TEST(SynthBotCurrent, RealPlaylistRendersAsTheArchiveRendersIt) {
    const std::string pretty = fixture("pretty-0DGFHitamINEEhQGIJbisL.json");
    const auto json = nlohmann::json::parse(pretty);
    Scrape scrape;
    scrape.id = "0DGFHitamINEEhQGIJbisL";
    scrape.name = json["original_name"];
    scrape.description = json["description"];
    scrape.owner_name = json["owner"]["name"];
    scrape.owner_url = json["owner"]["url"];
    scrape.followers = json["num_followers"];
    scrape.snapshot_id = json["snapshot_id"];
    for (const auto& track : json["tracks"]) {
        scrape.tracks.push_back({track_from_json(track), track["added_at"].get<std::string>()});
    }
    BotRun bot(Era::current, "mackorone/spotify-playlist-archive");
    bot.scrape(scrape, "2023-05-23");
    EXPECT_EQ(bot.file("pretty/0DGFHitamINEEhQGIJbisL.json"), pretty);
    // The real markdown is of a commit when one track was 3:04 long (README).
    std::string cumulative = fixture("cumulative-0DGFHitamINEEhQGIJbisL.md");
    const auto war = cumulative.find("5bPDYLggBz5xEvJJW5SUy5");
    ASSERT_NE(war, std::string::npos);
    cumulative.replace(cumulative.find("| 3:04 |", war), 8, "| 2:59 |");
    EXPECT_EQ(bot.file("cumulative/0DGFHitamINEEhQGIJbisL.md"), cumulative);
}

/// Removes the current era's escaping.
std::string unescape(const std::string& text) {
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            ++i;
        }
        plain += text[i];
    }
    return plain;
}

TEST(SynthBotCurrent, SeedPrettyViewRendersAsTheArchiveRendersIt) {
    const std::string seed = fixture("seed-pretty-kpop-ballad-hits.md");
    Scrape scrape;
    scrape.id = "37i9dQZF1DX5LEXW9eXA0n";
    scrape.name = "K-Pop Ballad Hits";
    scrape.description = "Mellow & sentimental K-Pop ballads. (Cover: KangHyeWon(강혜원)) (당신의 "
                         "감성에 발라드, 려요)";
    scrape.followers = 284'219;
    scrape.snapshot_id = "MTY0MDQ3OTMyOCwwMDAwMDAwMGM2MGNmYjljMzMwYzNlYWFiOWI5Y2RhZTljYTNhZTZi";
    // Each row back into a track: its links in order (track, artists, album), its length.
    const std::regex row(R"(^\| \d+ \| (.*) \| (\d+):(\d\d) \|$)");
    const std::regex link(
        R"(\[((?:\\.|[^\]\\])*)\]\(https://open\.spotify\.com/(track|artist|album)/(\w{22})\))");
    for (const auto& line : test::lines_of(seed)) {
        std::smatch cells;
        if (!std::regex_match(line, cells, row)) {
            continue;
        }
        Track track;
        const std::string links = cells[1];
        for (std::sregex_iterator at(links.begin(), links.end(), link), end; at != end; ++at) {
            const std::string kind = (*at)[2];
            const std::string name = unescape((*at)[1]);
            if (kind == "track") {
                track.title = name;
                track.id = (*at)[3];
            } else if (kind == "artist") {
                track.artists.push_back(name);
                track.artist_ids.push_back((*at)[3]);
            } else {
                track.album = name;
                track.album_id = (*at)[3];
            }
        }
        track.duration_ms = (std::stoi(cells[2]) * 60 + std::stoi(cells[3])) * 1000;
        scrape.tracks.push_back({track, std::nullopt});
    }
    ASSERT_EQ(scrape.tracks.size(), 50u);
    BotRun bot(Era::current, "mackorone/spotify-playlist-archive");
    bot.scrape(scrape, "2021-12-26");
    // Of December 2021, the seed has no final newline; every file has one from 2022 on.
    EXPECT_EQ(bot.file("pretty/37i9dQZF1DX5LEXW9eXA0n.md"), seed + "\n");
}

TEST(SynthBotCurrent, RowsAreTracksAddedWhenSpotifySays) {
    BotRun bot(Era::current);
    const std::string id = "37i9dQZF1DX0000000000c";
    const std::string path = "cumulative/" + id + ".md";
    const Track a = make_track("Alpha", {"A"}, "Alpha Album", 200'000);
    Track a_respelled = a;
    a_respelled.album = "Alpha Album (Deluxe)";
    const Track b = make_track("Beta", {"B"}, "X", 200'000);
    Scrape first = make_scrape(id, "Mix", {a, b});
    first.tracks[0].added_at = "2019-03-04 10:00:00"; // before the first scrape: unmarked
    bot.scrape(first, "2023-05-23");
    EXPECT_EQ(bot.dates(path, "Alpha"), "2019-03-04 |  |");
    EXPECT_EQ(bot.dates(path, "Beta"), "2023-05-23 |  |") << "no added_at: the day first seen";
    // A later scrape gives Beta an earlier added_at, and respells Alpha's album.
    Scrape second = make_scrape(id, "Mix", {a_respelled, b});
    second.tracks[1].added_at = "2023-05-01 08:00:00";
    bot.scrape(second, "2023-05-24");
    EXPECT_EQ(bot.dates(path, "Beta"), "2023-05-01 |  |");
    const std::string text = bot.file(path);
    EXPECT_EQ(text.find("[Alpha Album](https"), std::string::npos) << "one row per track id";
    EXPECT_NE(text.find("[Alpha Album \\(Deluxe\\)](https"), std::string::npos);
    // A later added_at does not move a row forward; removal and return as in 2019-2021.
    Scrape third = make_scrape(id, "Mix", {b});
    third.tracks[0].added_at = "2023-05-20 08:00:00";
    bot.scrape(third, "2023-05-25");
    EXPECT_EQ(bot.dates(path, "Beta"), "2023-05-01 |  |");
    EXPECT_EQ(bot.dates(path, "Alpha"), "2019-03-04 | 2023-05-25 |");
    bot.remove(id, "2023-05-26");
    EXPECT_EQ(bot.dates(path, "Beta"), "2023-05-01 | 2023-05-26 |");
    EXPECT_FALSE(bot.files().at("pretty/" + id + ".md"));
    EXPECT_FALSE(bot.files().at("pretty/" + id + ".json"));
    const auto json = nlohmann::json::parse(bot.file("cumulative/" + id + ".json"));
    EXPECT_EQ(json["date_first_scraped"], "2023-05-23");
    EXPECT_EQ(json["tracks"][1]["date_removed"], "2023-05-26");
    EXPECT_EQ(json["tracks"][1]["date_added_asterisk"], false);
}

TEST(SynthBotCurrent, SummaryCountsEveryRowAndItsLength) {
    BotRun bot(Era::current);
    const std::string id = "37i9dQZF1DX0000000000d";
    bot.scrape(make_scrape(id, "Empty", {}), "2023-01-01");
    EXPECT_NE(bot.file("cumulative/" + id + ".md").find("\n\n0 song - 0 sec\n\n"),
              std::string::npos);
    const Track one = make_track("One", {"A"}, "X", 45'999);
    bot.scrape(make_scrape(id, "Empty", {one}), "2023-01-02");
    EXPECT_NE(bot.file("cumulative/" + id + ".md").find("\n\n1 song - 45 sec\n\n"),
              std::string::npos);
    EXPECT_NE(bot.file("cumulative/" + id + ".md").find("| 0:45 | 2023-01-02 |  |"),
              std::string::npos);
    std::vector<Track> many;
    for (int i = 0; i < 1'200; ++i) {
        many.push_back(make_track(fmt::format("T{}", i), {"A"}, "X", 580'000));
    }
    bot.scrape(make_scrape(id, "Empty", many), "2023-01-03");
    // 1,201 rows (the removed one included): 696,045.999 s = 8 days, 1 hr 20 min.
    EXPECT_NE(bot.file("cumulative/" + id + ".md").find("\n\n1,201 songs - 8 day 1 hr 20 min\n\n"),
              std::string::npos);
}

} // namespace
} // namespace gh
