#include "tables/cumulative.hpp"

#include "plain/plain_file.hpp"
#include "pretty/pretty_view.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace gh::tables {

namespace {

/// How far ahead in the previous version a line looks for its match: a few removed lines
/// in a row are stepped over; anything else is found by lookup.
constexpr std::size_t k_lookahead = 4;

} // namespace

/// Receives one version's lines from plain::scan_plain_file.
struct TableBuilder::Seen {
    TableBuilder& builder;
    std::vector<std::string_view> header_lines{};
    bool has_name = false;
    std::string_view name_line{};

    /// Whether the last line known to be a track matched the previous version's line.
    bool matched_previous = false;

    /// A line is known to be a track when it matches the previous version's next lines or
    /// was seen as a track before (then its shape need not be checked again).
    bool known_track(std::string_view line) {
        matched_previous = builder.match_previous(line);
        if (matched_previous) {
            return true;
        }
        builder.m_line_hash = hash_text(line);
        builder.m_known_stored = builder.find_stored(line, builder.m_line_hash);
        return builder.m_known_stored.has_value();
    }
    std::size_t known_run(std::string_view rest, std::uint32_t& number) {
        return matched_previous ? builder.match_run(rest, number) : 0;
    }
    void name(std::string_view line) {
        has_name = true;
        name_line = line;
    }
    void header(std::string_view line) { header_lines.push_back(line); }
    void track(std::string_view line, std::uint32_t) {
        if (const auto matched = std::exchange(builder.m_matched, std::nullopt)) {
            builder.see_known(builder.m_previous[*matched], line);
            return;
        }
        ++builder.m_change.track_lines;
        const auto stored = std::exchange(builder.m_known_stored, std::nullopt);
        builder.see_stored(stored ? *stored : builder.add_stored(line, builder.m_line_hash), line);
    }
    void stray(std::string_view, std::uint32_t number) {
        auto& table = builder.m_state.table;
        ++table.stray_lines;
        if (!table.first_stray) {
            table.first_stray = {builder.m_snapshot, number};
        }
    }
};

bool shows_line(const TrackRow& row, std::string_view line) {
    constexpr std::string_view separator = plain::k_field_separator;
    const std::size_t artists_at = row.title.size() + separator.size();
    const std::size_t album_at = artists_at + row.artists.size() + separator.size();
    return line.size() == album_at + row.album.size() && line.starts_with(row.title) &&
           line.substr(row.title.size()).starts_with(separator) &&
           line.substr(artists_at).starts_with(row.artists) &&
           line.substr(artists_at + row.artists.size()).starts_with(separator) &&
           line.substr(album_at) == row.album;
}

namespace {

/// The first eight bytes of `key` as a big-endian number (zeros past its end): keys whose
/// prefixes differ are in the order of their prefixes.
std::uint64_t key_prefix(std::string_view key) {
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        prefix = (prefix << 8) | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
    }
    return prefix;
}

/// What m_display holds for a restored row: shown from a line that is not stored.
const char k_restored_line = 0;

} // namespace

TableBuilder::TableBuilder(std::string id, plain::KeyMode key_mode) : m_key_mode(key_mode) {
    m_state.table.id = std::move(id);
}

