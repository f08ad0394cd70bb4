#include "writers/table_writer.hpp"

#include "tables/track_links.hpp"
#include "writers/json_document.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <utility>

namespace gh::writers {

namespace {

constexpr std::array k_columns{
    "playlist", "name",         "title",     "artists",          "album",     "key",
    "added",    "added_commit", "last_seen", "last_seen_commit", "removed",   "removed_commit",
    "stints",   "days_present", "track_url", "artist_urls",      "album_url", "length_seconds"};

/// The columns from `added` to `days_present` are dates, commit ids and numbers, which
/// never need escaping; the others may.
constexpr bool needs_escaping(std::size_t column) {
    return column < 6 || column >= 14;
}

/// Room for the text of a row's numbers and of its artists' urls.
struct NumberText {
    std::array<char, 24> stints{};
    std::array<char, 24> days{};
    std::array<char, 24> length{};
    std::string artist_urls;
};

std::string_view number(std::array<char, 24>& buffer, std::int64_t value) {
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

/// The values of one row, in k_columns order, as views (no copies: there are many rows).
std::array<std::string_view, k_columns.size()> row_fields(const tables::PlaylistTable& table,
                                                          const tables::TrackRow& row,
                                                          const SnapshotLabels& labels,
                                                          NumberText& numbers) {
    // Views of the labels themselves: a conditional of string and "" would make a temporary.
    const std::string_view removed_date =
        row.removed ? std::string_view(labels.dates.at(*row.removed)) : std::string_view();
    const std::string_view removed_commit =
        row.removed ? std::string_view(labels.commits.at(*row.removed)) : std::string_view();
    return {table.id,
            table.name,
            row.title,
            row.artists,
            row.album,
            row.key,
            labels.dates.at(row.added),
            labels.commits.at(row.added),
            labels.dates.at(row.last_seen),
            labels.commits.at(row.last_seen),
            removed_date,
            removed_commit,
            number(numbers.stints, row.stints),
            number(numbers.days, row.days_present),
            row.track_url,
            artist_urls(row, numbers.artist_urls),
            row.album_url,
            row.length_ms ? number(numbers.length, *row.length_ms / 1000) : std::string_view()};
}

/// A byte table of the characters in `special`.
constexpr std::array<bool, 256> byte_set(std::string_view special) {
    std::array<bool, 256> set{};
    for (const char c : special) {
        set[static_cast<unsigned char>(c)] = true;
    }
    return set;
}

/// True when `text` holds one of the four bytes `special` (CSV and TSV each have four),
/// tested eight bytes at a time: most fields need no escaping, and there are millions.
bool contains_any(std::string_view text, const std::array<char, 4>& special) {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
    const auto has = [&](std::uint64_t word, char byte) {
        const std::uint64_t x = word ^ (k_ones * static_cast<unsigned char>(byte));
        return (x - k_ones) & ~x & k_highs; // non-zero exactly when a byte of x is zero
    };
    std::size_t at = 0;
    for (; at + 8 <= text.size(); at += 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + at, 8);
        if (has(word, special[0]) | has(word, special[1]) | has(word, special[2]) |
            has(word, special[3])) {
            return true;
        }
    }
    return std::any_of(text.begin() + static_cast<std::ptrdiff_t>(at), text.end(), [&](char c) {
        return std::find(special.begin(), special.end(), c) != special.end();
    });
}

constexpr std::array<char, 4> k_csv_special{',', '"', '\r', '\n'};
constexpr std::array<char, 4> k_tsv_special{'\\', '\t', '\r', '\n'};

void append_csv(std::string& out, std::string_view text) {
    if (!contains_any(text, k_csv_special)) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
}

void append_tsv(std::string& out, std::string_view text) {
    if (!contains_any(text, k_tsv_special)) {
        out += text;
        return;
    }
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
}

template <typename Append>
std::string render_delimited(const std::vector<const tables::PlaylistTable*>& tables,
                             const SnapshotLabels& labels, char delimiter, std::string_view eol,
                             Append append) {
    std::string out;
    const auto append_line = [&](const auto& values) {
        bool first = true;
        for (const std::string_view value : values) {
            if (!first) {
                out += delimiter;
            }
            first = false;
            append(out, value);
        }
        out += eol;
    };
    append_line(k_columns);
    NumberText numbers;
    for (const auto* table : tables) {
        out.reserve(out.size() + table->rows.size() * 300);
        for (const auto& row : table->rows) {
            const auto fields = row_fields(*table, row, labels, numbers);
            for (std::size_t i = 0; i < fields.size(); ++i) {
                if (i > 0) {
                    out += delimiter;
                }
                if (needs_escaping(i)) {
                    append(out, fields[i]);
                } else {
                    out += fields[i];
                }
            }
            out += eol;
        }
    }
    return out;
}

nlohmann::ordered_json table_json(const tables::PlaylistTable& table,
                                  const SnapshotLabels& labels) {
    nlohmann::ordered_json tracks = nlohmann::ordered_json::array();
    for (const auto& row : table.rows) {
        NumberText numbers;
        const auto fields = row_fields(table, row, labels, numbers);
        nlohmann::ordered_json track;
        // (the playlist's id and name are the object's own, not repeated per track)
        for (std::size_t i = 2; i < k_columns.size(); ++i) {
            track[k_columns[i]] = fields[i];
        }
        if (!row.removed) {
            track["removed"] = nullptr;
            track["removed_commit"] = nullptr;
        }
        track["stints"] = row.stints;
        track["days_present"] = row.days_present;
        const auto url = [&](std::string_view text) {
            return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
        };
        track["track_url"] = url(row.track_url);
        track["artist_urls"] = nlohmann::ordered_json();
        if (row.linked) {
            track["artist_urls"] = nlohmann::ordered_json::array();
            for (const auto& artist : tables::artist_links(row.artist_links)) {
                track["artist_urls"].push_back(url(artist.url));
            }
        }
        track["album_url"] = url(row.album_url);
        track["length_seconds"] = row.length_ms ? nlohmann::ordered_json(*row.length_ms / 1000)
                                                : nlohmann::ordered_json();
        tracks.push_back(std::move(track));
    }
    nlohmann::ordered_json object;
    object["playlist"] = table.id;
    object["name"] = table.name;
    object["description"] = table.description;
    object["deleted"] = table.deleted;
    object["versions"] = table.versions;
    if (!table.former_ids.empty()) {
        object["former_ids"] = table.former_ids;
    }
    object["tracks"] = std::move(tracks);
    return object;
}

std::string render_json(const std::vector<const tables::PlaylistTable*>& tables,
                        const SnapshotLabels& labels) {
    nlohmann::ordered_json document;
    if (tables.size() == 1) {
        document = table_json(*tables.front(), labels);
    } else {
        document = nlohmann::ordered_json::array();
        for (const auto* table : tables) {
            document.push_back(table_json(*table, labels));
        }
    }
    return json_document(document);
}

/// What markdown could interpret: these get a backslash.
constexpr std::array<bool, 256> k_markdown_special = byte_set("\\`*_{}[]<>()#+-.!|");

/// Bytes that are not copied as they are: the special ones and the control characters.
constexpr std::array<bool, 256> k_markdown_changed = [] {
    auto set = k_markdown_special;
    for (unsigned byte = 0; byte < 0x20; ++byte) {
        set[byte] = true;
    }
    set[0x7f] = true;
    return set;
}();

void append_markdown(std::string& out, std::string_view text) {
    std::size_t unchanged = 0; // the start of the bytes not appended yet
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (!k_markdown_changed[byte]) {
            continue;
        }
        out.append(text.data() + unchanged, i - unchanged);
        unchanged = i + 1;
        if (byte < 0x20 || byte == 0x7f) {
            // U+2400..U+241F are the control pictures; U+2421 is DEL's.
            const unsigned picture = byte == 0x7f ? 0x2421 : 0x2400 + byte;
            out += static_cast<char>(0xe0 | (picture >> 12));
            out += static_cast<char>(0x80 | ((picture >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (picture & 0x3f));
        } else {
            out += '\\';
            out += text[i];
        }
    }
    out.append(text.data() + unchanged, text.size() - unchanged);
}

/// `[text](url)` with the text escaped, or the text alone when there is no url (urls come
/// from pretty views, which hold no spaces or parentheses in them).
void append_markdown_link(std::string& out, std::string_view text, std::string_view url) {
    if (url.empty()) {
        append_markdown(out, text);
        return;
    }
    out += '[';
    append_markdown(out, text);
    out += "](";
    out += url;
    out += ')';
}

/// A path as a link target: bytes other than unreserved ones and '/' percent-encoded, so
/// that a hand-made file name ("The Other List") still makes one link.
std::string url_path(std::string_view path) {
    std::string url;
    for (const char c : path) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            url += c;
        } else {
            url += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return url;
}

void render_markdown_table(std::string& out, const tables::PlaylistTable& table,
                           const SnapshotLabels& labels, const MarkdownLinks& links) {
    const std::string id = url_path(table.id);
    if (!links.pretty_dir.empty()) {
        out += fmt::format("[pretty](/{}/{}.md) - ", url_path(links.pretty_dir), id);
    }
    out += fmt::format("cumulative - [plain](/{}/{})\n\n", url_path(links.plain_dir), id);
    out += fmt::format("### [{}](https://open.spotify.com/playlist/{})\n\n",
                       escape_markdown(table.name), id);
    if (!table.description.empty()) {
        std::string_view rest = table.description;
        while (true) {
            const auto end = rest.find('\n');
            out += fmt::format("> {}\n", escape_markdown(rest.substr(0, end)));
            if (end == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(end + 1);
        }
        out += '\n';
    }
    // Lengths (and links) are shown when a pretty view gave them for some row.
    const bool lengths = std::any_of(table.rows.begin(), table.rows.end(),
                                     [](const tables::TrackRow& row) { return row.linked; });
    out += lengths ? "| Title | Artist(s) | Album | Length | Added | Removed |\n"
                     "|---|---|---|---|---|---|\n"
                   : "| Title | Artist(s) | Album | Added | Removed |\n"
                     "|---|---|---|---|---|\n";
    out.reserve(out.size() + table.rows.size() * (lengths ? 300 : 120));
    for (const auto& row : table.rows) {
        out += "| ";
        append_markdown_link(out, row.title, row.track_url);
        out += " | ";
        if (row.linked) {
            bool first = true;
            tables::for_each_artist_link(row.artist_links, [&](const tables::ArtistLink& artist) {
                out += std::exchange(first, false) ? "" : ", ";
                append_markdown_link(out, artist.name, artist.url);
            });
        } else {
            append_markdown(out, row.artists);
        }
        out += " | ";
        append_markdown_link(out, row.album, row.album_url);
        out += " | ";
        if (lengths) {
            if (row.length_ms) {
                out += format_length(*row.length_ms);
            }
            out += " | ";
        }
        out += labels.dates.at(row.added);
        out += " | ";
        if (row.removed) {
            out += labels.dates.at(*row.removed);
        }
        out += " |\n";
    }
}

} // namespace

std::string format_length(std::uint32_t milliseconds) {
    const std::uint32_t seconds = milliseconds / 1000;
    return seconds >= 3600
               ? fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
               : fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

std::string_view artist_urls(const tables::TrackRow& row, std::string& urls) {
    urls.clear();
    bool first = true;
    tables::for_each_artist_link(row.artist_links, [&](const tables::ArtistLink& artist) {
        if (!std::exchange(first, false)) {
            urls += ' ';
        }
        urls += artist.url;
    });
    return urls;
}

std::optional<Format> parse_format(std::string_view name) {
    if (name == "md" || name == "markdown") {
        return Format::markdown;
    }
    if (name == "csv") {
        return Format::csv;
    }
    if (name == "tsv") {
        return Format::tsv;
    }
    if (name == "json") {
        return Format::json;
    }
    return std::nullopt;
}

std::string_view extension(Format format) {
    switch (format) {
    case Format::markdown:
        return "md";
    case Format::csv:
        return "csv";
    case Format::tsv:
        return "tsv";
    case Format::json:
        return "json";
    }
    return "txt";
}

std::string escape_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    append_markdown(out, text);
    return out;
}

std::string csv_field(std::string_view text) {
    std::string out;
    append_csv(out, text);
    return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        append_csv(out, fields[i]);
    }
    out += "\r\n";
    return out;
}

std::string tsv_field(std::string_view text) {
    std::string out;
    append_tsv(out, text);
    return out;
}

std::string render(const std::vector<const tables::PlaylistTable*>& tables,
                   const SnapshotLabels& labels, Format format, const MarkdownLinks& links) {
    switch (format) {
    case Format::csv:
        return render_delimited(tables, labels, ',', "\r\n", append_csv);
    case Format::tsv:
        return render_delimited(tables, labels, '\t', "\n", append_tsv);
    case Format::json:
        return render_json(tables, labels);
    case Format::markdown:
        break;
    }
    std::string out;
    for (const auto* table : tables) {
        if (!out.empty()) {
            out += '\n';
        }
        render_markdown_table(out, *table, labels, links);
    }
    return out;
}

} // namespace gh::writers
