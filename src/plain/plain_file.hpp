#pragma once

#include <cstdint>
#include <string>
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

/// Walks a plain file line by line and tells `visitor` what each line is:
///   visitor.name(line)                 line 1, unless it is a track line (no header then)
///   visitor.header(line)               a line after the name and before the first track
///   visitor.track(line, number)        a line with two separators, anywhere
///   visitor.stray(line, number)        a non-blank, non-track line after the first track
/// It never fails and never drops a track line; a line's trailing carriage return is not
/// part of the line. A visitor may also have `bool known_track(line)`, asked first: true
/// spares checking the line's shape (it must only say so of lines known to be tracks).
/// After a known track, a visitor may also take the lines that follow in one go with
/// `std::size_t known_run(rest, number)`: it returns how many bytes of `rest` it took
/// (whole lines with their newlines, all known tracks, none ending in a carriage return)
/// and has added their count to `number`. Returns the number of lines.
template <typename Visitor>
std::uint32_t scan_plain_file(std::string_view content, Visitor& visitor) {
    std::uint32_t number = 0;
    bool seen_track = false;
    while (!content.empty()) {
        const auto end = content.find('\n');
        std::string_view line = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view() : content.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        ++number;
        bool track = false;
        if constexpr (requires { visitor.known_track(line); }) {
            track = visitor.known_track(line);
        }
        if (track || is_track_line(line)) {
            seen_track = true;
            visitor.track(line, number);
            if constexpr (requires { visitor.known_run(content, number); }) {
                if (track) {
                    content.remove_prefix(visitor.known_run(content, number));
                }
            }
        } else if (number == 1) {
            visitor.name(line);
        } else if (!seen_track) {
            visitor.header(line);
        } else if (!line.empty()) {
            visitor.stray(line, number);
        }
    }
    return number;
}

/// Removes the blank lines that end a header: the separator before the tracks is not
/// part of the description.
void trim_blank_tail(std::vector<std::string_view>& lines);

/// The description's lines as one text, joined with newlines.
std::string join_description(const std::vector<std::string_view>& lines);

/// Parses a plain file into its parts (see scan_plain_file).
PlainFile parse_plain_file(std::string_view content);

} // namespace gh::plain
