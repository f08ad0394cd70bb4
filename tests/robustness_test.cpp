// Arbitrary bytes through the parser, the validator, the key and the table builder: nothing
// may crash (the sanitizer build runs this too), and what is found must add up.

#include "plain/plain_file.hpp"
#include "plain/track_key.hpp"
#include "plain/validate.hpp"
#include "synth/generator.hpp"
#include "tables/cumulative.hpp"

#include <gtest/gtest.h>
#include <set>

namespace gh {
namespace {

/// Random bytes biased towards what matters here: separators, newlines, CR, NUL, bytes
/// that are not UTF-8, and multi-byte characters.
std::string random_file(synth::Random& random) {
    static const std::vector<std::string> pieces{
        " -- ",     "\n",       "\r\n", "\n\n", "-", " ", "\0", "\xff", "\xc3", "\xc3\xa9",
        "\xce\xa3", "\xc4\xb0", "A",    "b",    "|", "<", "=",  "\t",   "ΟΔΟΣ", "Beyoncé"};
    std::string text;
    const auto length = random.below(200);
    for (std::uint64_t i = 0; i < length; ++i) {
        if (random.chance(0.7)) {
            text += pieces[random.below(pieces.size())];
        } else {
            text += static_cast<char>(random.below(256));
        }
    }
    return text;
}

std::size_t count_track_lines(const std::string& content) {
    std::size_t count = 0;
    std::size_t start = 0;
    while (start < content.size()) {
        auto end = content.find('\n', start);
        end = end == std::string::npos ? content.size() : end;
        std::string_view line(content.data() + start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        count += plain::is_track_line(line);
        start = end + 1;
    }
    return count;
}

TEST(Robustness, ArbitraryBytesNeverCrashAndAddUp) {
    synth::Random random(2024);
    for (int round = 0; round < 3000; ++round) {
        const std::string content = random_file(random);
        const auto file = plain::parse_plain_file(content);
        ASSERT_EQ(file.tracks.size(), count_track_lines(content)) << round;
        for (const auto& finding : plain::validate_plain_file("x", content)) {
            ASSERT_FALSE(finding.rule.empty());
            ASSERT_LE(finding.line, file.line_count + 1);
        }
        const std::string lowered = plain::python_lower(content);
        ASSERT_EQ(plain::python_lower(lowered), lowered) << round; // lowering is idempotent
    }
}

TEST(Robustness, TableBuilderOnArbitraryVersionsKeepsItsInvariants) {
    synth::Random random(7);
    for (int round = 0; round < 200; ++round) {
        tables::TableBuilder builder("p", plain::KeyMode::line);
        std::vector<std::string> versions;
        std::set<std::string> ever;
        std::set<std::string> last;
        for (int v = 0; v < 12; ++v) {
            versions.push_back(random.chance(0.1) ? std::string() : random_file(random));
        }
        for (std::uint32_t v = 0; v < versions.size(); ++v) {
            const bool deleted = random.chance(0.1);
            builder.apply(v, static_cast<std::int32_t>(v),
                          deleted ? std::nullopt : std::optional<std::string_view>(versions[v]));
            last.clear();
            if (!deleted) {
                for (const auto& track : plain::parse_plain_file(versions[v]).tracks) {
                    last.insert(plain::python_lower(track.text));
                    ever.insert(plain::python_lower(track.text));
                }
            }
        }
        const auto table = builder.table(20);
        ASSERT_EQ(table.rows.size(), ever.size()) << round;
        for (const auto& row : table.rows) {
            ASSERT_EQ(!row.removed.has_value(), last.contains(std::string(row.key)))
                << round << " " << row.key;
            ASSERT_GE(row.stints, 1u);
            ASSERT_GE(row.days_present, 0);
            ASSERT_LE(row.added, row.last_seen);
        }
    }
}

} // namespace
} // namespace gh
