#include "plain/plain_file.hpp"

namespace gh::plain {

namespace {

/// Calls `visit(line, line_number)` for each line; a final newline ends the last line
/// rather than starting an empty one.
template <typename Visit>
void for_each_line(std::string_view content, Visit&& visit) {
    std::uint32_t number = 0;
    while (!content.empty()) {
        const auto end = content.find('\n');
        std::string_view line = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view() : content.substr(end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        visit(line, ++number);
    }
}

} // namespace

bool is_track_line(std::string_view line) {
    const auto first = line.find(k_field_separator);
    return first != std::string_view::npos &&
           line.find(k_field_separator, first + k_field_separator.size()) != std::string_view::npos;
}

TrackLine split_track_line(std::string_view line, std::uint32_t line_number) {
    TrackLine track{line_number, line, line, {}, {}};
    const auto first = line.find(k_field_separator);
    if (first == std::string_view::npos) {
        return track;
    }
    track.title = line.substr(0, first);
    const auto rest = line.substr(first + k_field_separator.size());
    const auto second = rest.find(k_field_separator);
    track.artists = rest.substr(0, second);
    if (second != std::string_view::npos) {
        track.album = rest.substr(second + k_field_separator.size());
    }
    return track;
}

PlainFile parse_plain_file(std::string_view content) {
    PlainFile file;
    file.final_newline = !content.empty() && content.back() == '\n';
    std::vector<std::string_view> header_tail;
    for_each_line(content, [&](std::string_view line, std::uint32_t number) {
        file.line_count = number;
        const bool track = is_track_line(line);
        if (number == 1 && !track) {
            file.name = line;
        } else if (track) {
            file.headerless = file.headerless || number == 1;
            file.tracks.push_back(split_track_line(line, number));
        } else if (file.tracks.empty()) {
            header_tail.push_back(line);
        } else if (!line.empty()) {
            file.stray_lines.push_back(number);
        }
    });
    // The header ends with a blank separator line, which is not part of the description.
    while (!header_tail.empty() && header_tail.back().empty()) {
        header_tail.pop_back();
    }
    file.description = std::move(header_tail);
    return file;
}

} // namespace gh::plain
