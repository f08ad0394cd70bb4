#include "plain/plain_file.hpp"

namespace gh::plain {

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

void trim_blank_tail(std::vector<std::string_view>& lines) {
    while (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
}

std::string join_description(const std::vector<std::string_view>& lines) {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        text += i == 0 ? "" : "\n";
        text += lines[i];
    }
    return text;
}

PlainFile parse_plain_file(std::string_view content) {
    struct Collector {
        PlainFile& file;
        void name(std::string_view line) { file.name = line; }
        void header(std::string_view line) { file.description.push_back(line); }
        void track(std::string_view line, std::uint32_t number) {
            file.headerless = file.headerless || number == 1;
            file.tracks.push_back(split_track_line(line, number));
        }
        void stray(std::string_view, std::uint32_t number) { file.stray_lines.push_back(number); }
    };
    PlainFile file;
    file.final_newline = !content.empty() && content.back() == '\n';
    Collector collector{file};
    file.line_count = scan_plain_file(content, collector);
    trim_blank_tail(file.description);
    return file;
}

} // namespace gh::plain
