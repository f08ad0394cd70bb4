#include "writers/snapshot_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gh::writers {
namespace {

/// A file whose texts need quoting in CSV, escaping in JSON and on a terminal. (A track
/// read from a file holds no newline; one is given here to see that CSV quotes it.)
struct Fixture {
    plain::PlainFile file;
    const std::string commit = std::string(40, 'f');

    Fixture() {
        file.name = "Rock, \"Roll\"";
        file.description = {"Line one", "Line\x1b two"};
        file.tracks.push_back({5, "a -- b, c -- d", "a", "b, c", "d"});
        file.tracks.push_back({6, "\"Q\" -- x\ry -- e\nf", "\"Q\"", "x\ry", "e\nf"});
    }
};

TEST(SnapshotWriter, TextIsTheFileWithControlsEscaped) {
    const Fixture f;
    EXPECT_EQ(render_snapshot("p1", f.commit, f.file, SnapshotFormat::text),
              "Rock, \"Roll\"\nLine one\nLine\\x1b two\n\n"
              "a -- b, c -- d\n\"Q\" -- x\\x0dy -- e\\x0af\n");
}

TEST(SnapshotWriter, CsvQuotesCommasQuotesAndLineBreaks) {
    const Fixture f;
    EXPECT_EQ(render_snapshot("p1", f.commit, f.file, SnapshotFormat::csv),
              "playlist,name,position,title,artists,album,track_url,artist_urls,album_url,"
              "length_seconds\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",1,a,\"b, c\",d,,,,\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",2,\"\"\"Q\"\"\",\"x\ry\",\"e\nf\",,,,\r\n");
}

TEST(SnapshotWriter, JsonEscapesTextsAndJoinsTheDescription) {
    const Fixture f;
    const std::string text = render_snapshot("p1", f.commit, f.file, SnapshotFormat::json);
    EXPECT_NE(text.find(R"("description": "Line one\nLine\u001b two")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("title": "\"Q\"")"), std::string::npos) << text;
    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["playlist"], "p1");
    EXPECT_EQ(json["commit"], f.commit);
    EXPECT_EQ(json["name"], "Rock, \"Roll\"");
    ASSERT_EQ(json["tracks"].size(), 2u);
    EXPECT_EQ(json["tracks"][1], (nlohmann::json{{"title", "\"Q\""},
                                                 {"artists", "x\ry"},
                                                 {"album", "e\nf"},
                                                 {"track_url", nullptr},
                                                 {"artist_urls", nullptr},
                                                 {"album_url", nullptr},
                                                 {"length_seconds", nullptr}}));
}

TEST(SnapshotWriter, AFileWithoutTracks) {
    plain::PlainFile file;
    file.name = "Empty";
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::text), "Empty\n\n");
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::csv),
              "playlist,name,position,title,artists,album,track_url,artist_urls,album_url,"
              "length_seconds\r\n");
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::json),
              "{\n  \"playlist\": \"p1\",\n  \"commit\": \"c\",\n  \"name\": \"Empty\",\n"
              "  \"description\": \"\",\n  \"tracks\": []\n}\n");
}

// With the pretty view's tracks: listed in its order, each with its links and length, and
// its own fields (a title holding " -- " is split where the view splits it).
TEST(SnapshotWriter, LinkedTracksInThePrettyViewsOrder) {
    const Fixture f;
    const std::vector<LinkedTrack> linked = {{1,
                                              "\"Q\"",
                                              "x\ry",
                                              "e\nf",
                                              "https://open.spotify.com/track/q",
                                              "",
                                              {{"x\ry", ""}},
                                              45'000},
                                             {0,
                                              "a -- b",
                                              "c",
                                              "d",
                                              "https://open.spotify.com/track/a",
                                              "https://open.spotify.com/album/d",
                                              {{"c", "https://open.spotify.com/artist/c"}},
                                              std::nullopt}};
    EXPECT_EQ(render_snapshot("p1", f.commit, f.file, SnapshotFormat::text, &linked),
              "Rock, \"Roll\"\nLine one\nLine\\x1b two\n\n"
              "\"Q\" -- x\\x0dy -- e\\x0af  0:45  https://open.spotify.com/track/q\n"
              "a -- b, c -- d    https://open.spotify.com/track/a\n");
    EXPECT_EQ(render_snapshot("p1", f.commit, f.file, SnapshotFormat::csv, &linked),
              "playlist,name,position,title,artists,album,track_url,artist_urls,album_url,"
              "length_seconds\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",1,\"\"\"Q\"\"\",\"x\ry\",\"e\nf\","
              "https://open.spotify.com/track/q,,,45\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",2,a -- b,c,d,https://open.spotify.com/track/a,"
              "https://open.spotify.com/artist/c,https://open.spotify.com/album/d,\r\n");
    const auto json = nlohmann::json::parse(
        render_snapshot("p1", f.commit, f.file, SnapshotFormat::json, &linked));
    EXPECT_EQ(json["tracks"][1]["title"], "a -- b");
    EXPECT_EQ(json["tracks"][1]["artist_urls"],
              nlohmann::json::array({"https://open.spotify.com/artist/c"}));
    EXPECT_EQ(json["tracks"][0]["artist_urls"], nlohmann::json::array({nullptr}));
    EXPECT_EQ(json["tracks"][0]["length_seconds"], 45);
    EXPECT_EQ(json["tracks"][1]["length_seconds"], nullptr);
}

} // namespace
} // namespace gh::writers
