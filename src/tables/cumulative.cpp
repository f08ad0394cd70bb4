#include "tables/cumulative.hpp"

#include "plain/plain_file.hpp"

#include <algorithm>
#include <unordered_map>

namespace gh::tables {

namespace {

/// The table being built, with what each row needs between versions.
class TableBuilder {
  public:
    TableBuilder(std::string_view id, const Calendar& calendar, plain::KeyMode key_mode)
        : m_calendar(calendar), m_key_mode(key_mode) {
        m_table.id = id;
    }

    void apply(const history::Version& version, const plain::PlainFile* file) {
        ++m_table.versions;
        const std::int32_t day = m_calendar.snapshot_days.at(version.snapshot);
        std::vector<std::uint32_t> present;
        if (file) {
            take_header(*file, version.snapshot);
            for (const plain::TrackLine& track : file->tracks) {
                const std::uint32_t row = see(track, version.snapshot, day);
                if (m_state[row].present_in != m_table.versions) {
                    m_state[row].present_in = m_table.versions;
                    present.push_back(row);
                }
            }
        }
        for (const std::uint32_t row : m_present) {
            if (m_state[row].present_in != m_table.versions) {
                m_table.rows[row].removed = version.snapshot;
                m_table.rows[row].days_present += day - m_state[row].stint_start;
            }
        }
        m_present = std::move(present);
        m_table.deleted = file == nullptr;
    }

    PlaylistTable finish() && {
        for (const std::uint32_t row : m_present) {
            m_table.rows[row].days_present += m_calendar.tip_day - m_state[row].stint_start;
        }
        std::sort(m_table.rows.begin(), m_table.rows.end(),
                  [](const TrackRow& a, const TrackRow& b) { return a.key < b.key; });
        return std::move(m_table);
    }

  private:
    struct RowState {
        std::int32_t stint_start = 0;
        std::uint32_t present_in = 0; ///< the version count at which it was last seen
    };

    std::uint32_t see(const plain::TrackLine& track, std::uint32_t snapshot, std::int32_t day) {
        auto [found, inserted] =
            m_rows.try_emplace(plain::track_key(track.text, m_key_mode),
                               static_cast<std::uint32_t>(m_table.rows.size()));
        if (inserted) {
            m_table.rows.push_back({found->first, {}, {}, {}, snapshot, snapshot, {}, 1, 0});
            m_state.push_back({day, 0});
        }
        TrackRow& row = m_table.rows[found->second];
        RowState& state = m_state[found->second];
        if (row.removed) { // re-added after removal: a new stint
            row.removed.reset();
            ++row.stints;
            state.stint_start = day;
        }
        row.last_seen = snapshot;
        row.title = track.title;
        row.artists = track.artists;
        row.album = track.album;
        return found->second;
    }

    void take_header(const plain::PlainFile& file, std::uint32_t snapshot) {
        m_table.name = file.name;
        m_table.description.clear();
        for (const std::string_view line : file.description) {
            if (!m_table.description.empty()) {
                m_table.description += '\n';
            }
            m_table.description += line;
        }
        m_table.stray_lines += static_cast<std::uint32_t>(file.stray_lines.size());
        if (!m_table.first_stray && !file.stray_lines.empty()) {
            m_table.first_stray = {snapshot, file.stray_lines.front()};
        }
    }

    const Calendar& m_calendar;
    plain::KeyMode m_key_mode;
    PlaylistTable m_table;
    std::vector<RowState> m_state;
    std::unordered_map<std::string, std::uint32_t> m_rows;
    std::vector<std::uint32_t> m_present;
};

} // namespace

PlaylistTable build_table(std::string_view id, const std::vector<history::Version>& versions,
                          const Calendar& calendar, plain::KeyMode key_mode,
                          const ReadVersion& read) {
    TableBuilder builder(id, calendar, key_mode);
    for (const history::Version& version : versions) {
        if (!version.blob) {
            builder.apply(version, nullptr);
            continue;
        }
        const std::string content = read(id, version);
        const plain::PlainFile file = plain::parse_plain_file(content);
        builder.apply(version, &file);
    }
    return std::move(builder).finish();
}

} // namespace gh::tables
