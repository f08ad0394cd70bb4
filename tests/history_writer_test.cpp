#include "util/calendar.hpp"
#include "writers/history_writer.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gh::writers {
namespace {

HistoryTrack track(std::string title, std::string artists, std::string album) {
    std::string line = title + " -- " + artists + " -- " + album;
    return {std::move(title), std::move(artists), std::move(album), std::move(line)};
}

struct Fixture {
    SnapshotLabels labels{
        {"2021-03-01", "2021-03-02", "2021-03-03"},
        {std::string(40, 'a'), "0123456789" + std::string(30, 'b'), std::string(40, 'c')}};
    PlaylistHistory history;

    Fixture() {
        history.id = "37i9dQZF1DXcBWIGoYBM5M";
        history.name = "Hits \"Now\"";
        history.versions = 3;
        HistoryVersion created;
        created.snapshot = 0;
        created.day = parse_day("2021-03-01").value();
        created.first = true;
        created.size = 1;
        created.current_name = "Hits";
        created.added = {track("Bell\aTitle", "A, B", "C")};
        HistoryVersion changed;
        changed.snapshot = 1;
        changed.day = parse_day("2021-03-02").value();
        changed.size = 1;
        changed.current_name = "Hits \"Now\"";
        changed.added = {track("New", "x", "y")};
        changed.removed = {track("Bell\aTitle", "A, B", "C")};
        changed.respelled = {{track("find my way", "p", "q"), track("Find My Way", "p", "q")}};
        changed.name = {{"Hits", "Hits \"Now\""}};
        // Newest first, as history shows them by default.
        history.shown = {changed, created};
    }
};

TEST(HistoryWriter, TextShowsEachVersionNewestFirst) {
    const Fixture f;
    EXPECT_EQ(render_history(f.history, f.labels, HistoryFormat::text, false),
              "playlist 37i9dQZF1DXcBWIGoYBM5M 'Hits \"Now\"': 3 versions, 2 shown\n\n"
              "2021-03-02 012345678  1 tracks, +1 -1\n"
              "  ~ name: 'Hits' -> 'Hits \"Now\"'\n"
              "  + New -- x -- y\n"
              "  - Bell\\x07Title -- A, B -- C\n"
              "  ~ find my way -- p -- q -> Find My Way -- p -- q\n"
              "\n"
              "2021-03-01 aaaaaaaaa  created as 'Hits', 1 tracks\n"
              "  + Bell\\x07Title -- A, B -- C\n"
              "\n");
}

TEST(HistoryWriter, ColoursAreOnlyWhatWasAsked) {
    const Fixture f;
    const std::string text = render_history(f.history, f.labels, HistoryFormat::text, true);
    EXPECT_NE(text.find("\033[33m2021-03-02 012345678\033[0m  1 tracks, +1 -1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\033[32m  + New -- x -- y\033[0m\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\033[31m  - Bell\\x07Title -- A, B -- C\033[0m\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\033[36m  ~ name: 'Hits' -> 'Hits \"Now\"'\033[0m\n"), std::string::npos)
        << text;
    EXPECT_EQ(text.find('\a'), std::string::npos);
    EXPECT_EQ(render_history(f.history, f.labels, HistoryFormat::text, false).find('\033'),
              std::string::npos);
}

TEST(HistoryWriter, AVersionWithoutTrackChangesSaysSo) {
    Fixture f;
    HistoryVersion same;
    same.snapshot = 2;
    same.day = parse_day("2021-03-03").value();
    same.size = 1;
    f.history.versions = 1;
    f.history.shown = {same};
    EXPECT_EQ(render_history(f.history, f.labels, HistoryFormat::text, false),
              "playlist 37i9dQZF1DXcBWIGoYBM5M 'Hits \"Now\"': 1 version\n\n"
              "2021-03-03 ccccccccc  1 tracks\n"
              "  (the file changed, its tracks did not)\n\n");
    f.history.shown.front().deleted = true;
    EXPECT_EQ(render_history(f.history, f.labels, HistoryFormat::text, false),
              "playlist 37i9dQZF1DXcBWIGoYBM5M 'Hits \"Now\"': 1 version\n\n"
              "2021-03-03 ccccccccc  playlist deleted\n\n");
}

TEST(HistoryWriter, JsonEscapesTextsAndGivesNullForWhatDidNotChange) {
    const Fixture f;
    const std::string text = render_history(f.history, f.labels, HistoryFormat::json, false);
    EXPECT_NE(text.find(R"("title": "Bell\u0007Title")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("name": "Hits \"Now\"")"), std::string::npos) << text;
    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["playlist"], "37i9dQZF1DXcBWIGoYBM5M");
    EXPECT_EQ(json["versions"], 3);
    ASSERT_EQ(json["changes"].size(), 2u);
    const auto& changed = json["changes"][0];
    EXPECT_EQ(changed["date"], "2021-03-02");
    EXPECT_EQ(changed["commit"], "0123456789" + std::string(30, 'b')); // the full id
    EXPECT_EQ(changed["tracks"], 1);
    EXPECT_EQ(changed["deleted"], false);
    EXPECT_EQ(changed["added"][0],
              (nlohmann::json{{"title", "New"}, {"artists", "x"}, {"album", "y"}}));
    EXPECT_EQ(changed["removed"][0]["artists"], "A, B");
    EXPECT_EQ(changed["respelled"][0]["from"]["title"], "find my way");
    EXPECT_EQ(changed["respelled"][0]["to"]["title"], "Find My Way");
    EXPECT_EQ(changed["name"]["to"], "Hits \"Now\"");
    EXPECT_TRUE(changed["description"].is_null());
    EXPECT_TRUE(json["changes"][1]["name"].is_null());
    EXPECT_TRUE(json["changes"][1]["respelled"].is_array());
    EXPECT_TRUE(json["changes"][1]["respelled"].empty());
}

TEST(HistoryWriter, NoVersionShown) {
    Fixture f;
    f.history.shown.clear();
    EXPECT_EQ(render_history(f.history, f.labels, HistoryFormat::text, false),
              "playlist 37i9dQZF1DXcBWIGoYBM5M 'Hits \"Now\"': 3 versions, 0 shown\n\n");
    const auto json =
        nlohmann::json::parse(render_history(f.history, f.labels, HistoryFormat::json, false));
    EXPECT_TRUE(json["changes"].is_array());
    EXPECT_TRUE(json["changes"].empty());
}

} // namespace
} // namespace gh::writers
