#include "pretty/pretty_view.hpp"

#include "plain/plain_file.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace gh::pretty {

namespace {

constexpr std::string_view k_cell_separator = " | ";
constexpr std::string_view k_artist_separator = ", ";
/// The line under the table's header: `|---|---|...` (`|-----|-------|...` in 2019).
constexpr std::string_view k_table_rule = "\n|-";

/// The characters the current era's generator puts a backslash before.
constexpr std::string_view k_escaped = "\\.#()[]-*_`|~";

bool is_id_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/// The bytes a url may not hold: spaces, control bytes and ')' (which would end a link).
constexpr std::array<bool, 256> k_not_in_url = [] {
    std::array<bool, 256> set{};
    for (unsigned byte = 0; byte <= ' '; ++byte) {
        set[byte] = true;
    }
    set[')'] = true;
    set[0x7f] = true;
    return set;
}();

/// A url the outputs may link to: none, or an https one that cannot end a link early (a
/// view that gives a `javascript:` url, say, is not believed).
bool is_plain_url(std::string_view url) {
    return url.empty() ||
           (url.starts_with("https://") && std::none_of(url.begin(), url.end(), [](char c) {
                return k_not_in_url[static_cast<unsigned char>(c)];
            }));
}

/// What ends a link's text and starts its url, by the kind of thing linked.
constexpr std::string_view k_track_link = "](https://open.spotify.com/track/";
constexpr std::string_view k_artist_link = "](https://open.spotify.com/artist/";
constexpr std::string_view k_album_link = "](https://open.spotify.com/album/";

/// Reads one cell's name and link from the start of `rest`: `[name](<prefix>...)` when the
/// link is there, else the bare name up to the first of `ends`. Advances `rest` past it.
/// The link's prefix (`marker`) names the kind (track, artist, album), so that brackets in a
/// name written as it is (2019-2021) cannot end the link's text early.
bool take_linked(std::string_view& rest, std::string_view marker,
                 std::initializer_list<std::string_view> ends, std::string_view& name,
                 std::string_view& url) {
    if (rest.starts_with('[')) {
        if (const auto close = rest.find(marker); close != std::string_view::npos) {
            const auto url_end = rest.find(')', close + 2);
            if (url_end != std::string_view::npos) {
                name = rest.substr(1, close - 1);
                url = rest.substr(close + 2, url_end - close - 2);
                rest.remove_prefix(url_end + 1);
                return is_plain_url(url);
            }
        }
    }
    std::size_t end = rest.size();
    for (const auto separator : ends) {
        end = std::min(end, rest.find(separator));
    }
    name = rest.substr(0, end);
    url = {};
    rest.remove_prefix(end);
    return true;
}

bool take(std::string_view& rest, std::string_view expected) {
    if (!rest.starts_with(expected)) {
        return false;
    }
    rest.remove_prefix(expected.size());
    return true;
}

} // namespace

std::optional<std::uint32_t> parse_length(std::string_view cell) {
    std::uint32_t seconds = 0;
    int parts = 0;
    while (true) {
        std::uint32_t part = 0;
        const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), part);
        if (error != std::errc() || end == cell.data() || ++parts > 3 ||
            (parts > 1 && (end - cell.data() != 2 || part > 59)) || seconds > 1'000'000) {
            return std::nullopt;
        }
        seconds = seconds * 60 + part;
        cell.remove_prefix(static_cast<std::size_t>(end - cell.data()));
        if (cell.empty()) {
            return seconds;
        }
        if (!take(cell, ":")) {
            return std::nullopt;
        }
    }
}

std::optional<std::string_view> linked_playlist(std::string_view markdown) {
    const std::string_view line = markdown.substr(0, markdown.find('\n'));
    constexpr std::string_view k_link = "playlists/plain/";
    const auto at = line.find(k_link);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view rest = line.substr(at + k_link.size());
    const auto end = std::find_if_not(rest.begin(), rest.end(), is_id_char);
    if (end == rest.begin() || end == rest.end() || *end != ')') {
        return std::nullopt;
    }
    return rest.substr(0, static_cast<std::size_t>(end - rest.begin()));
}

void View::plain_line(const Track& track, std::string& line) const {
    line.assign(track.name);
    line += plain::k_field_separator;
    bool first = true;
    for (const Artist& artist : artists(track)) {
        if (!std::exchange(first, false)) {
            line += k_artist_separator;
        }
        line += artist.name;
    }
    line += plain::k_field_separator;
    line += track.album;
}

std::string_view View::unescape(std::string_view text, bool escaped) {
    if (!escaped || text.find('\\') == std::string_view::npos) {
        return text;
    }
    if (m_storage_used == m_storage.size()) {
        m_storage.emplace_back();
    }
    std::string& out = m_storage[m_storage_used++];
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() &&
            k_escaped.find(text[i + 1]) != std::string_view::npos) {
            ++i;
        }
        out += text[i];
    }
    return out;
}

