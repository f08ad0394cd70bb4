#pragma once

#include "plain/plain_file.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::writers {

/// How a playlist's file is shown: its lines (text, control characters escaped), one CSV
/// record per track, or one JSON document.
enum class SnapshotFormat { text, csv, json };

/// A track of the pretty view committed with the file, joined to one of its lines.
struct LinkedTrack {
    std::size_t line = 0;   ///< index into the file's tracks
    std::string_view title; ///< the view's own fields (a title may hold " -- ")
    std::string_view artists;
    std::string_view album;
    std::string_view url;
    std::string_view album_url;
    std::vector<std::pair<std::string_view, std::string_view>> artist_links; ///< name, url
    std::optional<std::uint32_t> length_ms;
};

/// The playlist `id` as `file` holds it; `commit` is the full hex id of the commit the
/// file was read from. With `linked` (every track of the file, in the pretty view's
/// order), tracks are listed in that order with their links and lengths; CSV and JSON
/// have the link columns either way (empty or null without).
std::string render_snapshot(std::string_view id, std::string_view commit,
                            const plain::PlainFile& file, SnapshotFormat format,
                            const std::vector<LinkedTrack>* linked = nullptr);

} // namespace gh::writers
