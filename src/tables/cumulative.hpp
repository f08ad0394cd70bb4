#pragma once

#include "history/history.hpp"
#include "plain/track_key.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::tables {

/// A track key's life in one playlist: one row of the cumulative table.
struct TrackRow {
    std::string key;
    std::string title; ///< title, artists and album as in the latest snapshot that had it
    std::string artists;
    std::string album;
    std::uint32_t added = 0;              ///< snapshot index of the first snapshot containing it
    std::uint32_t last_seen = 0;          ///< snapshot index of the last snapshot containing it
    std::optional<std::uint32_t> removed; ///< first snapshot after its last appearance
    std::uint32_t stints = 0;
    std::int64_t days_present = 0;
};

/// The cumulative table of one playlist, rows sorted by key (byte order).
struct PlaylistTable {
    std::string id;
    std::string name; ///< from the latest version of the file
    std::string description;
    std::vector<TrackRow> rows;
    std::uint32_t versions = 0;
    bool deleted = false; ///< the file is absent at the tip
    /// Lines after the first track that are not tracks, summed over all versions.
    std::uint32_t stray_lines = 0;
    /// The first (snapshot, line) at which such a line was seen, for messages.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
};

/// Day numbers (days since 1970-01-01 in the chosen time zone) of every snapshot
/// and of the analysed revision, which ends the stints of tracks still present.
struct Calendar {
    std::vector<std::int32_t> snapshot_days;
    std::int32_t tip_day = 0;
};

/// Returns the bytes of a version's blob; throws gh::Error naming it when unreadable.
using ReadVersion =
    std::function<std::string(std::string_view playlist, const history::Version& version)>;

/// Builds one playlist's table from its versions, in order, by the rules of SPEC
/// "Semantics": a deletion is a version with no tracks, so a deleted playlist's
/// present tracks are removed on the deletion date and return as a new stint.
PlaylistTable build_table(std::string_view id, const std::vector<history::Version>& versions,
                          const Calendar& calendar, plain::KeyMode key_mode,
                          const ReadVersion& read);

} // namespace gh::tables