bool View::parse_row(std::string_view row, bool escaped) {
    // | 1 | [Title](track url) | [A](artist url), [B](artist url) | [Album](album url) | 3:42 |
    if (!take(row, "| ") || !row.ends_with(" |")) {
        return false;
    }
    row.remove_suffix(2);
    const auto number_end = row.find(k_cell_separator);
    const auto length_at = row.rfind(k_cell_separator);
    if (number_end == std::string_view::npos || length_at <= number_end) {
        return false;
    }
    const auto length = parse_length(row.substr(length_at + k_cell_separator.size()));
    std::string_view rest = row.substr(number_end + k_cell_separator.size(),
                                       length_at - number_end - k_cell_separator.size());
    Track track;
    // (A length past 49 days would not fit in milliseconds: none rather than a wrong one.)
    if (length && *length <= UINT32_MAX / 1000) {
        track.duration_ms = *length * 1000;
    }
    track.first_artist = static_cast<std::uint32_t>(m_artists.size());
    const auto drop_artists = [&] {
        m_artists.resize(track.first_artist);
        return false;
    };
    if (!take_linked(rest, k_track_link, {k_cell_separator}, track.name, track.url) ||
        !take(rest, k_cell_separator)) {
        return false;
    }
    do {
        Artist artist;
        if (!take_linked(rest, k_artist_link, {k_artist_separator, k_cell_separator}, artist.name,
                         artist.url)) {
            return drop_artists();
        }
        artist.name = unescape(artist.name, escaped);
        m_artists.push_back(artist);
    } while (take(rest, k_artist_separator));
    if (!take(rest, k_cell_separator) ||
        !take_linked(rest, k_album_link, {}, track.album, track.album_url) || !rest.empty()) {
        return drop_artists();
    }
    track.artist_count = static_cast<std::uint32_t>(m_artists.size()) - track.first_artist;
    track.name = unescape(track.name, escaped);
    track.album = unescape(track.album, escaped);
    m_tracks.push_back(track);
    return true;
}

void View::clear() {
    m_tracks.clear();
    m_artists.clear();
    m_unreadable = 0;
    m_storage_used = 0;
    m_json = nullptr;
}

namespace {

/// Whether a 2019-2021 row's title cell (`| n | [title](` or `| n | title | `) starts with
/// one of `titles`. A row's title is its plain line up to the first " -- ", so the name of
/// the track that is that line starts with it (the name may hold " -- " itself). A row
/// that is not shaped so is kept, for parse_row to judge.
bool may_have_title(std::string_view row, std::span<const std::string_view> titles) {
    const auto cell = row.find(k_cell_separator);
    if (cell == std::string_view::npos) {
        return true;
    }
    std::string_view rest = row.substr(cell + k_cell_separator.size());
    take(rest, "[");
    return std::any_of(titles.begin(), titles.end(),
                       [&](std::string_view title) { return rest.starts_with(title); });
}

} // namespace

void View::parse(std::string_view bytes, Form form, std::span<const std::string_view> titles) {
    clear();
    if (form == Form::json) {
        parse_json(bytes);
        return;
    }
    // The rows follow the table's rule line and end at the first line that is not a row.
    const auto rule = bytes.find(k_table_rule);
    if (rule == std::string_view::npos) {
        return;
    }
    std::string_view rest = bytes.substr(rule + 1);
    rest.remove_prefix(std::min(rest.size(), rest.find('\n')));
    while (take(rest, "\n") && rest.starts_with("| ")) {
        std::string_view row = rest.substr(0, rest.find('\n'));
        rest.remove_prefix(row.size());
        if (row.ends_with('\r')) {
            row.remove_suffix(1);
        }
        if (!titles.empty() && form == Form::markdown && !may_have_title(row, titles)) {
            continue;
        }
        if (!parse_row(row, form == Form::escaped_markdown)) {
            ++m_unreadable;
        }
    }
}

std::string_view View::playlist_field(const char* name) const {
    if (!m_json.is_object()) {
        return {};
    }
    const auto found = m_json.find(name);
    return found != m_json.end() && found->is_string()
               ? std::string_view(found->get_ref<const std::string&>())
               : std::string_view();
}

void View::parse_json(std::string_view bytes) {
    m_json = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!m_json.is_object() || !m_json.contains("tracks") || !m_json["tracks"].is_array()) {
        m_json = nullptr;
        return;
    }
    const auto text = [](const nlohmann::json& object, const char* field, std::string_view& out) {
        const auto found = object.find(field);
        if (found == object.end() || found->is_null()) {
            out = {};
            return true;
        }
        if (!found->is_string()) {
            return false;
        }
        out = found->get_ref<const std::string&>();
        return true;
    };
    for (const auto& entry : m_json["tracks"]) {
        Track track;
        track.first_artist = static_cast<std::uint32_t>(m_artists.size());
        const auto artists = entry.is_object() ? entry.find("artists") : entry.end();
        const auto album = entry.is_object() ? entry.find("album") : entry.end();
        bool readable = entry.is_object() && artists != entry.end() && artists->is_array() &&
                        album != entry.end() && album->is_object() &&
                        text(entry, "name", track.name) && text(entry, "url", track.url) &&
                        text(entry, "added_at", track.added_at) &&
                        text(*album, "name", track.album) && text(*album, "url", track.album_url) &&
                        is_plain_url(track.url) && is_plain_url(track.album_url);
        // (The artists' names are views into the document: iterate it, not a copy.)
        for (std::size_t i = 0; readable && i < artists->size(); ++i) {
            const nlohmann::json& each = (*artists)[i];
            Artist artist;
            readable = each.is_object() && text(each, "name", artist.name) &&
                       text(each, "url", artist.url) && is_plain_url(artist.url);
            m_artists.push_back(artist);
        }
        if (const auto duration = readable ? entry.find("duration_ms") : entry.end();
            readable && duration != entry.end() && duration->is_number_unsigned() &&
            duration->get<std::uint64_t>() <= UINT32_MAX) {
            track.duration_ms = duration->get<std::uint32_t>();
        }
        if (!readable) {
            m_artists.resize(track.first_artist);
            ++m_unreadable;
            continue;
        }
        track.artist_count = static_cast<std::uint32_t>(m_artists.size()) - track.first_artist;
        m_tracks.push_back(track);
    }
}

} // namespace gh::pretty
