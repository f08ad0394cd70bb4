#pragma once

// The stints file: every playlist's versions and stints as of the state file's builders,
// for the commands that read whole histories (docs/CACHE-FORMAT.md, "The stints file").
// A playlist's stints are parsed only when they are needed, and saved again as they were
// read when they did not change: a daily run touches only the playlists it follows.

#include "tables/playlist_history.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh {
class MappedFile;
}

namespace gh::cache {

/// A playlist's history as the stints file keeps it (see tables::PlaylistHistory), as of
/// its builder's `versions` versions. A stint's row is its index in the table's key order:
/// the index the row has in a builder restored from the state file.
struct SavedStints {
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

/// A stints file as read: each playlist's versions, and its stints still encoded.
struct StintsFile {
    std::shared_ptr<const MappedFile> file;
    std::size_t snapshots = 0; ///< in the history the file was read for
    struct Entry {
        std::uint32_t versions = 0;
        std::string_view encoded; ///< into `file`
    };
    std::map<std::string, Entry, std::less<>> playlists;

    /// Decodes a playlist's stints. Throws std::runtime_error, naming the playlist, when
    /// they do not fit the history (which the file's checksum makes a bug, not damage).
    SavedStints decode(std::string_view id, const Entry& entry) const;
};

/// Reads the stints file at `path` written with the settings `describe` for a history of
/// `snapshots` snapshots, or nothing when there is no file. Throws std::runtime_error
/// saying what is wrong with a file that cannot be used: another version's, other
/// settings', damaged, or a playlist twice.
std::optional<StintsFile> read_stints(const std::filesystem::path& path,
                                      const std::string& describe, std::size_t snapshots);

/// A playlist's stints encoded for the file.
std::string encode_stints(const SavedStints& stints);

/// Replaces the stints file at `path` atomically: each playlist's id, versions and
/// encoded stints (encode_stints, or as StintsFile read them).
struct StintsToSave {
    std::string_view id;
    std::uint32_t versions = 0;
    std::string_view encoded;
};
void write_stints(const std::filesystem::path& path, const std::string& describe,
                  const std::vector<StintsToSave>& playlists);

} // namespace gh::cache
