#include "plain/plain_file.hpp"

#include <gtest/gtest.h>
#include <string>

namespace gh::plain {
namespace {

std::vector<std::string> track_texts(const PlainFile& file) {
    std::vector<std::string> texts;
    for (const auto& track : file.tracks) {
        texts.emplace_back(track.text);
    }
    return texts;
}

TEST(PlainFile, ParsesNameDescriptionAndTracks) {
    const std::string content = "Energy Boost\nLet this upbeat playlist power you through\n\n"
                                "2 Heads -- Coleman Hell -- Coleman Hell - EP\n"
                                "7/11 -- Beyoncé -- BEYONCÉ [Platinum Edition]";
    const PlainFile file = parse_plain_file(content);
    EXPECT_EQ(file.name, "Energy Boost");
    ASSERT_EQ(file.description.size(), 1u);
    EXPECT_EQ(file.description[0], "Let this upbeat playlist power you through");
    ASSERT_EQ(file.tracks.size(), 2u);
    EXPECT_EQ(file.tracks[0].title, "2 Heads");
    EXPECT_EQ(file.tracks[0].artists, "Coleman Hell");
    EXPECT_EQ(file.tracks[0].album, "Coleman Hell - EP");
    EXPECT_EQ(file.tracks[0].line_number, 4u);
    EXPECT_EQ(file.tracks[1].album, "BEYONCÉ [Platinum Edition]");
    EXPECT_FALSE(file.final_newline);
    EXPECT_FALSE(file.headerless);
    EXPECT_TRUE(file.stray_lines.empty());
}

TEST(PlainFile, EmptyFileIsAPlaylistWithNoTracks) {
    const PlainFile file = parse_plain_file("");
    EXPECT_EQ(file.name, "");
    EXPECT_TRUE(file.tracks.empty());
    EXPECT_EQ(file.line_count, 0u);
}

TEST(PlainFile, EmptyDescriptionIsTwoBlankLines) {
    const PlainFile file = parse_plain_file("Rocket League\n\n\n0202 -- Eminence -- Vol. 1\n");
    EXPECT_EQ(file.name, "Rocket League");
    EXPECT_TRUE(file.description.empty());
    ASSERT_EQ(file.tracks.size(), 1u);
    EXPECT_EQ(file.tracks[0].line_number, 4u);
    EXPECT_TRUE(file.final_newline);
}

TEST(PlainFile, MultiLineDescriptionWithBlankLineInside) {
    const PlainFile file = parse_plain_file("Name\nFirst line\n\nSecond paragraph\n\nA -- B -- C");
    ASSERT_EQ(file.description.size(), 3u);
    EXPECT_EQ(file.description[0], "First line");
    EXPECT_EQ(file.description[1], "");
    EXPECT_EQ(file.description[2], "Second paragraph");
    EXPECT_EQ(track_texts(file), std::vector<std::string>{"A -- B -- C"});
}

TEST(PlainFile, HeaderSortedIntoTheBodyLosesNoTrack) {
    // One real bot run sorted every line, header included: the name and description end
    // up between the tracks and line 1 is blank.
    const std::string content = "\n\n7 rings -- Ariana Grande -- thank u, next\n"
                                "All the hits you'll need to make your summer sizzle.\n"
                                "bad guy -- Billie Eilish -- WHEN WE ALL FALL ASLEEP\n"
                                "Summer Hits\n"
                                "Civil War -- Russ -- Civil War";
    const PlainFile file = parse_plain_file(content);
    EXPECT_EQ(file.name, "");
    EXPECT_EQ(file.tracks.size(), 3u);
    EXPECT_EQ(file.stray_lines, (std::vector<std::uint32_t>{4, 6}));
}

TEST(PlainFile, FileWithoutHeaderKeepsItsFirstTrack) {
    const PlainFile file = parse_plain_file("A -- B -- C\nD -- E -- F\n");
    EXPECT_TRUE(file.headerless);
    EXPECT_EQ(file.name, "");
    EXPECT_EQ(track_texts(file), (std::vector<std::string>{"A -- B -- C", "D -- E -- F"}));
}

TEST(PlainFile, PathOnlyAndSpacesOnlyFilesHaveNoTracks) {
    EXPECT_TRUE(parse_plain_file("playlists/plain/4hQEzUCJ0DCAgeDhWLUZhS\n").tracks.empty());
    const PlainFile spaces = parse_plain_file("  \n");
    EXPECT_EQ(spaces.name, "  ");
    EXPECT_TRUE(spaces.tracks.empty());
}

TEST(PlainFile, DuplicateLinesAreKeptBoth) {
    const PlainFile file = parse_plain_file("N\n\n\nA -- B -- C\nA -- B -- C\n");
    EXPECT_EQ(file.tracks.size(), 2u);
}

TEST(PlainFile, FieldsMayBeEmptyOrMissingMarkers) {
    const PlainFile file =
        parse_plain_file("N\n\n\nTitle --  -- \n<MISSING> -- <MISSING> -- <MISSING>");
    ASSERT_EQ(file.tracks.size(), 2u);
    EXPECT_EQ(file.tracks[0].title, "Title");
    EXPECT_EQ(file.tracks[0].artists, "");
    EXPECT_EQ(file.tracks[0].album, "");
    EXPECT_EQ(file.tracks[1].artists, "<MISSING>");
}

TEST(PlainFile, FieldThatBeginsWithSeparatorDashes) {
    // A real title: "-- ・ -・・ ・ ・-・・ ・-" (Morse code), and a field starting with "-- ".
    const PlainFile file =
        parse_plain_file("N\n\n\n-- ・ -・・ -- Morse -- -- Leading\nT -- -- A -- Alb");
    ASSERT_EQ(file.tracks.size(), 2u);
    EXPECT_EQ(file.tracks[0].title, "-- ・ -・・");
    EXPECT_EQ(file.tracks[0].artists, "Morse");
    EXPECT_EQ(file.tracks[0].album, "-- Leading");
    EXPECT_EQ(file.tracks[1].title, "T");
    EXPECT_EQ(file.tracks[1].artists, "-- A");
    EXPECT_EQ(file.tracks[1].album, "Alb");
}

TEST(PlainFile, MoreThanTwoSeparatorsGoToTheAlbum) {
    const TrackLine track = split_track_line("A -- B -- C -- D", 1);
    EXPECT_EQ(track.title, "A");
    EXPECT_EQ(track.artists, "B");
    EXPECT_EQ(track.album, "C -- D");
}

TEST(PlainFile, SeparatorsAreCountedWithoutOverlap) {
    // " -- -- " holds the separator twice only if the occurrences may overlap.
    EXPECT_FALSE(is_track_line("T -- -- A"));
    EXPECT_TRUE(is_track_line("T -- -- A -- B"));
    EXPECT_FALSE(is_track_line("Title - Artist - Album"));
    EXPECT_FALSE(is_track_line("One -- Two"));
}

TEST(PlainFile, PipesMarkupAndControlCharactersStayInTheTitle) {
    const PlainFile file = parse_plain_file("N\n\n\nPipe | Dream -- A|B -- C\n<script>x</script> "
                                            "-- =1+1 -- +Plus\nBell\x07 -- \x1b[31m -- Z");
    ASSERT_EQ(file.tracks.size(), 3u);
    EXPECT_EQ(file.tracks[0].title, "Pipe | Dream");
    EXPECT_EQ(file.tracks[1].title, "<script>x</script>");
    EXPECT_EQ(file.tracks[1].artists, "=1+1");
    EXPECT_EQ(file.tracks[2].title, "Bell\x07");
    EXPECT_EQ(file.tracks[2].artists, "\x1b[31m");
}

TEST(PlainFile, CarriageReturnsAreNotPartOfLines) {
    const PlainFile file = parse_plain_file("Name\r\nDesc\r\n\r\nA -- B -- C\r\n");
    EXPECT_EQ(file.name, "Name");
    ASSERT_EQ(file.tracks.size(), 1u);
    EXPECT_EQ(file.tracks[0].album, "C");
}

TEST(PlainFile, StrayLinesAfterTracksAreCounted) {
    const PlainFile file = parse_plain_file("N\nD\n\nA -- B -- C\nstray text\n\nE -- F -- G\n");
    EXPECT_EQ(file.tracks.size(), 2u);
    EXPECT_EQ(file.stray_lines, std::vector<std::uint32_t>{5});
}

TEST(PlainFile, NeverLosesATrackLineOnArbitraryInput) {
    // Every line with two separators is a track, wherever it stands and whatever surrounds it.
    std::string content;
    std::size_t expected = 0;
    std::uint64_t state = 12345;
    for (int i = 0; i < 2000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        switch ((state >> 33) % 6) {
        case 0:
            content += "T -- A -- B\n";
            ++expected;
            break;
        case 1:
            content += "\n";
            break;
        case 2:
            content += "-- -- --\n";
            break;
        case 3:
            content += std::string(1, static_cast<char>((state >> 40) & 0xff)) + " -- x -- y\r\n";
            ++expected;
            break;
        case 4:
            content += "just text\n";
            break;
        default:
            content += "\xff\xfe -- \x80 -- \xc3\n";
            ++expected;
            break;
        }
    }
    const PlainFile file = parse_plain_file(content);
    EXPECT_EQ(file.tracks.size(), expected);
}

} // namespace
} // namespace gh::plain