TableBuilder TableBuilder::restore(State state, plain::KeyMode key_mode) {
    TableBuilder builder(state.table.id, key_mode);
    // New texts go to an arena of its own (the state's may be shared with a copy still in
    // use elsewhere), which keeps the state's texts alive.
    auto texts = std::make_shared<TextArena>();
    texts->keep(std::move(state.table.texts));
    state.table.texts = std::move(texts);
    builder.m_state = std::move(state);
    // Every row was shown from some line before: a different line with its key, seen
    // first, makes the row one of several lines, as in the builder that saved it.
    builder.m_display.assign(builder.m_state.rows.size(), &k_restored_line);
    builder.m_seen_in.assign(builder.m_state.rows.size(), 0);
    // Keys are found by bisection in the rows said to be in key order: make sure they
    // are, and that no key is there twice (a state that says otherwise is not restored).
    auto& table_rows = builder.m_state.table.rows;
    auto& sorted = builder.m_state.sorted_rows;
    sorted = std::min<std::uint32_t>(sorted, static_cast<std::uint32_t>(table_rows.size()));
    for (std::uint32_t row = 1; row < sorted; ++row) {
        if (!(table_rows[row - 1].key < table_rows[row].key)) {
            throw std::invalid_argument(
                fmt::format("the saved rows of {} are not in key order", builder.id()));
        }
    }
    for (std::uint32_t row = sorted; row < table_rows.size(); ++row) {
        builder.m_keys.insert(hash_text(table_rows[row].key), row);
    }
    if (builder.m_state.ledger.keys() != table_rows.size() ||
        builder.m_state.rows.size() != table_rows.size()) {
        throw std::invalid_argument(
            fmt::format("the saved ledger of {} has not one key per row", builder.id()));
    }
    const auto& lines = builder.m_state.latest_lines;
    const auto& rows = builder.m_state.latest_rows;
    const bool any_present = builder.m_state.ledger.present_count() > 0;
    if (lines.size() != rows.size() || (lines.empty() && any_present) ||
        std::any_of(rows.begin(), rows.end(),
                    [&](std::uint32_t row) { return row >= builder.m_state.rows.size(); })) {
        builder.m_previous_known = false; // compare nothing; every present row may be gone
        return builder;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        builder.m_previous.push_back({lines[i], rows[i], 0, lines[i]});
    }
    return builder;
}

void TableBuilder::detach() {
    m_previous_bytes = {};
    m_state.latest_lines.assign(m_previous.size(), {});
    m_state.latest_rows.assign(m_previous.size(), 0);
    for (std::size_t i = 0; i < m_previous.size(); ++i) {
        m_previous[i].text = m_previous[i].kept;
        m_state.latest_lines[i] = m_previous[i].kept;
        m_state.latest_rows[i] = m_previous[i].row;
    }
}

bool TableBuilder::match_previous(std::string_view line) {
    const std::size_t end = std::min(m_previous.size(), m_cursor + 1 + k_lookahead);
    for (std::size_t at = m_cursor; at < end; ++at) {
        if (m_previous[at].text == line) {
            for (std::size_t skipped = m_cursor; skipped < at; ++skipped) {
                m_unmatched.push_back(m_previous[skipped].row);
            }
            m_cursor = at + 1;
            m_matched = at;
            return true;
        }
    }
    return false;
}

namespace {

/// How many bytes `a` and `b` have in common from the start (at most `size`).
std::size_t common_prefix(const char* a, const char* b, std::size_t size) {
    constexpr std::size_t k_block = 64;
    std::size_t same = 0;
    while (same + k_block <= size && std::memcmp(a + same, b + same, k_block) == 0) {
        same += k_block;
    }
    while (same < size && a[same] == b[same]) {
        ++same;
    }
    return same;
}

} // namespace

std::size_t TableBuilder::match_run(std::string_view rest, std::uint32_t& number) {
    // The line just matched was m_previous[m_cursor - 1]. The lines after it that follow
    // it directly in the previous version's bytes are matched in one go for as long as
    // this version has the same bytes: no line is looked for, compared or keyed alone.
    if (m_previous_bytes.empty() || m_cursor == 0 || m_cursor >= m_previous.size() ||
        m_previous[m_cursor - 1].run_end <= m_cursor) {
        return 0;
    }
    const KnownLine& last = m_previous[m_previous[m_cursor - 1].run_end - 1];
    const char* const start = m_previous[m_cursor].text.data();
    const char* const bytes_end = m_previous_bytes.data() + m_previous_bytes.size();
    // The block's lines and the newline after its last line, when there is one.
    const std::size_t block = static_cast<std::size_t>(
        std::min(last.text.data() + last.text.size() + 1, bytes_end) - start);
    const std::size_t same = common_prefix(rest.data(), start, std::min(block, rest.size()));
    std::size_t taken = 0;
    while (m_cursor < m_previous.size() && m_previous[m_cursor].text.data() == start + taken) {
        const KnownLine& known = m_previous[m_cursor];
        const std::size_t newline = taken + known.text.size();
        if (newline >= same || start[newline] != '\n') {
            break;
        }
        see_known(known, rest.substr(taken, known.text.size()));
        ++m_cursor;
        ++number;
        taken = newline + 1;
    }
    return taken;
}

