#include "writers/archive_layout.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <utility>

namespace gh::writers {

namespace {

/// `[text](url)`, or the text alone when there is no url; nothing escaped.
void append_link(std::string& out, std::string_view text, std::string_view url) {
    if (url.empty()) {
        out += text;
        return;
    }
    out += '[';
    out += text;
    out += "](";
    out += url;
    out += ')';
}

} // namespace

std::string length_2021(std::uint32_t milliseconds) {
    const std::uint32_t seconds = milliseconds / 1000;
    std::string text =
        fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    text.erase(0, std::min(text.size(), text.find_first_not_of("0:")));
    return text;
}

std::string render_archive_2021(const tables::PlaylistTable& table, std::string_view name,
                                const tables::SnapshotLabels& labels, const ArchiveLinks& links) {
    std::string pretty_file;
    for (const char c : name) {
        pretty_file += c == ' ' ? std::string_view("%20") : std::string_view(&c, 1);
    }
    std::string out = fmt::format(
        "[pretty](/{}/{}.md) - cumulative - [plain](/{}/{}) "
        "([githistory](https://github.githistory.xyz/{}/blob/main/{}/{}))\n\n"
        "### [{}](https://open.spotify.com/playlist/{})\n\n> {}\n\n"
        "| Title | Artist(s) | Album | Length | Added | Removed |\n|---|---|---|---|---|---|",
        links.pretty_dir, pretty_file, links.plain_dir, table.id, links.github, links.plain_dir,
        table.id, name, table.id, table.description);
    out.reserve(out.size() + table.rows.size() * 300);
    for (const auto& row : table.rows) {
        out += "\n| ";
        append_link(out, row.title, row.track_url);
        out += " | ";
        if (row.linked) {
            bool first = true;
            tables::for_each_artist_link(row.artist_links, [&](const tables::ArtistLink& artist) {
                out += std::exchange(first, false) ? "" : ", ";
                append_link(out, artist.name, artist.url);
            });
        } else {
            out += row.artists;
        }
        out += " | ";
        append_link(out, row.album, row.album_url);
        out += " | ";
        out += row.length_ms ? length_2021(*row.length_ms) : std::string();
        out += " | ";
        out += labels.dates.at(row.added);
        out += " | ";
        if (row.removed) {
            out += labels.dates.at(*row.removed);
        }
        out += " |";
    }
    return out;
}

std::string escape_archive_markdown(std::string_view text) {
    std::string escaped(text);
    // One special after another: `\` first, so that the backslashes put in later are not
    // escaped again (but those of `. ` are escaped by none after it).
    for (const std::string_view special :
         {"\\", ". ", "#", "(", ")", "[", "]", "-", "*", "_", "`", "|", "~"}) {
        for (auto at = escaped.find(special); at != std::string::npos;
             at = escaped.find(special, at + special.size() + 1)) {
            escaped.insert(at, 1, '\\');
        }
    }
    return escaped;
}

std::string length_current(std::uint32_t milliseconds) {
    const std::uint32_t seconds = milliseconds / 1000;
    return seconds >= 3600
               ? fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
               : fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

namespace {

std::string thousands(std::uint64_t number) {
    std::string digits = std::to_string(number);
    for (auto at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

/// The description as one markdown line: stripped, its newlines as `<br/>`, escaped.
std::string description_line(std::string_view description) {
    constexpr std::string_view k_space = " \t\n\r\f\v";
    const auto first = description.find_first_not_of(k_space);
    description =
        first == std::string_view::npos
            ? std::string_view()
            : description.substr(first, description.find_last_not_of(k_space) - first + 1);
    std::string line;
    for (const char c : description) {
        line += c == '\n' ? std::string_view("<br/>") : std::string_view(&c, 1);
    }
    return escape_archive_markdown(line);
}

nlohmann::json url_or_null(const std::string& url) {
    return url.empty() ? nlohmann::json(nullptr) : nlohmann::json(url);
}

} // namespace

std::string archive_summary(std::size_t count, std::uint64_t total_ms) {
    const std::uint64_t seconds = total_ms / 1000;
    const std::uint64_t s = seconds % 60;
    const std::uint64_t m = seconds / 60 % 60;
    const std::uint64_t h = seconds / 3600 % 24;
    const std::uint64_t d = seconds / 86400;
    const std::string length = seconds < 60      ? fmt::format("{} sec", s)
                               : seconds < 3600  ? fmt::format("{} min {} sec", m, s)
                               : seconds < 86400 ? fmt::format("{} hr {} min", h, m)
                                                 : fmt::format("{} day {} hr {} min", d, h, m);
    return fmt::format("{} {} - {}", thousands(count), count < 2 ? "song" : "songs", length);
}

std::string render_archive_current_markdown(std::string_view id,
                                            const tables::CurrentEraTable& table,
                                            const ArchiveLinks& links) {
    const auto rows = table.sorted_rows();
    std::uint64_t total_ms = 0;
    for (const auto* row : rows) {
        total_ms += row->duration_ms.value_or(0);
    }
    std::string out = fmt::format(
        "[pretty](/{}/{}.md) - cumulative - [plain](/{}/{}) - "
        "[githistory](https://github.githistory.xyz/{}/blob/main/{}/{})\n\n"
        "### [{}](https://open.spotify.com/playlist/{})\n\n> {}\n\n{}\n\n"
        "| Title | Artist(s) | Album | Length | Added | Removed |\n|---|---|---|---|---|---|\n",
        links.pretty_dir, id, links.plain_dir, id, links.github, links.plain_dir, id,
        escape_archive_markdown(table.name), id, description_line(table.description),
        archive_summary(rows.size(), total_ms));
    for (const auto* row : rows) {
        out += "| ";
        append_link(out, escape_archive_markdown(row->title), row->url);
        out += " | ";
        for (std::size_t i = 0; i < row->artists.size(); ++i) {
            out += i > 0 ? ", " : "";
            append_link(out, escape_archive_markdown(row->artists[i].first),
                        row->artists[i].second);
        }
        out += " | ";
        append_link(out, escape_archive_markdown(row->album), row->album_url);
        out += " | ";
        out += row->duration_ms ? length_current(*row->duration_ms) : std::string();
        out += " | ";
        out += row->added;
        out += row->asterisk ? "\\*" : "";
        out += " | ";
        out += row->removed;
        out += " |\n";
    }
    return out + fmt::format("\n\\*This playlist was first scraped on {}. Prior content cannot "
                             "be recovered.\n",
                             table.first_scraped);
}

std::string render_archive_current_json(std::string_view id, const tables::CurrentEraTable& table) {
    nlohmann::json tracks = nlohmann::json::array();
    for (const auto* row : table.sorted_rows()) {
        nlohmann::json artists = nlohmann::json::array();
        for (const auto& [name, url] : row->artists) {
            artists.push_back({{"name", name}, {"url", url_or_null(url)}});
        }
        nlohmann::json track;
        track["album"] = {{"name", row->album}, {"url", url_or_null(row->album_url)}};
        track["artists"] = std::move(artists);
        track["date_added"] = row->added;
        track["date_added_asterisk"] = row->asterisk;
        track["date_removed"] =
            row->removed.empty() ? nlohmann::json(nullptr) : nlohmann::json(row->removed);
        track["duration_ms"] =
            row->duration_ms ? nlohmann::json(*row->duration_ms) : nlohmann::json(nullptr);
        track["name"] = row->title;
        track["url"] = url_or_null(row->url);
        tracks.push_back(std::move(track));
    }
    nlohmann::json document;
    document["date_first_scraped"] = table.first_scraped;
    document["description"] = table.description;
    document["name"] = table.name;
    document["tracks"] = std::move(tracks);
    document["url"] = fmt::format("https://open.spotify.com/playlist/{}", id);
    // As Python's json.dumps(indent=2, sort_keys=True) writes it: nlohmann's objects keep
    // their keys sorted, and ensure_ascii writes non-ASCII as \uXXXX.
    return document.dump(2, ' ', true, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace gh::writers
