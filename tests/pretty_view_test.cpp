// The pretty views' parser on real files of each era (fixtures/pretty/: the real archive's
// views, with the plain files of the same commits where the era has them) and on rows
// written to break it.

#include "plain/plain_file.hpp"
#include "pretty/pretty_view.hpp"
#include "support/repo.hpp"
#include "tables/track_links.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace gh::pretty {
namespace {

std::string fixture(std::string_view name) {
    return test::read_file(test::source_dir() / "fixtures" / "pretty" / name);
}

std::vector<std::string> plain_lines(const View& view) {
    std::vector<std::string> lines;
    std::string line;
    for (const Track& track : view.tracks()) {
        view.plain_line(track, line);
        lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> tracks_of_plain(const std::string& plain) {
    std::vector<std::string> lines;
    for (const auto& track : plain::parse_plain_file(plain).tracks) {
        lines.emplace_back(track.text);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

TEST(PrettyView, Views2019And2021JoinEveryPlainLineOfTheirCommit) {
    // 2019 wrote the rule line as |-----|-------|...; both link the plain file in line 1.
    for (const std::string base : {"2019-0n8NtBn89HS9sSKJEnJijg", "2021-1tPWTwuxOLsE2Do1JQSUxA"}) {
        const std::string bytes = fixture(base + ".md");
        View view;
        view.parse(bytes, Form::markdown);
        EXPECT_EQ(view.unreadable_rows(), 0u) << base;
        EXPECT_EQ(plain_lines(view), tracks_of_plain(fixture(base + ".plain"))) << base;
        EXPECT_EQ(linked_playlist(bytes), base.substr(5)) << base;
        for (const Track& track : view.tracks()) {
            EXPECT_TRUE(track.url.starts_with("https://open.spotify.com/track/")) << track.name;
            EXPECT_TRUE(track.album_url.starts_with("https://open.spotify.com/album/"));
            EXPECT_TRUE(track.duration_ms.has_value()) << track.name;
            EXPECT_GT(track.artist_count, 0u);
        }
    }
}

TEST(PrettyView, RowsOfOtherTitlesAreSkippedWhenTitlesAreGiven) {
    const std::string bytes = fixture("2021-1tPWTwuxOLsE2Do1JQSUxA.md");
    View all;
    all.parse(bytes, Form::markdown);
    ASSERT_GT(all.tracks().size(), 3u);
    // Two titles of the view, a prefix of the first (which keeps every row it begins: a
    // row's title may be the start of its track's name), and one that is in no row.
    const std::vector<std::string_view> titles{all.tracks()[0].name, all.tracks()[2].name,
                                               all.tracks()[0].name.substr(0, 3), "Nowhere"};
    View some;
    some.parse(bytes, Form::markdown, titles);
    std::vector<std::string_view> read;
    for (const Track& track : some.tracks()) {
        read.push_back(track.name);
    }
    std::vector<std::string_view> expected;
    for (const Track& track : all.tracks()) {
        if (track.name.starts_with(titles[1]) || track.name.starts_with(titles[2])) {
            expected.push_back(track.name);
        }
    }
    EXPECT_EQ(read, expected);
    EXPECT_LT(read.size(), all.tracks().size()); // rows were skipped
    EXPECT_EQ(some.unreadable_rows(), 0u);
}

TEST(PrettyView, CurrentEraMarkdownIsUnescaped) {
    const std::string bytes = fixture("current-era-37i9dQZF1DX5LEXW9eXA0n.md"); // outlives the view
    View view;
    view.parse(bytes, Form::escaped_markdown);
    ASSERT_EQ(view.tracks().size(), 50u);
    EXPECT_EQ(view.unreadable_rows(), 0u);
    const Track& first = view.tracks().front();
    EXPECT_EQ(first.name, "Dear");
    EXPECT_EQ(first.url, "https://open.spotify.com/track/5xUDsNJKebll4g40mGcnPl");
    EXPECT_EQ(first.duration_ms, 319'000u);
    const Track& sixth = view.tracks()[5];
    EXPECT_EQ(sixth.album, "Like Water - The 1st Mini Album");
    EXPECT_EQ(view.tracks()[8].album, "ITAEWON CLASS (Original Television Soundtrack) Pt. 12");
}

TEST(PrettyView, CurrentEraJsonGivesEveryField) {
    View view;
    view.parse(fixture("current-era-0DGFHitamINEEhQGIJbisL.json"), Form::json);
    ASSERT_EQ(view.tracks().size(), 30u);
    const Track& first = view.tracks().front();
    EXPECT_EQ(first.name, "Younger");
    EXPECT_EQ(first.duration_ms, 352'386u);
    EXPECT_EQ(first.added_at, "2020-11-28 15:38:59");
    ASSERT_EQ(view.artists(first).size(), 1u);
    EXPECT_EQ(view.artists(first)[0].name, "The Mountain Goats");
    EXPECT_EQ(view.artists(first)[0].url, "https://open.spotify.com/artist/3hyGGjxu73JuzBa757H6R5");
    std::string line;
    view.plain_line(view.tracks()[1], line);
    EXPECT_EQ(line, "Skeleton Appreciation Day in Vestal, NY (Bones) -- Will Wood and the "
                    "Tapeworms -- Everything Is a Lot");
}

TEST(PrettyView, NamesWithLinkCharactersAndBareNamesStayWhole) {
    const std::string view_text =
        "### [x](https://open.spotify.com/playlist/abc)\n\n"
        "| No. | Title | Artist(s) | Album | Length |\n|---|---|---|---|---|\n"
        "| 1 | [a [b] (c) | d](https://open.spotify.com/track/T1) | "
        "[Tyler, The Creator](https://open.spotify.com/artist/A1), [x](https://open.spotify.com/"
        "artist/A2) | [Al | bum](https://open.spotify.com/album/B1) | 1:02:03 |\n"
        "| 2 | Local Song | Local Band | Local Album | 45 |\n"
        "| 6 | Long | A | B | 1193:02:48 |\n"
        "| 3 | not | a | row |\n"
        "| 4 | [t](https://open.spotify.com/track/T 2) | [a](https://open.spotify.com/artist/A) "
        "| [b](https://open.spotify.com/album/B) | 3:00 |\n"
        "\nafter the table\n| 5 | [late](https://open.spotify.com/track/L) | a | b | 1:00 |\n";
    View view;
    view.parse(view_text, Form::markdown);
    ASSERT_EQ(view.tracks().size(), 3u);
    EXPECT_EQ(view.unreadable_rows(), 2u);      // a short row, and a url with a space
    EXPECT_FALSE(view.tracks()[2].duration_ms); // too long for milliseconds: none
    std::string line;
    view.plain_line(view.tracks()[0], line);
    EXPECT_EQ(line, "a [b] (c) | d -- Tyler, The Creator, x -- Al | bum");
    EXPECT_EQ(view.artists(view.tracks()[0]).size(), 2u);
    EXPECT_EQ(view.tracks()[0].duration_ms, 3'723'000u);
    EXPECT_TRUE(view.tracks()[1].url.empty());
    EXPECT_EQ(view.tracks()[1].duration_ms, 45'000u);
}

TEST(PrettyView, DamagedViewsHaveNoTracks) {
    View view;
    for (const std::string_view bytes :
         {std::string_view(""), std::string_view("no table here"), std::string_view("|---|\n| 1 |"),
          std::string_view("\n|-\n| ")}) {
        view.parse(bytes, Form::markdown);
        EXPECT_TRUE(view.tracks().empty()) << bytes;
    }
    for (const std::string_view bytes :
         {std::string_view("{"), std::string_view("[]"), std::string_view(R"({"tracks": 3})"),
          std::string_view(R"json({"tracks": [1, {"name": 2}, {"name": "a", "artists": [],
              "album": {"name": "b", "url": "https://u v"}},
              {"name": "c", "artists": [], "url": "javascript:alert(1)",
               "album": {"name": "d", "url": null}}]})json")}) {
        view.parse(bytes, Form::json);
        EXPECT_TRUE(view.tracks().empty()) << bytes;
    }
    EXPECT_EQ(view.unreadable_rows(), 4u);
}

TEST(PrettyView, LinkedPlaylistAndLengths) {
    EXPECT_EQ(linked_playlist("pretty - [plain](/playlists/plain/abcXYZ09) (x)"), "abcXYZ09");
    EXPECT_EQ(linked_playlist("[plain](https://github.com/o/r/blob/master/playlists/plain/Ab1)"),
              "Ab1");
    EXPECT_FALSE(linked_playlist("no link\n[plain](/playlists/plain/abc)"));
    EXPECT_FALSE(linked_playlist("[plain](/playlists/plain/ab-c)"));
    EXPECT_EQ(parse_length("3:55"), 235u);
    EXPECT_EQ(parse_length("0:45"), 45u);
    EXPECT_EQ(parse_length("45"), 45u);
    EXPECT_EQ(parse_length("1:02:03"), 3723u);
    for (const std::string_view bad : {"", ":", "3:5", "3:60", "1:2:3:4", "-1", "3:55 ", "x"}) {
        EXPECT_FALSE(parse_length(bad)) << bad;
    }
}

TEST(TrackLinks, AnyBytesOfANameSurviveTheEncoding) {
    std::string encoded;
    tables::append_artist_link(encoded, "Tyler, The Creator", "https://a/1");
    tables::append_artist_link(encoded, std::string("3:x\0y", 5), "");
    tables::append_artist_link(encoded, "", "https://a/3");
    const auto artists = tables::artist_links(encoded);
    ASSERT_EQ(artists.size(), 3u);
    EXPECT_EQ(artists[0].name, "Tyler, The Creator");
    EXPECT_EQ(artists[1].name, std::string_view("3:x\0y", 5));
    EXPECT_TRUE(artists[1].url.empty());
    EXPECT_EQ(artists[2].url, "https://a/3");
    EXPECT_EQ(tables::artist_links(encoded.substr(0, encoded.size() - 1)).size(), 2u);
    EXPECT_TRUE(tables::artist_links("99:short").empty());
}

} // namespace
} // namespace gh::pretty
