#include "plain/validate.hpp"

#include <gtest/gtest.h>

namespace gh::plain {
namespace {

const std::string k_id = "37i9dQZF1DXcBWIGoYBM5M";

/// "rule@line" for every finding, in order.
std::vector<std::string> rules(std::string_view content, std::string_view name = k_id) {
    std::vector<std::string> out;
    for (const auto& finding : validate_plain_file(name, content)) {
        out.push_back(finding.rule + "@" + std::to_string(finding.line));
    }
    return out;
}

using Rules = std::vector<std::string>;

TEST(Validate, RealShapedFileIsClean) {
    EXPECT_EQ(rules("Energy Boost\nLet this upbeat playlist power you through your day\n\n"
                    "10 Victoria's Secret Models - Whethan Remix -- MAX, Whethan -- 10 Victoria's "
                    "Secret Models (Whethan Remix)\n"
                    "2 Heads -- Coleman Hell -- Coleman Hell - EP\n"
                    "7/11 -- Beyoncé -- BEYONCÉ [Platinum Edition]"),
              Rules{});
}

TEST(Validate, EmptyFileAndEmptyOrMultiLineDescriptionsAreValid) {
    EXPECT_EQ(rules(""), Rules{});
    EXPECT_EQ(rules("Rocket League\n\n\n0202 -- Eminence -- Vol. 1\n"), Rules{});
    EXPECT_EQ(rules("Name\nFirst line\n\nSecond paragraph\n\nA -- B -- C\n"), Rules{});
    EXPECT_EQ(rules("Name only\n"), Rules{});
}

TEST(Validate, AwkwardButRealCharactersAreValid) {
    // Pipes, markup, leading + = -, a field beginning with "-- ", empty fields.
    EXPECT_EQ(rules("N\nD\n\n"
                    "+Plus -- =Equals -- -Minus\n"
                    "-- ・ -・・ -- Morse -- -- Leading\n"
                    "<script>alert(1)</script> -- <b> -- x\n"
                    "Empty Fields --  -- \n"
                    "Pipe | Dream -- The | Band -- A|B\n"),
              Rules{});
}

TEST(Validate, SortOrderIsPythonLowercaseNotBytes) {
    // Byte order puts "Z" before "a" and "É" after "z"; the archive sorts lowercased text:
    // "a", "z", "é" (U+00E9 after 'z'), and "Σ" lowers to "σ", after Latin letters.
    EXPECT_EQ(rules("N\nD\n\nabc -- x -- y\nZed -- x -- y\nÉcole -- x -- y\nΣίσυφος -- x -- y\n"),
              Rules{});
    EXPECT_EQ(rules("N\nD\n\nZed -- x -- y\nabc -- x -- y\n"), Rules{"sort-order@5"});
    EXPECT_EQ(rules("N\nD\n\nÉcole -- x -- y\nzed -- x -- y\n"), Rules{"sort-order@5"});
}

TEST(Validate, LinesEqualButForCaseMayStandInAnyOrder) {
    EXPECT_EQ(rules("N\nD\n\nSONG -- A -- B\nsong -- a -- b\n"), Rules{});
    EXPECT_EQ(rules("N\nD\n\nsong -- a -- b\nSONG -- A -- B\n"), Rules{});
}

TEST(Validate, SortMessageNamesBothLines) {
    const auto findings = validate_plain_file(k_id, "N\nD\n\nb -- x -- y\na -- x -- y\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_EQ(findings[0].message, "'a -- x -- y' should come before line 4 'b -- x -- y': tracks "
                                   "are sorted by their lowercased text");
}

TEST(Validate, HeaderSortedIntoTheBodyIsFlagged) {
    const auto found = rules("\n\n7 rings -- Ariana Grande -- thank u, next\n"
                             "All the hits you'll need to make your summer sizzle.\n"
                             "bad guy -- Billie Eilish -- WHEN WE ALL FALL ASLEEP\nSummer Hits");
    EXPECT_EQ(found,
              (Rules{"missing-name@1", "header-separator@3", "track-shape@4", "track-shape@6"}));
}

TEST(Validate, MissingName) {
    EXPECT_EQ(rules("A -- B -- C\nD -- E -- F\n"), Rules{"missing-name@1"});
    EXPECT_EQ(rules("  \n"), (Rules{"missing-name@1", "trailing-whitespace@1"}));
    EXPECT_EQ(rules("playlists/plain/4hQEzUCJ0DCAgeDhWLUZhS\n"), Rules{"missing-name@1"});
}

TEST(Validate, MissingBlankLineAfterTheHeader) {
    EXPECT_EQ(rules("Name\nDescription\nA -- B -- C\n"), Rules{"header-separator@3"});
    EXPECT_EQ(rules("Name\n\nA -- B -- C\n"), Rules{"header-separator@3"});
}

TEST(Validate, TrackShape) {
    EXPECT_EQ(rules("N\nD\n\nOnly -- one separator\n"), Rules{"track-shape@4"});
    EXPECT_EQ(rules("N\nD\n\nA -- B -- C\nTitle - Artist - Album\n"), Rules{"track-shape@5"});
    EXPECT_EQ(rules("N\nD\n\nA -- B -- C\n\nD -- E -- F\n"), Rules{"track-shape@5"});
    EXPECT_EQ(rules("N\nD\n\nA -- B -- C\nstray\nD -- E -- F\n"), Rules{"track-shape@5"});
}

TEST(Validate, MoreThanTwoSeparatorsIsAWarning) {
    const auto findings = validate_plain_file(k_id, "N\nD\n\nA -- B -- C -- D\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, "ambiguous-separator");
    EXPECT_EQ(findings[0].severity, Severity::warning);
}

TEST(Validate, DuplicateLinesWarnWithTheFirstLine) {
    const auto findings = validate_plain_file(k_id, "N\nD\n\nA -- B -- C\nA -- B -- C\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].rule, "duplicate");
    EXPECT_EQ(findings[0].severity, Severity::warning);
    EXPECT_EQ(findings[0].message, "duplicate of line 4");
}

TEST(Validate, TrailingWhitespaceButNotAnEmptyAlbum) {
    EXPECT_EQ(rules("N\nD \n\nA -- B -- C\t\nE --  -- \n"),
              (Rules{"trailing-whitespace@2", "trailing-whitespace@4"}));
}

TEST(Validate, EncodingRules) {
    EXPECT_EQ(rules("N\nD\n\nA\xff -- B -- C\n"), Rules{"utf8@4"});
    EXPECT_EQ(rules("\xef\xbb\xbfN\nD\n\nA -- B -- C\n"), Rules{"bom@1"});
    EXPECT_EQ(rules("N\r\nD\r\n\r\nA -- B -- C\r\n"),
              (Rules{"crlf@1", "crlf@2", "crlf@3"})); // three listed, the fourth summed
    const auto binary = validate_plain_file(k_id, std::string("N\0D", 3));
    ASSERT_EQ(binary.size(), 1u);
    EXPECT_EQ(binary[0].rule, "binary");
    EXPECT_EQ(binary[0].line, 0u);
}

TEST(Validate, ManyFindingsOfOneRuleAreSummed) {
    std::string content = "N\r\nD\r\n\r\n";
    for (char c = 'a'; c <= 'j'; ++c) {
        content += std::string(1, c) + " -- x -- y\r\n";
    }
    const auto findings = validate_plain_file(k_id, content);
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[2].message,
              "line ends with CR LF: expected LF line endings (and 10 more like this)");
}

TEST(Validate, FileNameMustBeAPlaylistId) {
    EXPECT_EQ(rules("", "The Other List"), Rules{"file-name@0"});
    EXPECT_EQ(rules("", "37i9dQZF1DXcBWIGoYBM5"), Rules{"file-name@0"});
    EXPECT_EQ(rules("", "37i9dQZF1DXcBWIGoYBM5M.txt"), Rules{"file-name@0"});
    EXPECT_TRUE(is_playlist_id("0Vjhah37el0Aq5yoRaujBz"));
    EXPECT_FALSE(is_playlist_id("0Vjhah37el0Aq5yoRaujB-"));
}

TEST(Validate, ControlCharactersAreEscapedInMessages) {
    const auto findings = validate_plain_file(k_id, "N\nD\n\nBell\x07 -- x\n");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_NE(findings[0].message.find("'Bell\\x07 -- x'"), std::string::npos)
        << findings[0].message;
}

} // namespace
} // namespace gh::plain
