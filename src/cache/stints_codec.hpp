#pragma once

// The stints file: every playlist's versions and stints as of the state file's builders,
// for the commands that read whole histories (docs/CACHE-FORMAT.md, "The stints file").

#include "tables/playlist_history.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gh::cache {

/// A playlist's history as the stints file keeps it (see tables::PlaylistHistory), as of
/// its builder's `versions` versions. A stint's row is its index in the table's key order:
/// the index the row has in a builder restored from the state file.
struct SavedStints {
    std::string id;
    std::uint32_t versions = 0;
    std::vector<tables::PlaylistHistory::Snapshot> snapshots;
    struct Stint {
        std::uint32_t row = 0;
        std::uint32_t start = 0;
        std::optional<std::uint32_t> end;
        bool first_fill = false;
    };
    std::vector<Stint> stints;
};

/// Reads the stints file at `path` written with the settings `describe` for a history of
/// `snapshots` snapshots: the playlists' stints by id, or nothing when there is no file.
/// Throws std::runtime_error saying what is wrong with a file that cannot be used: another
/// version's, other settings', damaged, or a stint that does not fit the history.
std::optional<std::map<std::string, SavedStints>>
read_stints(const std::filesystem::path& path, const std::string& describe, std::size_t snapshots);

/// Replaces the stints file at `path` atomically.
void write_stints(const std::filesystem::path& path, const std::string& describe,
                  const std::vector<const SavedStints*>& playlists);

} // namespace gh::cache
