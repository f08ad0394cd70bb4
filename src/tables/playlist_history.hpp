#pragma once

#include "tables/cumulative.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::tables {

/// A playlist's whole history: its cumulative table, the size of each version and every
/// stint of every track, collected while the table was built version by version. What
/// the export, churn, report and track commands read.
struct PlaylistHistory {
    PlaylistTable table;
    struct Snapshot {
        std::uint32_t snapshot;
        std::uint32_t track_lines; ///< track lines in the file
        std::uint32_t keys;        ///< distinct tracks present
        bool deleted;
    };
    /// One per version, in order.
    std::vector<Snapshot> snapshots;
    /// One stint of a track, in the order the stints began.
    struct Membership {
        std::string_view key; ///< its row's in `table` (held by the table's texts)
        std::uint32_t start;
        std::optional<std::uint32_t> end; ///< the version that no longer had it
        /// Begun by the playlist's first version with tracks: the first fill, not an
        /// addition (README "churn").
        bool first_fill = false;
    };
    std::vector<Membership> memberships;
    /// `memberships` in key order (then in the order they began), by index: see `stints`.
    std::vector<std::uint32_t> by_key;

    /// Orders `by_key`; called once the memberships are complete.
    void index_stints();
    /// The stints of the track `key`, in the order they began (index_stints first).
    std::vector<const Membership*> stints(std::string_view key) const;

    /// The row of `table` whose key is `key`, or null.
    const TrackRow* row(std::string_view key) const;
};

/// Of the rows one track has in several playlists, the one whose texts and links stand for
/// it: the first seen with links, else the first. Call for each row in turn.
inline const TrackRow* shown_row(const TrackRow* shown, const TrackRow& row) {
    return !shown || (row.linked && !shown->linked) ? &row : shown;
}

} // namespace gh::tables
