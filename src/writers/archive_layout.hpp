#pragma once

// The archive's own cumulative files, byte for byte as its generator wrote them in each
// era (SPEC "The archive's own layouts").

#include "tables/cumulative.hpp"
#include "tables/current_era_table.hpp"

#include <map>
#include <string>
#include <string_view>

namespace gh::writers {

/// What line 1 of an archive's file links to.
struct ArchiveLinks {
    std::string plain_dir;  ///< e.g. "playlists/plain"
    std::string pretty_dir; ///< e.g. "playlists/pretty"
    std::string github;     ///< OWNER/REPO, for the githistory link
};

/// A row of an existing 2019-2021 cumulative file: its Added date and its line as written.
struct ExistingRow {
    std::string added;
    std::string line;
};

/// The rows of an existing 2019-2021 cumulative file, by key (the lowercased plain line
/// `title -- artists -- album` its cells show, links stripped). A row whose key cannot be
/// told (a cell layout other than the generator's) is left out.
std::map<std::string, ExistingRow> parse_archive_2021_rows(std::string_view markdown);

/// What --keep-existing keeps of an existing file: rows history does not have, as they
/// are (counted in `kept`), and earlier Added dates of rows it has.
struct KeptRows {
    const std::map<std::string, ExistingRow>* existing = nullptr;
    std::size_t kept = 0;
};

/// A 2019-2021 cumulative file: the table of the playlist name `name` (its `id` the
/// playlist that carried the name last), nothing escaped, lengths as `3:55` or `45`, no
/// final newline. It is written to `<name>.md`.
std::string render_archive_2021(const tables::PlaylistTable& table, std::string_view name,
                                const tables::SnapshotLabels& labels, const ArchiveLinks& links,
                                KeptRows* keep = nullptr);

/// `H:MM:SS` of whole seconds with its leading zeros and colons stripped (`3:55`, `45`, and
/// nothing under a second), as the 2019-2021 generator wrote a length.
std::string length_2021(std::uint32_t milliseconds);

/// The current era's cumulative files of playlist `id`: `<id>.md` (escaped, with the
/// summary line, `\*` after a carried-over row's date, the footer and a final newline) and
/// `<id>.json` (keys sorted, two-space indent, non-ASCII as `\uXXXX`, final newline).
std::string render_archive_current_markdown(std::string_view id,
                                            const tables::CurrentEraTable& table,
                                            const ArchiveLinks& links);
std::string render_archive_current_json(std::string_view id, const tables::CurrentEraTable& table);

/// The current era's escaping: a backslash before each of `\`, `. `, `#`, `(`, `)`, `[`,
/// `]`, `-`, `*`, `_`, `` ` ``, `|`, `~`, one after another in that order.
std::string escape_archive_markdown(std::string_view text);

/// `M:SS`, or `H:MM:SS` from an hour on, as the current era writes a length.
std::string length_current(std::uint32_t milliseconds);

/// `30 songs - 2 hr 4 min`: how many rows and how long they last together.
std::string archive_summary(std::size_t count, std::uint64_t total_ms);

} // namespace gh::writers
