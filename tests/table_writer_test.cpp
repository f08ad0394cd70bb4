#include "tables/track_links.hpp"
#include "writers/table_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gh::writers {
namespace {

tables::TrackRow row(std::string_view key, std::string_view title, std::string_view artists,
                     std::string_view album, std::uint32_t last_seen,
                     std::optional<std::uint32_t> removed, std::uint32_t stints,
                     std::int64_t days) {
    tables::TrackRow made;
    made.key = key;
    made.title = title;
    made.artists = artists;
    made.album = album;
    made.last_seen = last_seen;
    made.removed = removed;
    made.stints = stints;
    made.days_present = days;
    return made;
}

struct Fixture {
    tables::PlaylistTable table;
    SnapshotLabels labels{{"2021-01-01", "2021-01-05"},
                          {std::string(40, 'a'), std::string(40, 'b')}};

    Fixture() {
        table.id = "37i9dQZF1DXcBWIGoYBM5M";
        table.name = "Hits | Mix";
        table.description = "Line one\nLine two";
        table.versions = 2;
        table.rows.push_back(row("a, b -- \"q\" -- c", "A, B", "\"Q\"", "C\nD", 0, 1u, 1, 4));
        table.rows.push_back(row("x|y -- z -- w", "x|y", "z", "w\tv", 1, std::nullopt, 2, 3));
    }
};

TEST(TableWriter, CsvFollowsRfc4180) {
    const Fixture f;
    const std::string csv = render({&f.table}, f.labels, Format::csv, {"playlists/plain", ""});
    const std::string header = "playlist,name,title,artists,album,key,added,added_commit,last_seen,"
                               "last_seen_commit,removed,removed_commit,stints,days_present,"
                               "track_url,artist_urls,album_url,length_seconds\r\n";
    ASSERT_TRUE(csv.starts_with(header));
    const std::string a(40, 'a');
    const std::string b(40, 'b');
    EXPECT_EQ(csv.substr(header.size()),
              "37i9dQZF1DXcBWIGoYBM5M,Hits | Mix,\"A, B\",\"\"\"Q\"\"\",\"C\nD\",\"a, b -- "
              "\"\"q\"\" -- c\","
              "2021-01-01," +
                  a + ",2021-01-01," + a + ",2021-01-05," + b +
                  ",1,4,,,,\r\n"
                  "37i9dQZF1DXcBWIGoYBM5M,Hits | Mix,x|y,z,w\tv,x|y -- z -- w,2021-01-01," +
                  a + ",2021-01-05," + b + ",,,2,3,,,,\r\n");
}

/// The fixture with links for its second row, as a pretty view gives them: one artist
/// without a url, and a url with a comma (which CSV must quote).
struct LinkedFixture : Fixture {
    std::string artists;
    LinkedFixture() {
        tables::append_artist_link(artists, "x|y", "https://open.spotify.com/artist/1,2");
        tables::append_artist_link(artists, "Local [Band]", "");
        auto& linked = table.rows[1];
        linked.artists = "x|y, Local [Band]";
        linked.linked = true;
        linked.track_url = "https://open.spotify.com/track/T";
        linked.artist_links = artists;
        linked.length_ms = 3'725'999;
    }
};

TEST(TableWriter, CsvAndTsvEndWithTheLinksAndTheLength) {
    const LinkedFixture f;
    const std::string csv = render({&f.table}, f.labels, Format::csv, {"playlists/plain", ""});
    EXPECT_TRUE(csv.ends_with(",2,3,https://open.spotify.com/track/T,"
                              "\"https://open.spotify.com/artist/1,2 \",,3725\r\n"))
        << csv;
    const std::string tsv = render({&f.table}, f.labels, Format::tsv, {"playlists/plain", ""});
    EXPECT_TRUE(tsv.ends_with("\t2\t3\thttps://open.spotify.com/track/T\t"
                              "https://open.spotify.com/artist/1,2 \t\t3725\n"))
        << tsv;
}

TEST(TableWriter, JsonHasLinksOrNulls) {
    const LinkedFixture f;
    const auto json =
        nlohmann::json::parse(render({&f.table}, f.labels, Format::json, {"playlists/plain", ""}));
    const auto& unlinked = json["tracks"][0];
    EXPECT_TRUE(unlinked["track_url"].is_null());
    EXPECT_TRUE(unlinked["artist_urls"].is_null());
    EXPECT_TRUE(unlinked["length_seconds"].is_null());
    const auto& linked = json["tracks"][1];
    EXPECT_EQ(linked["track_url"], "https://open.spotify.com/track/T");
    EXPECT_EQ(linked["artist_urls"],
              nlohmann::json::parse(R"(["https://open.spotify.com/artist/1,2", null])"));
    EXPECT_TRUE(linked["album_url"].is_null());
    EXPECT_EQ(linked["length_seconds"], 3725);
}

TEST(TableWriter, MarkdownShowsLinksAndLengthsWhenAPrettyViewGaveThem) {
    const LinkedFixture f;
    const std::string md =
        render({&f.table}, f.labels, Format::markdown, {"playlists/plain", "playlists/pretty"});
    EXPECT_NE(md.find("| Title | Artist(s) | Album | Length | Added | Removed |\n"
                      "|---|---|---|---|---|---|\n"),
              std::string::npos)
        << md;
    // Each artist is linked by itself (names may hold ", "); one without a url is bare.
    EXPECT_NE(md.find("| [x\\|y](https://open.spotify.com/track/T) | "
                      "[x\\|y](https://open.spotify.com/artist/1,2), Local \\[Band\\] | w␉v | "
                      "1:02:05 | 2021-01-01 |  |\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("| A, B | \"Q\" | C␊D |  | 2021-01-01 | 2021-01-05 |\n"), std::string::npos)
        << md;
}

TEST(TableWriter, TsvEscapesTabsAndNewlines) {
    EXPECT_EQ(tsv_field("a\tb\nc\\d\re"), "a\\tb\\nc\\\\d\\re");
    const Fixture f;
    const std::string tsv = render({&f.table}, f.labels, Format::tsv, {"playlists/plain", ""});
    EXPECT_NE(tsv.find("\tC\\nD\t"), std::string::npos);
    EXPECT_NE(tsv.find("\tw\\tv\t"), std::string::npos);
    EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 3);
}

TEST(TableWriter, JsonHasEveryFieldWithNullsForPresentTracks) {
    const Fixture f;
    const auto json =
        nlohmann::json::parse(render({&f.table}, f.labels, Format::json, {"playlists/plain", ""}));
    EXPECT_EQ(json["playlist"], "37i9dQZF1DXcBWIGoYBM5M");
    EXPECT_EQ(json["name"], "Hits | Mix");
    EXPECT_EQ(json["description"], "Line one\nLine two");
    ASSERT_EQ(json["tracks"].size(), 2u);
    EXPECT_EQ(json["tracks"][0]["album"], "C\nD");
    EXPECT_EQ(json["tracks"][0]["removed"], "2021-01-05");
    EXPECT_EQ(json["tracks"][0]["days_present"], 4);
    EXPECT_TRUE(json["tracks"][1]["removed"].is_null());
    EXPECT_TRUE(json["tracks"][1]["removed_commit"].is_null());
    EXPECT_EQ(json["tracks"][1]["stints"], 2);
    EXPECT_EQ(json["tracks"][1]["last_seen_commit"], std::string(40, 'b'));
}

TEST(TableWriter, JsonOfSeveralTablesIsAnArray) {
    const Fixture f;
    const auto json = nlohmann::json::parse(
        render({&f.table, &f.table}, f.labels, Format::json, {"playlists/plain", ""}));
    ASSERT_TRUE(json.is_array());
    EXPECT_EQ(json.size(), 2u);
}

TEST(TableWriter, MarkdownFollowsTheArchiveLayoutAndEscapesPipes) {
    const Fixture f;
    const std::string md =
        render({&f.table}, f.labels, Format::markdown, {"playlists/plain", "playlists/pretty"});
    EXPECT_TRUE(md.starts_with(
        "[pretty](/playlists/pretty/37i9dQZF1DXcBWIGoYBM5M.md) - cumulative - "
        "[plain](/playlists/plain/37i9dQZF1DXcBWIGoYBM5M)\n\n"
        "### [Hits \\| Mix](https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M)\n\n"
        "> Line one\n> Line two\n\n"
        "| Title | Artist(s) | Album | Added | Removed |\n|---|---|---|---|---|\n"))
        << md;
    EXPECT_NE(md.find("| x\\|y | z | w␉v | 2021-01-01 |  |\n"), std::string::npos) << md;
    EXPECT_NE(md.find("| A, B | \"Q\" | C␊D | 2021-01-01 | 2021-01-05 |\n"), std::string::npos)
        << md;
}

TEST(TableWriter, MarkdownNeverPassesControlCharactersOrMarkup) {
    EXPECT_EQ(escape_markdown("\x1b[31mred"), "␛\\[31mred");
    EXPECT_EQ(escape_markdown("<script>"), "\\<script\\>");
    EXPECT_EQ(escape_markdown("K-Pop (Hits). [x]"), "K\\-Pop \\(Hits\\)\\. \\[x\\]");
    EXPECT_EQ(escape_markdown("a\x7f"), "a␡");
}

TEST(TableWriter, CsvFieldQuotesOnlyWhenNeeded) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("=1+1"), "=1+1"); // data stays exact; no formula mangling
    EXPECT_EQ(csv_field("a\rb"), "\"a\rb\"");
    // Each special byte at every position of texts longer and shorter than the eight
    // bytes the search looks at at once.
    for (const char special : {',', '"', '\r', '\n'}) {
        for (std::size_t size : {1u, 7u, 8u, 9u, 23u}) {
            for (std::size_t at = 0; at < size; ++at) {
                std::string text(size, 'x');
                text[at] = special;
                const std::string quoted = csv_field(text);
                ASSERT_EQ(quoted.front(), '"') << size << " " << at;
                ASSERT_EQ(quoted.back(), '"') << size << " " << at;
            }
            EXPECT_EQ(csv_field(std::string(size, 'x')), std::string(size, 'x'));
        }
    }
    EXPECT_EQ(csv_field("Beyoncé, Jay-Z \xff\x80"), "\"Beyoncé, Jay-Z \xff\x80\"");
    EXPECT_EQ(csv_field("Beyoncé -- \xff\x80\x2c"), "\"Beyoncé -- \xff\x80,\"");
    EXPECT_EQ(tsv_field("12345678\t"), "12345678\\t");
}

TEST(TableWriter, CsvRecordQuotesEachFieldThatNeedsIt) {
    EXPECT_EQ(csv_record({"a", "b, c", "say \"hi\"", "one\ntwo", ""}),
              "a,\"b, c\",\"say \"\"hi\"\"\",\"one\ntwo\",\r\n");
    EXPECT_EQ(csv_record({}), "\r\n");
}

TEST(TableWriter, FormatNames) {
    EXPECT_EQ(parse_format("md"), Format::markdown);
    EXPECT_EQ(parse_format("json"), Format::json);
    EXPECT_FALSE(parse_format("xml"));
    EXPECT_EQ(extension(Format::tsv), "tsv");
}

} // namespace
} // namespace gh::writers
