#include "tables/cumulative.hpp"

#include "plain/plain_file.hpp"

#include <algorithm>

namespace gh::tables {

/// Receives one version's lines from plain::scan_plain_file.
struct TableBuilder::Seen {
    TableBuilder& builder;
    std::uint32_t snapshot;
    std::int32_t day;
    std::vector<std::string_view> header_lines{};
    bool has_name = false;
    std::string_view name_line{};

    void name(std::string_view line) {
        has_name = true;
        name_line = line;
    }
    void header(std::string_view line) { header_lines.push_back(line); }
    void track(std::string_view line, std::uint32_t) {
        const auto [row, exact] = builder.row_for(line);
        builder.see(row, *exact, snapshot, day);
    }
    void stray(std::string_view, std::uint32_t number) {
        auto& table = builder.m_state.table;
        ++table.stray_lines;
        if (!table.first_stray) {
            table.first_stray = {snapshot, number};
        }
    }
};

TableBuilder::TableBuilder(std::string id, plain::KeyMode key_mode) : m_key_mode(key_mode) {
    m_state.table.id = std::move(id);
}

TableBuilder TableBuilder::restore(State state, plain::KeyMode key_mode) {
    TableBuilder builder(state.table.id, key_mode);
    builder.m_state = std::move(state);
    const auto rows = builder.m_state.rows.size();
    builder.m_display.assign(rows, nullptr);
    builder.m_seen_in.assign(rows, 0);
    for (std::uint32_t row = 0; row < rows; ++row) {
        if (builder.m_state.rows[row].present) {
            builder.m_present.push_back(row);
            builder.m_seen_in[row] = builder.m_state.table.versions;
        }
    }
    return builder;
}

std::pair<std::uint32_t, const std::string*> TableBuilder::row_for(std::string_view line) {
    if (const auto found = m_lines.find(line); found != m_lines.end()) {
        return {found->second, &found->first};
    }
    auto& rows = m_state.table.rows;
    if (m_keys.size() != rows.size()) { // first use, or restored from a saved state
        m_keys.clear();
        for (std::uint32_t row = 0; row < rows.size(); ++row) {
            m_keys.emplace(rows[row].key, row);
        }
    }
    std::string key = plain::track_key(line, m_key_mode);
    auto [found, inserted] =
        m_keys.try_emplace(std::move(key), static_cast<std::uint32_t>(rows.size()));
    if (inserted) {
        TrackRow row;
        row.key = found->first;
        rows.push_back(std::move(row));
        m_state.rows.push_back({});
        m_display.push_back(nullptr);
        m_seen_in.push_back(0);
    }
    const auto exact = m_lines.emplace(std::string(line), found->second).first;
    return {exact->second, &exact->first};
}

void TableBuilder::see(std::uint32_t row_index, const std::string& line, std::uint32_t snapshot,
                       std::int32_t day) {
    TrackRow& row = m_state.table.rows[row_index];
    RowState& state = m_state.rows[row_index];
    if (m_seen_in[row_index] != m_state.table.versions) {
        m_seen_in[row_index] = m_state.table.versions;
        if (!state.present) {
            // New, or re-added after removal: a new stint (added stays as it was).
            if (row.stints == 0) {
                row.added = snapshot;
            }
            row.removed.reset();
            ++row.stints;
            state.stint_start = day;
            state.present = true;
        }
        m_present.push_back(row_index);
        row.last_seen = snapshot;
    }
    // The latest line with this key, in file order, is the one shown.
    if (m_display[row_index] != &line) {
        m_display[row_index] = &line;
        const plain::TrackLine fields = plain::split_track_line(line, 0);
        row.title = fields.title;
        row.artists = fields.artists;
        row.album = fields.album;
    }
}

void TableBuilder::apply(std::uint32_t snapshot, std::int32_t day,
                         std::optional<std::string_view> content) {
    auto& table = m_state.table;
    ++table.versions;
    std::vector<std::uint32_t> previous;
    previous.swap(m_present);
    if (content) {
        Seen seen{*this, snapshot, day};
        plain::scan_plain_file(*content, seen);
        plain::trim_blank_tail(seen.header_lines);
        table.name = seen.has_name ? std::string(seen.name_line) : std::string();
        table.description.clear();
        for (std::size_t i = 0; i < seen.header_lines.size(); ++i) {
            table.description += i == 0 ? "" : "\n";
            table.description += seen.header_lines[i];
        }
    }
    for (const std::uint32_t row : previous) {
        if (m_seen_in[row] != table.versions) {
            table.rows[row].removed = snapshot;
            table.rows[row].days_present += day - m_state.rows[row].stint_start;
            m_state.rows[row].present = false;
        }
    }
    table.deleted = !content.has_value();
}

PlaylistTable TableBuilder::table(std::int32_t tip_day) const {
    PlaylistTable table = m_state.table;
    for (std::uint32_t row = 0; row < table.rows.size(); ++row) {
        if (m_state.rows[row].present) {
            table.rows[row].days_present += tip_day - m_state.rows[row].stint_start;
        }
    }
    std::sort(table.rows.begin(), table.rows.end(),
              [](const TrackRow& a, const TrackRow& b) { return a.key < b.key; });
    return table;
}

} // namespace gh::tables
