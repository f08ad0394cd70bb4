#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gh::plain {

enum class Severity { warning, error };

/// One problem found in a playlist file. Rule ids are stable: hooks and scripts use them.
struct Finding {
    std::uint32_t line = 0; ///< 1-based; 0 for the file as a whole
    Severity severity = Severity::error;
    std::string rule;
    std::string message;
};

/// A rule the validator knows, for documentation and `--help`.
struct Rule {
    std::string_view id;
    Severity severity;
    std::string_view summary;
};

/// Every rule, in the order findings are reported within a line.
const std::vector<Rule>& validation_rules();

/// Checks one playlist file as the archive's bot writes it: header, blank separator,
/// track line shape, sort order, duplicates, whitespace, encoding, line endings, and the
/// file name. An empty file is valid (a newly registered playlist). At most a few
/// findings per rule are listed; the last one says how many more there were.
std::vector<Finding> validate_plain_file(std::string_view file_name, std::string_view content);

/// True when `name` is a playlist id: 22 characters of [0-9A-Za-z].
bool is_playlist_id(std::string_view name);

} // namespace gh::plain