void TableBuilder::see_known(const KnownLine& known, std::string_view line) {
    ++m_change.track_lines;
    if (m_state.rows[known.row].several_lines) {
        see_changed(line); // its title may come from this line now
    } else {
        see(known.row, line, known.kept);
    }
}

std::optional<std::uint32_t> TableBuilder::find_stored(std::string_view line,
                                                       std::uint64_t hash) const {
    return m_lines.find(line, hash, [&](std::uint32_t index) { return m_stored[index].text; });
}

std::uint32_t TableBuilder::add_stored(std::string_view line, std::uint64_t hash) {
    auto& rows = m_state.table.rows;
    const auto key_text = [&](std::uint32_t row) -> std::string_view { return rows[row].key; };
    // Rows restored in key order are found by bisection, so that a restored builder, which
    // a daily run changes by a few lines, never indexes all its keys; the index holds the
    // rows added after them.
    const std::uint32_t sorted = m_state.sorted_rows;
    std::string key = plain::track_key(line, m_key_mode);
    const std::uint64_t key_hash = hash_text(key);
    std::optional<std::uint32_t> row;
    const auto sorted_end = rows.begin() + sorted;
    const auto at =
        std::lower_bound(rows.begin(), sorted_end, key,
                         [](const TrackRow& a, const std::string& b) { return a.key < b; });
    if (at != sorted_end && at->key == key) {
        row = static_cast<std::uint32_t>(at - rows.begin());
    } else {
        row = m_keys.find(key, key_hash, key_text);
    }
    if (!row) {
        row = static_cast<std::uint32_t>(rows.size());
        TrackRow added;
        added.key = m_state.table.texts->copy(key);
        rows.push_back(std::move(added));
        m_state.rows.push_back({});
        m_state.ledger.add_key();
        m_display.push_back(nullptr);
        m_seen_in.push_back(0);
        m_keys.insert(key_hash, *row);
    }
    const auto stored = static_cast<std::uint32_t>(m_stored.size());
    m_stored.push_back({m_state.table.texts->copy(line), *row});
    m_lines.insert(hash, stored);
    return stored;
}

void TableBuilder::see_stored(std::uint32_t stored, std::string_view line) {
    auto& rows = m_state.table.rows;
    const StoredLine& exact = m_stored[stored];
    const std::uint32_t row = exact.row;
    // The last line with this key, in file order, of the latest version is the one shown.
    if (m_display[row] != exact.text.data()) {
        const bool same_line = m_display[row] == &k_restored_line && shows_line(rows[row], line);
        m_state.rows[row].several_lines =
            m_state.rows[row].several_lines || (m_display[row] && !same_line);
        m_state.rows[row].changed = true;
        m_display[row] = exact.text.data();
        // Fields that stay the same keep their text (a restored one stays in the cache's pool).
        const plain::TrackLine fields = plain::split_track_line(exact.text, 0);
        const auto take = [](std::string_view& text, std::string_view field) {
            if (text != field) {
                text = field;
            }
        };
        take(rows[row].title, fields.title);
        take(rows[row].artists, fields.artists);
        take(rows[row].album, fields.album);
    }
    see(row, line, exact.text);
}

void TableBuilder::see_changed(std::string_view line) {
    const std::uint64_t hash = hash_text(line);
    const auto stored = find_stored(line, hash);
    see_stored(stored ? *stored : add_stored(line, hash), line);
}

void TableBuilder::see(std::uint32_t row_index, std::string_view line, std::string_view kept) {
    if (m_seen_in[row_index] != m_state.table.versions) {
        m_seen_in[row_index] = m_state.table.versions;
        if (!m_state.ledger.present(row_index)) { // new, or back after a removal
            m_started.push_back(row_index);
            m_state.rows[row_index].changed = true;
        }
    }
    m_current.push_back({line, row_index, 0, kept});
}

