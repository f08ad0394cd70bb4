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
              "playlist,name,position,title,artists,album\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",1,a,\"b, c\",d\r\n"
              "p1,\"Rock, \"\"Roll\"\"\",2,\"\"\"Q\"\"\",\"x\ry\",\"e\nf\"\r\n");
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
    EXPECT_EQ(json["tracks"][1],
              (nlohmann::json{{"title", "\"Q\""}, {"artists", "x\ry"}, {"album", "e\nf"}}));
}

TEST(SnapshotWriter, AFileWithoutTracks) {
    plain::PlainFile file;
    file.name = "Empty";
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::text), "Empty\n\n");
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::csv),
              "playlist,name,position,title,artists,album\r\n");
    EXPECT_EQ(render_snapshot("p1", "c", file, SnapshotFormat::json),
              "{\n  \"playlist\": \"p1\",\n  \"commit\": \"c\",\n  \"name\": \"Empty\",\n"
              "  \"description\": \"\",\n  \"tracks\": []\n}\n");
}

} // namespace
} // namespace gh::writers
