#include "plain/validate.hpp"

#include "plain/plain_file.hpp"
#include "plain/track_key.hpp"
#include "util/terminal.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <unordered_map>

namespace gh::plain {

namespace {

/// How many findings of one rule a file lists before summing up the rest.
constexpr std::size_t k_findings_per_rule = 3;

/// Shows a line in a message: quoted, shortened, control characters escaped.
std::string excerpt(std::string_view line) {
    return fmt::format("'{}{}'", escape_control(line.substr(0, 60)), line.size() > 60 ? "..." : "");
}

std::size_t count_separators(std::string_view line) {
    std::size_t count = 0;
    for (auto at = line.find(k_field_separator); at != std::string_view::npos;
         at = line.find(k_field_separator, at + k_field_separator.size())) {
        ++count;
    }
    return count;
}

/// Collects findings, keeping the first few of each rule and counting the rest.
class Findings {
  public:
    void add(std::uint32_t line, std::string_view rule, std::string message) {
        const Rule& known = lookup(rule);
        auto& count = m_counts[std::string(rule)];
        if (++count <= k_findings_per_rule) {
            m_list.push_back({line, known.severity, std::string(rule), std::move(message)});
        }
    }

    std::vector<Finding> finish() && {
        for (const auto& [rule, count] : m_counts) {
            if (count <= k_findings_per_rule) {
                continue;
            }
            auto last = std::find_if(m_list.rbegin(), m_list.rend(),
                                     [&](const Finding& f) { return f.rule == rule; });
            last->message += fmt::format(" (and {} more like this)", count - k_findings_per_rule);
        }
        std::stable_sort(m_list.begin(), m_list.end(), [](const Finding& a, const Finding& b) {
            return std::pair(a.line, &lookup(a.rule)) < std::pair(b.line, &lookup(b.rule));
        });
        return std::move(m_list);
    }

  private:
    static const Rule& lookup(std::string_view id) {
        const auto& rules = validation_rules();
        return *std::find_if(rules.begin(), rules.end(), [&](const Rule& r) { return r.id == id; });
    }

    std::vector<Finding> m_list;
    std::map<std::string, std::size_t> m_counts;
};

struct Line {
    std::uint32_t number;
    std::string_view text;
};

/// Splits into lines; a final newline ends the last line. Reports CR line endings and
/// removes them so that the other rules see the lines' text.
std::vector<Line> split_lines(std::string_view content, Findings& findings) {
    std::vector<Line> lines;
    std::uint32_t number = 0;
    while (!content.empty()) {
        const auto end = content.find('\n');
        std::string_view text = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view() : content.substr(end + 1);
        ++number;
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
            findings.add(number, "crlf", "line ends with CR LF: expected LF line endings");
        }
        lines.push_back({number, text});
    }
    return lines;
}

void check_lines(const std::vector<Line>& lines, Findings& findings) {
    for (const Line& line : lines) {
        if (!is_valid_utf8(line.text)) {
            findings.add(line.number, "utf8", "line is not valid UTF-8");
        }
        const bool trailing =
            !line.text.empty() && (line.text.back() == ' ' || line.text.back() == '\t');
        // " -- " at the end is an empty album, not trailing whitespace.
        if (trailing && !line.text.ends_with(k_field_separator)) {
            findings.add(line.number, "trailing-whitespace", "trailing whitespace");
        }
    }
}

/// The header: a name on line 1, then the description, then a blank line.
std::size_t check_header(const std::vector<Line>& lines, Findings& findings) {
    const auto first_track = std::find_if(lines.begin() + 1, lines.end(),
                                          [](const Line& l) { return is_track_line(l.text); });
    const auto& name = lines.front().text;
    if (is_track_line(name)) {
        findings.add(1, "missing-name",
                     "expected the playlist's name on line 1, found a track line");
    } else if (name.find_first_not_of(" \t") == std::string_view::npos) {
        findings.add(1, "missing-name",
                     "expected the playlist's name on line 1, found a blank line");
    } else if (name.starts_with("playlists/")) {
        findings.add(1, "missing-name",
                     "expected the playlist's name on line 1, found a file path");
    }
    if (is_track_line(name)) {
        return 0;
    }
    // The tracks begin after the last blank line before the first track (descriptions may
    // hold blank lines); without tracks, after the last blank line of the file.
    const auto first_index = static_cast<std::size_t>(first_track - lines.begin());
    const auto blank = std::find_if(std::make_reverse_iterator(first_track),
                                    std::make_reverse_iterator(lines.begin() + 1),
                                    [](const Line& l) { return l.text.empty(); });
    const bool found = blank != std::make_reverse_iterator(lines.begin() + 1);
    const auto body = found ? static_cast<std::size_t>(blank.base() - lines.begin()) : first_index;
    if (first_track != lines.end() && body < 3) {
        findings.add(first_track->number, "header-separator",
                     "expected the name, a description line and a blank line before the first "
                     "track");
    }
    return body;
}

void check_tracks(const std::vector<Line>& lines, std::size_t first, Findings& findings) {
    std::unordered_map<std::string_view, std::uint32_t> seen;
    const Line* previous = nullptr;
    std::string previous_key;
    for (std::size_t i = first; i < lines.size(); ++i) {
        const Line& line = lines[i];
        const std::size_t separators = count_separators(line.text);
        if (line.text.empty()) {
            findings.add(line.number, "track-shape", "blank line among the tracks");
            continue;
        }
        if (separators < 2) {
            findings.add(line.number, "track-shape",
                         fmt::format("expected 'Title -- Artist(s) -- Album' with two ' -- ', "
                                     "found {}: {}",
                                     separators, excerpt(line.text)));
            continue;
        }
        if (separators > 2) {
            findings.add(line.number, "ambiguous-separator",
                         fmt::format("{} ' -- ' separators: title, artists and album are "
                                     "ambiguous",
                                     separators));
        }
        if (const auto [at, inserted] = seen.emplace(line.text, line.number); !inserted) {
            findings.add(line.number, "duplicate", fmt::format("duplicate of line {}", at->second));
        }
        std::string key = python_lower(line.text);
        if (previous && key < previous_key) {
            findings.add(line.number, "sort-order",
                         fmt::format("{} should come before line {} {}: tracks are sorted by "
                                     "their lowercased text",
                                     excerpt(line.text), previous->number,
                                     excerpt(previous->text)));
        }
        previous = &line;
        previous_key = std::move(key);
    }
}

} // namespace

