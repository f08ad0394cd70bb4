#pragma once

#include <string>
#include <string_view>

namespace gh::plain {

/// How track lines are turned into the key that identifies a row of a table.
enum class KeyMode {
    /// The whole line lowercased: the archive's own key (the default).
    line,
    /// Title and artists only, so that album variants of a track collapse into one row.
    title_artists,
};

/// Lowercases UTF-8 text exactly as Python's `str.lower()` does: the full Unicode
/// mapping with no locale, so `İ` becomes `i̇` and a final `Σ` becomes `ς`. This is
/// the archive's own key, which is why it is not a simpler ASCII or ICU-locale fold.
/// Bytes that are not valid UTF-8 are kept as they are.
std::string python_lower(std::string_view text);

/// The key of a track line under `mode`.
std::string track_key(std::string_view line, KeyMode mode);

} // namespace gh::plain