void TableBuilder::find_ended() {
    const auto& ledger = m_state.ledger;
    if (!m_previous_known) {
        // Restored from a saved state: every present row may be gone.
        for (std::uint32_t row = 0; row < m_state.rows.size(); ++row) {
            if (ledger.present(row)) {
                m_unmatched.push_back(row);
            }
        }
        m_previous_known = true;
    }
    for (std::size_t at = m_cursor; at < m_previous.size(); ++at) {
        m_unmatched.push_back(m_previous[at].row);
    }
    const std::uint32_t version = m_state.table.versions;
    for (const std::uint32_t row : m_unmatched) {
        if (ledger.present(row) && m_seen_in[row] != version) {
            m_ended.push_back(row);
            m_state.rows[row].changed = true;
            m_seen_in[row] = version; // decided: a row met twice ends once
        }
    }
}

void TableBuilder::apply(std::uint32_t snapshot, std::int32_t day,
                         std::optional<std::string_view> content) {
    auto& table = m_state.table;
    ++table.versions;
    m_snapshot = snapshot;
    m_current.clear();
    m_unmatched.clear();
    m_started.clear();
    m_ended.clear();
    m_cursor = 0;
    if (m_observer) {
        m_change = Change{snapshot, day, {}, {}, 0, 0, false, table.name, table.description};
    }
    if (content) {
        Seen seen{*this};
        plain::scan_plain_file(*content, seen);
        plain::trim_blank_tail(seen.header_lines);
        table.name = seen.has_name ? std::string(seen.name_line) : std::string();
        table.description = plain::join_description(seen.header_lines);
        if (table.names.empty() || table.names.back().name != table.name) {
            table.names.push_back({snapshot, table.name});
        }
    }
    find_ended();
    m_state.ledger.record({snapshot, day, m_started, m_ended});
    // Mark the blocks of lines that follow one another directly, for match_run.
    for (std::size_t i = m_current.size(); i-- > 0;) {
        const auto& text = m_current[i].text;
        const bool joined = i + 1 < m_current.size() &&
                            m_current[i + 1].text.data() == text.data() + text.size() + 1;
        m_current[i].run_end =
            joined ? m_current[i + 1].run_end : static_cast<std::uint32_t>(i + 1);
    }
    m_previous.swap(m_current);
    m_previous_bytes = content ? *content : std::string_view();
    table.deleted = !content.has_value();
    if (m_observer) {
        m_change.started = m_started;
        m_change.ended = m_ended;
        m_change.size = m_state.ledger.present_count();
        m_change.deleted = table.deleted;
        m_observer(*this, m_change);
    }
}

std::uint32_t TableBuilder::link_rows(std::span<const std::uint32_t> rows, const pretty::View& view,
                                      std::vector<std::uint32_t>* unjoined_rows) {
    const auto& table_rows = m_state.table.rows;
    m_rows_by_hash.clear();
    for (const std::uint32_t row : rows) {
        const TrackRow& shown = table_rows[row];
        m_join_text.clear();
        for (const std::string_view part : {shown.title, plain::k_field_separator, shown.artists,
                                            plain::k_field_separator, shown.album}) {
            m_join_text += part;
        }
        m_rows_by_hash.emplace_back(hash_text(m_join_text), row);
    }
    std::sort(m_rows_by_hash.begin(), m_rows_by_hash.end());
    m_row_joined.assign(m_rows_by_hash.size(), false);
    for (const pretty::Track& track : view.tracks()) {
        view.plain_line(track, m_track_line);
        const std::string_view line = m_track_line;
        const std::uint64_t hash = hash_text(line);
        for (auto at = std::lower_bound(m_rows_by_hash.begin(), m_rows_by_hash.end(),
                                        std::pair(hash, std::uint32_t{0}));
             at != m_rows_by_hash.end() && at->first == hash; ++at) {
            if (shows_line(table_rows[at->second], line)) {
                // The last track with the line gives the links, as the last line with a key
                // gives the row its title.
                take_links(at->second, view, track);
                m_row_joined[static_cast<std::size_t>(at - m_rows_by_hash.begin())] = true;
            }
        }
    }
    std::uint32_t unjoined = 0;
    for (std::size_t i = 0; i < m_rows_by_hash.size(); ++i) {
        if (!m_row_joined[i]) {
            drop_links(m_rows_by_hash[i].second);
            ++unjoined;
            if (unjoined_rows) {
                unjoined_rows->push_back(m_rows_by_hash[i].second);
            }
        }
    }
    return unjoined;
}

