#pragma once

// The archive's own cumulative files, byte for byte as its generator wrote them in each
// era (SPEC "The archive's own layouts").

#include "tables/cumulative.hpp"

#include <string>
#include <string_view>

namespace gh::writers {

/// What line 1 of an archive's file links to.
struct ArchiveLinks {
    std::string plain_dir;  ///< e.g. "playlists/plain"
    std::string pretty_dir; ///< e.g. "playlists/pretty"
    std::string github;     ///< OWNER/REPO, for the githistory link
};

/// A 2019-2021 cumulative file: the table of the playlist name `name` (its `id` the
/// playlist that carried the name last), nothing escaped, lengths as `3:55` or `45`, no
/// final newline. It is written to `<name>.md`.
std::string render_archive_2021(const tables::PlaylistTable& table, std::string_view name,
                                const tables::SnapshotLabels& labels, const ArchiveLinks& links);

/// `H:MM:SS` of whole seconds with its leading zeros and colons stripped (`3:55`, `45`, and
/// nothing under a second), as the 2019-2021 generator wrote a length.
std::string length_2021(std::uint32_t milliseconds);

} // namespace gh::writers
