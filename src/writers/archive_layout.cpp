#include "writers/archive_layout.hpp"

#include "plain/track_key.hpp"
#include "writers/table_writer.hpp"

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

namespace {

/// `text` with each `[name](https://open.spotify.com/...)` written as its name.
std::string strip_links(std::string_view text) {
    constexpr std::string_view k_target = "](https://open.spotify.com/";
    std::string plain;
    while (true) {
        const auto target = text.find(k_target);
        // The link's own '[': a name may hold brackets ("BEYONCÉ [Platinum Edition]").
        auto open = std::string_view::npos;
        for (std::size_t at = target, depth = 0; target != std::string_view::npos && at-- > 0;) {
            if (text[at] == ']') {
                ++depth;
            } else if (text[at] == '[' && depth-- == 0) {
                open = at;
                break;
            }
        }
        if (open == std::string_view::npos && target != std::string_view::npos) {
            open = text.rfind('[', target); // unbalanced: the nearest
        }
        const auto close = target == std::string_view::npos ? target : text.find(')', target);
        if (open == std::string_view::npos || close == std::string_view::npos) {
            plain += text;
            return plain;
        }
        plain += text.substr(0, open);
        plain += text.substr(open + 1, target - open - 1);
        text.remove_prefix(close + 1);
    }
}

} // namespace

std::map<std::string, ExistingRow> parse_archive_2021_rows(std::string_view markdown) {
    std::map<std::string, ExistingRow> rows;
    std::size_t at = 0;
    while (at < markdown.size()) {
        const auto end = std::min(markdown.find('\n', at), markdown.size());
        const std::string_view line = markdown.substr(at, end - at);
        at = end + 1;
        if (!line.starts_with("| ") || !line.ends_with(" |") || line.starts_with("| Title |")) {
            continue;
        }
        // From the end: Removed, Added, Length; then Title, Artist(s), Album, whose names
        // may hold " | " themselves (nothing is escaped): the title's cell ends after its
        // track link and the album's begins at its album link, when they have them.
        const std::string_view body = line.substr(2, line.size() - 4);
        const auto removed = body.rfind(" | ");
        const auto added =
            removed == std::string_view::npos ? removed : body.rfind(" | ", removed - 1);
        const auto length = added == std::string_view::npos || added == 0
                                ? std::string_view::npos
                                : body.rfind(" | ", added - 1);
        if (length == std::string_view::npos) {
            continue;
        }
        const std::string_view date = body.substr(added + 3, removed - added - 3);
        const std::string_view names = body.substr(0, length);
        auto title_end = names.find(" | ");
        if (names.starts_with('[')) {
            if (const auto link = names.find("](https://open.spotify.com/track/");
                link != std::string_view::npos) {
                title_end = names.find(" | ", names.find(')', link));
            }
        }
        auto album_start = names.rfind(" | ");
        if (const auto link = names.rfind("](https://open.spotify.com/album/");
            link != std::string_view::npos && names.rfind(" | [", link) != std::string_view::npos) {
            album_start = names.rfind(" | [", link);
        }
        if (date.size() != 10 || title_end == std::string_view::npos ||
            album_start == std::string_view::npos || album_start < title_end) {
            continue;
        }
        const std::string artists =
            album_start == title_end
                ? std::string()
                : strip_links(names.substr(title_end + 3, album_start - title_end - 3));
        const std::string plain = strip_links(names.substr(0, title_end)) + " -- " + artists +
                                  " -- " + strip_links(names.substr(album_start + 3));
        rows.emplace(plain::python_lower(plain), ExistingRow{std::string(date), std::string(line)});
    }
    return rows;
}

std::string render_archive_2021(const tables::PlaylistTable& table, std::string_view name,
                                const tables::SnapshotLabels& labels, const ArchiveLinks& links,
                                KeptRows* keep) {
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
    // Rows kept from the existing file go where their keys put them.
    auto kept = keep && keep->existing ? keep->existing->begin()
                                       : std::map<std::string, ExistingRow>::const_iterator();
    const auto kept_end = keep && keep->existing ? keep->existing->end() : kept;
    const auto keep_before = [&](std::string_view key) {
        for (; kept != kept_end && kept->first < key; ++kept) {
            out += '\n';
            out += kept->second.line;
            ++keep->kept;
        }
    };
    for (const auto& row : table.rows) {
        keep_before(row.key);
        std::string_view added = labels.dates.at(row.added);
        if (kept != kept_end && kept->first == row.key) {
            added = std::min(added, std::string_view(kept->second.added));
            ++kept;
        }
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
        out += added;
        out += " | ";
        if (row.removed) {
            out += labels.dates.at(*row.removed);
        }
        out += " |";
    }
    for (; kept != kept_end; ++kept) { // after the last row's key
        out += '\n';
        out += kept->second.line;
        ++keep->kept;
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
    return format_length(milliseconds); // the archive's and gh-analyze's own are one format
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
