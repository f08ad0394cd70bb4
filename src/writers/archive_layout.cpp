#include "writers/archive_layout.hpp"

#include <algorithm>
#include <fmt/format.h>
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

} // namespace gh::writers
