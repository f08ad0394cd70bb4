// Fuzzes the plain playlist file parser, the track key and the validator: they take the
// bytes of any file a repository holds under playlists/plain.

#include "plain/plain_file.hpp"

#include "plain/track_key.hpp"
#include "plain/validate.hpp"
#include "support.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace {

using namespace gh::plain;

/// True when `part` is a view into `whole`, as every text the parser returns must be.
bool within(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

/// The lines scan_plain_file reports, as it reports them.
struct Event {
    char kind;
    std::uint32_t number;
    std::string_view line;
    bool operator==(const Event&) const = default;
};

/// Records every line the scanner reports; line numbers of names and header lines are
/// counted here, since the scanner does not pass them.
struct Recorder {
    std::vector<Event> events;
    std::uint32_t lines_before = 0;

    void name(std::string_view line) { events.push_back({'n', 0, line}); }
    void header(std::string_view line) { events.push_back({'h', 0, line}); }
    void track(std::string_view line, std::uint32_t number) {
        events.push_back({'t', number, line});
    }
    void stray(std::string_view line, std::uint32_t number) {
        events.push_back({'s', number, line});
    }
};

/// A recorder that knows which lines are tracks, as the table builder does for lines of
/// the previous version: it exercises scan_plain_file's known_track and known_run paths,
/// which must report exactly what the plain scan reports.
struct KnowingRecorder : Recorder {
    bool known_track(std::string_view line) const { return is_track_line(line); }
    std::size_t known_run(std::string_view rest, std::uint32_t& number) {
        std::size_t taken = 0;
        for (;;) {
            const auto end = rest.find('\n', taken);
            if (end == std::string_view::npos) {
                return taken;
            }
            const std::string_view line = rest.substr(taken, end - taken);
            if (!is_track_line(line) || (!line.empty() && line.back() == '\r')) {
                return taken;
            }
            track(line, ++number);
            taken = end + 1;
        }
    }
};

/// The number of lines as the format defines them: a final newline ends the last line.
std::uint32_t count_lines(std::string_view content) {
    const auto newlines =
        static_cast<std::uint32_t>(std::count(content.begin(), content.end(), '\n'));
    return newlines + (!content.empty() && content.back() != '\n' ? 1 : 0);
}

/// The key of ASCII text, which needs no Unicode tables to be sure of.
std::string ascii_lower(std::string_view text) {
    std::string lowered(text);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return lowered;
}

/// A track line as the parser split it, and its keys.
void check_track(const TrackLine& track, std::string_view content, std::uint32_t line_count) {
    GH_FUZZ_REQUIRE(within(track.text, content) && within(track.title, track.text) &&
                    within(track.artists, track.text) && within(track.album, track.text));
    GH_FUZZ_REQUIRE(is_track_line(track.text));
    GH_FUZZ_REQUIRE(track.text.find('\n') == std::string_view::npos);
    GH_FUZZ_REQUIRE(track.line_number >= 1 && track.line_number <= line_count);
    // Split at the first two separators: the text is the three fields joined again.
    GH_FUZZ_REQUIRE(track.title.find(k_field_separator) == std::string_view::npos);
    GH_FUZZ_REQUIRE(track.artists.find(k_field_separator) == std::string_view::npos);
    std::string joined(track.title);
    joined.append(k_field_separator).append(track.artists);
    const std::string title_artists = joined;
    joined.append(k_field_separator).append(track.album);
    GH_FUZZ_REQUIRE(joined == track.text);

    const std::string key = track_key(track.text, KeyMode::line);
    GH_FUZZ_REQUIRE(key == python_lower(track.text));
    GH_FUZZ_REQUIRE(track_key(track.text, KeyMode::title_artists) == python_lower(title_artists));
    if (std::all_of(track.text.begin(), track.text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        GH_FUZZ_REQUIRE(key == ascii_lower(track.text));
    }
}

/// The parsed file against what the format says of any file.
void check_parsed(const PlainFile& file, std::string_view content) {
    GH_FUZZ_REQUIRE(file.line_count == count_lines(content));
    GH_FUZZ_REQUIRE(file.final_newline == (!content.empty() && content.back() == '\n'));
    GH_FUZZ_REQUIRE(within(file.name, content) || file.name.empty());
    GH_FUZZ_REQUIRE(file.name.find('\n') == std::string_view::npos);
    for (const auto line : file.description) {
        GH_FUZZ_REQUIRE(within(line, content) && line.find('\n') == std::string_view::npos);
        GH_FUZZ_REQUIRE(!is_track_line(line));
    }
    GH_FUZZ_REQUIRE(file.description.empty() || !file.description.back().empty());
    GH_FUZZ_REQUIRE(!file.headerless || (file.name.empty() && file.description.empty() &&
                                         !file.tracks.empty() && file.tracks[0].line_number == 1));
    std::uint32_t previous = 0;
    for (const auto& track : file.tracks) {
        check_track(track, content, file.line_count);
        GH_FUZZ_REQUIRE(track.line_number > previous);
        previous = track.line_number;
    }
    GH_FUZZ_REQUIRE(std::is_sorted(file.stray_lines.begin(), file.stray_lines.end()) &&
                    std::adjacent_find(file.stray_lines.begin(), file.stray_lines.end()) ==
                        file.stray_lines.end());
    for (const auto number : file.stray_lines) {
        GH_FUZZ_REQUIRE(!file.tracks.empty() && number > file.tracks[0].line_number &&
                        number <= file.line_count);
        GH_FUZZ_REQUIRE(std::none_of(file.tracks.begin(), file.tracks.end(),
                                     [&](const TrackLine& t) { return t.line_number == number; }));
    }
}

/// Checks the scanner's reports against the parsed file, with and without known tracks.
void check_scans(const PlainFile& file, std::string_view content) {
    Recorder plain;
    GH_FUZZ_REQUIRE(scan_plain_file(content, plain) == file.line_count);
    KnowingRecorder knowing;
    GH_FUZZ_REQUIRE(scan_plain_file(content, knowing) == file.line_count);
    GH_FUZZ_REQUIRE(plain.events == knowing.events);
    std::size_t tracks = 0;
    std::size_t strays = 0;
    for (const auto& event : plain.events) {
        if (event.kind == 't') {
            GH_FUZZ_REQUIRE(tracks < file.tracks.size() && file.tracks[tracks].text == event.line &&
                            file.tracks[tracks].line_number == event.number);
            ++tracks;
        } else if (event.kind == 's') {
            GH_FUZZ_REQUIRE(strays < file.stray_lines.size() &&
                            file.stray_lines[strays] == event.number && !event.line.empty());
            ++strays;
        }
    }
    GH_FUZZ_REQUIRE(tracks == file.tracks.size() && strays == file.stray_lines.size());
}

/// Findings name known rules, real lines and at most three of a rule, in line order.
void check_findings(const std::vector<Finding>& findings, std::string_view content,
                    std::uint32_t line_count) {
    const auto& rules = validation_rules();
    std::map<std::string, int> per_rule;
    for (const auto& finding : findings) {
        const auto rule = std::find_if(rules.begin(), rules.end(),
                                       [&](const Rule& r) { return r.id == finding.rule; });
        GH_FUZZ_REQUIRE(rule != rules.end() && rule->severity == finding.severity);
        GH_FUZZ_REQUIRE(!finding.message.empty());
        GH_FUZZ_REQUIRE(finding.line <= line_count);
        GH_FUZZ_REQUIRE(++per_rule[finding.rule] <= 3);
    }
    GH_FUZZ_REQUIRE(
        std::is_sorted(findings.begin(), findings.end(),
                       [](const Finding& a, const Finding& b) { return a.line < b.line; }));
    const bool binary = content.find('\0') != std::string_view::npos;
    GH_FUZZ_REQUIRE(per_rule.contains("binary") == binary);
    GH_FUZZ_REQUIRE(!per_rule.contains("file-name"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view content = gh::fuzz::as_text(data, size);
    const PlainFile file = parse_plain_file(content);
    check_parsed(file, content);
    check_scans(file, content);
    check_findings(validate_plain_file("37i9dQZF1DXcBWIGoYBM5M", content), content,
                   file.line_count);
    return 0;
}