void TableBuilder::drop_links(std::uint32_t row_index) {
    TrackRow& row = m_state.table.rows[row_index];
    if (row.linked) {
        row.linked = false;
        row.track_url = row.album_url = row.artist_links = {};
        row.length_ms.reset();
        m_state.rows[row_index].changed = true;
    }
}

void TableBuilder::take_links(std::uint32_t row_index, const pretty::View& view,
                              const pretty::Track& track) {
    TrackRow& row = m_state.table.rows[row_index];
    bool changed = !row.linked || row.length_ms != track.duration_ms;
    const auto take = [&](std::string_view& field, std::string_view value) {
        if (field != value) {
            field = m_state.table.texts->copy(value);
            changed = true;
        }
    };
    take(row.track_url, track.url);
    take(row.album_url, track.album_url);
    m_join_text.clear();
    m_joined_artists.clear();
    for (const pretty::Artist& artist : view.artists(track)) {
        append_artist_link(m_join_text, artist.name, artist.url);
        m_joined_artists += m_joined_artists.empty() ? "" : ", ";
        m_joined_artists += artist.name;
    }
    take(row.artist_links, m_join_text);
    // The view's fields join to the row's line as its split fields do, but say where a
    // title or an album holds " -- " itself, which the line cannot.
    take(row.title, track.name);
    take(row.artists, m_joined_artists);
    take(row.album, track.album);
    row.linked = true;
    row.length_ms = track.duration_ms;
    if (changed) {
        m_state.rows[row_index].changed = true;
    }
}

const std::vector<std::uint32_t>& TableBuilder::key_order() const {
    const auto& rows = m_state.table.rows;
    if (m_key_order.size() == rows.size()) {
        return m_key_order; // rows are only ever added, and keys never change
    }
    const auto by_key = [&](std::uint32_t a, std::uint32_t b) { return rows[a].key < rows[b].key; };
    const std::uint32_t sorted = std::min<std::uint32_t>(m_state.sorted_rows, rows.size());
    // The rows not yet in order are sorted by their keys' first eight bytes, read as one
    // number, and only on a tie by the whole keys: most comparisons then touch no key.
    struct Entry {
        std::uint64_t prefix;
        std::uint32_t row;
    };
    std::vector<Entry> entries;
    entries.reserve(rows.size() - sorted);
    for (std::uint32_t row = sorted; row < rows.size(); ++row) {
        entries.push_back({key_prefix(rows[row].key), row});
    }
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        return a.prefix != b.prefix ? a.prefix < b.prefix : rows[a.row].key < rows[b.row].key;
    });
    std::vector<std::uint32_t> order(rows.size());
    std::iota(order.begin(), order.begin() + sorted, 0);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        order[sorted + i] = entries[i].row;
    }
    std::inplace_merge(order.begin(), order.begin() + sorted, order.end(), by_key);
    m_key_order = std::move(order);
    return m_key_order;
}

PlaylistTable TableBuilder::finish(PlaylistTable table, const State& state, std::int32_t tip_day,
                                   const std::vector<std::uint32_t>& order) {
    for (std::uint32_t row = 0; row < table.rows.size(); ++row) {
        const Membership membership = state.ledger.at(row, tip_day);
        TrackRow& track = table.rows[row];
        track.added = membership.added;
        track.last_seen = membership.last_seen;
        track.removed = membership.removed;
        track.stints = membership.stints;
        track.days_present = membership.days_present;
    }
    // Move each row once, in key order.
    std::vector<TrackRow> sorted;
    sorted.reserve(order.size());
    for (const std::uint32_t row : order) {
        sorted.push_back(std::move(table.rows[row]));
    }
    table.rows = std::move(sorted);
    return table;
}

PlaylistTable TableBuilder::table(std::int32_t tip_day) const {
    return finish(m_state.table, m_state, tip_day, key_order());
}

PlaylistTable TableBuilder::release_table(std::int32_t tip_day) && {
    const auto& order = key_order();
    return finish(std::move(m_state.table), m_state, tip_day, order);
}

} // namespace gh::tables
