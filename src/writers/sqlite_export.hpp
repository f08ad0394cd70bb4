#pragma once

#include "tables/playlist_history.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gh::writers {

/// A commit of the analysed history (a snapshot of the playlist directory).
struct CommitRow {
    std::string id;
    std::string date;
    std::int64_t time;
};

/// Writes the export database (schema in README "export") in one transaction to a
/// temporary file, renamed over `path` only when complete.
void write_sqlite(const std::filesystem::path& path, const std::vector<CommitRow>& commits,
                  const std::vector<tables::PlaylistHistory>& playlists,
                  const std::vector<tables::IdChange>& id_changes);

} // namespace gh::writers
