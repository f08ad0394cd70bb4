#pragma once

#include "tables/cumulative.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gh::writers {

/// What one playlist contributes to the export, collected while its table was built.
struct PlaylistExport {
    tables::PlaylistTable table;
    struct Snapshot {
        std::uint32_t snapshot;
        std::uint32_t track_lines; ///< track lines in the file
        std::uint32_t keys;        ///< distinct tracks present
        bool deleted;
    };
    std::vector<Snapshot> snapshots;
    struct Membership {
        std::string key;
        std::uint32_t start;
        std::optional<std::uint32_t> end; ///< the version that no longer had it
        /// Begun by the playlist's first version with tracks: the first fill, not an
        /// addition (README "churn").
        bool first_fill = false;
    };
    std::vector<Membership> memberships;
};

/// A commit of the analysed history (a snapshot of the playlist directory).
struct CommitRow {
    std::string id;
    std::string date;
    std::int64_t time;
};

/// Writes the export database (schema in README "export") in one transaction to a
/// temporary file, renamed over `path` only when complete.
void write_sqlite(const std::filesystem::path& path, const std::vector<CommitRow>& commits,
                  const std::vector<PlaylistExport>& playlists,
                  const std::vector<tables::IdChange>& id_changes);

} // namespace gh::writers
