#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace gh::plain {

/// The separator between title, artists and album in a track line.
inline constexpr std::string_view k_field_separator = " -- ";

/// One track line of a plain file, as views into the file's bytes.
struct TrackLine {
    std::uint32_t line_number = 0; ///< 1-based
    std::string_view text;         ///< the whole line, without line ending
    std::string_view title;
    std::string_view artists; ///< never split: artist names may contain ", "
    std::string_view album;   ///< everything after the second separator
};

/// A parsed `playlists/plain/<id>` file. Views point into the parsed buffer.
struct PlainFile {
    std::string_view name;
    /// The lines between the name and the first track, without the blank separator.
    std::vector<std::string_view> description;
    std::vector<TrackLine> tracks;
    /// 1-based numbers of non-blank lines after the first track that are not tracks
    /// (for example the header lines that one bot run sorted into the body).
    std::vector<std::uint32_t> stray_lines;
    /// The first line is itself a track line: the file has no name or description.
    bool headerless = false;
    bool final_newline = false;
    std::uint32_t line_count = 0;
};

/// True when `line` contains the field separator at least twice (counted without
/// overlap, like Python's str.count), which is what makes it a track.
bool is_track_line(std::string_view line);

/// Splits a track line into title, artists and album at the first two separators.
TrackLine split_track_line(std::string_view line, std::uint32_t line_number);

/// Parses a plain file. Never fails: whatever is not a track is counted, not rejected.
/// A line's trailing carriage return is not part of the line.
PlainFile parse_plain_file(std::string_view content);

} // namespace gh::plain
