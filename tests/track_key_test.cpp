#include "plain/track_key.hpp"
#include "support/repo.hpp"

#include <gtest/gtest.h>
#include <sstream>

namespace gh::plain {
namespace {

std::string unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            const char next = text[++i];
            out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The expected keys were produced by Python's str.lower() (scripts/make-track-key-cases).
TEST(TrackKey, MatchesPythonLowerOnEveryCommittedCase) {
    std::istringstream cases(test::read_file(test::source_dir() / "fixtures/track_key/cases.tsv"));
    std::string line;
    int checked = 0;
    while (std::getline(cases, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto tab = line.find('\t');
        ASSERT_NE(tab, std::string::npos) << line;
        const std::string input = unescape(line.substr(0, tab));
        const std::string expected = unescape(line.substr(tab + 1));
        EXPECT_EQ(track_key(input, KeyMode::line), expected) << "input: " << input;
        ++checked;
    }
    EXPECT_GE(checked, 20);
}

TEST(TrackKey, FinalSigmaAndDottedCapitalI) {
    EXPECT_EQ(python_lower("ΟΔΟΣ"), "οδος");
    EXPECT_EQ(python_lower("ΣΑΣ ΣΑΣ"), "σας σας");
    EXPECT_EQ(python_lower("İ"), "i\xcc\x87");
    EXPECT_EQ(python_lower("Beyoncé"), "beyoncé");
}

TEST(TrackKey, AsciiFastPathLowersOnlyLetters) {
    EXPECT_EQ(python_lower("ABC xyz [@] 09 -- Z"), "abc xyz [@] 09 -- z");
}

TEST(TrackKey, IllFormedUtf8IsKeptNotMerged) {
    // Two different invalid byte strings must not collapse into one key.
    EXPECT_EQ(python_lower("A\xff"
                           "B"),
              "a\xff"
              "b");
    EXPECT_NE(python_lower("\xfe"), python_lower("\xff"));
    EXPECT_EQ(python_lower("É\xc3"), "é\xc3");
}

TEST(TrackKey, TitleArtistsModeIgnoresTheAlbum) {
    EXPECT_EQ(track_key("Song -- Artist -- Album (Deluxe)", KeyMode::title_artists),
              track_key("SONG -- ARTIST -- Album", KeyMode::title_artists));
    EXPECT_NE(track_key("Song -- Artist -- Album (Deluxe)", KeyMode::line),
              track_key("Song -- Artist -- Album", KeyMode::line));
}

} // namespace
} // namespace gh::plain
