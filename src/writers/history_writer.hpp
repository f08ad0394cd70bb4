#pragma once

#include "writers/table_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gh::writers {

/// A track as a playlist's history shows it.
struct HistoryTrack {
    std::string title, artists, album;
    std::string line; ///< title, artists and album joined as the file writes them
};

/// A track still present whose line changed spelling only (the same key: `Find My Way`
/// became `FIND MY WAY`).
struct Respelled {
    HistoryTrack from;
    HistoryTrack to;
};

/// One version of the playlist as the history shows it: what it added, removed and
/// respelled, each sorted by line.
struct HistoryVersion {
    std::uint32_t snapshot = 0; ///< its snapshot index (for the commit's label)
    std::int32_t day = 0;
    std::vector<HistoryTrack> added;
    std::vector<HistoryTrack> removed;
    std::vector<Respelled> respelled;
    /// From and to, when the version renamed the playlist or changed its description.
    std::optional<std::pair<std::string, std::string>> name;
    std::optional<std::pair<std::string, std::string>> description;
    bool deleted = false;
    bool first = false; ///< the version that created the playlist
    std::uint32_t size = 0;
    std::string current_name; ///< the playlist's name after the version
};

/// One playlist's history: the playlist as of the analysed revision, how many versions it
/// had, and the versions shown, in the order they are shown.
struct PlaylistHistory {
    std::string id;
    std::string name;
    std::size_t versions = 0;
    std::vector<HistoryVersion> shown;
};

/// How a history is written: lines for people (coloured like `git log -p` when asked), or
/// one JSON document.
enum class HistoryFormat { text, json };

/// `color` applies to text only.
std::string render_history(const PlaylistHistory& history, const SnapshotLabels& labels,
                           HistoryFormat format, bool color);

} // namespace gh::writers