const std::vector<Rule>& validation_rules() {
    static const std::vector<Rule> rules{
        {"not-a-file", Severity::error,
         "a directory, symlink or submodule where a playlist file is expected"},
        {"unmerged", Severity::error, "the index holds an unresolved merge conflict"},
        {"binary", Severity::error, "NUL bytes: a binary file"},
        {"bom", Severity::error, "a byte-order mark at the start"},
        {"utf8", Severity::error, "a line that is not valid UTF-8"},
        {"crlf", Severity::error, "CR LF line endings"},
        {"missing-name", Severity::error, "line 1 is not the playlist's name"},
        {"header-separator", Severity::error,
         "no description line and blank line before the tracks"},
        {"track-shape", Severity::error, "a body line that is not 'Title -- Artist(s) -- Album'"},
        {"sort-order", Severity::error, "tracks not sorted by their lowercased text"},
        {"ambiguous-separator", Severity::warning, "more than two ' -- ' in a track line"},
        {"duplicate", Severity::warning, "the same track line twice"},
        {"trailing-whitespace", Severity::warning, "whitespace at the end of a line"},
        {"file-name", Severity::warning, "a file name that is not a 22-character playlist id"},
    };
    return rules;
}

bool is_playlist_id(std::string_view name) {
    return name.size() == 22 && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
           });
}

std::vector<Finding> validate_plain_file(std::string_view file_name, std::string_view content) {
    Findings findings;
    if (!is_playlist_id(file_name)) {
        findings.add(0, "file-name",
                     fmt::format("file name {} is not a playlist id (22 letters and digits)",
                                 excerpt(file_name)));
    }
    if (content.find('\0') != std::string_view::npos) {
        findings.add(0, "binary", "the file holds NUL bytes: expected a text file");
        return std::move(findings).finish();
    }
    if (content.starts_with("\xef\xbb\xbf")) {
        findings.add(1, "bom", "the file starts with a byte-order mark: expected plain UTF-8");
        content.remove_prefix(3);
    }
    if (content.empty()) {
        return std::move(findings).finish(); // a newly registered playlist: valid
    }
    const std::vector<Line> lines = split_lines(content, findings);
    check_lines(lines, findings);
    check_tracks(lines, check_header(lines, findings), findings);
    return std::move(findings).finish();
}

} // namespace gh::plain
