#include "writers/json_document.hpp"

#include <gtest/gtest.h>

namespace gh::writers {
namespace {

TEST(JsonDocument, IndentedByTwoAndEndedByANewline) {
    const nlohmann::ordered_json document{{"b", 1}, {"a", nlohmann::ordered_json::array()}};
    EXPECT_EQ(json_document(document), "{\n  \"b\": 1,\n  \"a\": []\n}\n");
}

TEST(JsonDocument, EscapesQuotesAndControlsAndReplacesBytesThatAreNotUtf8) {
    EXPECT_EQ(json_document("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"\n");
    EXPECT_EQ(json_document("Beyonc\xe9 \xff"), "\"Beyonc\xef\xbf\xbd \xef\xbf\xbd\"\n");
    EXPECT_EQ(json_document("Beyoncé"), "\"Beyoncé\"\n");
}

TEST(JsonDocument, TrackFieldsInOrder) {
    EXPECT_EQ(track_json("t", "a, b", "al").dump(),
              R"({"title":"t","artists":"a, b","album":"al"})");
}

} // namespace
} // namespace gh::writers
