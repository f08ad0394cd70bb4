#pragma once

// A deliberately simple reference for the cumulative tables, used by the differential
// tests. It shares nothing with the engine but the key function: git itself lists the
// snapshots (`git log --date-order -- DIR`), every file of every snapshot and of its
// parents is read in full, and every field is recomputed from the sequence of track sets.

#include "engine/analysis.hpp"
#include "tables/cumulative.hpp"
#include "writers/table_writer.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace gh::test {

/// One row with dates and commits as text, comparable across implementations.
struct FlatRow {
    std::string playlist, key, title, artists, album;
    std::string added, added_commit, last_seen, last_seen_commit, removed, removed_commit;
    std::uint32_t stints = 0;
    std::int64_t days_present = 0;

    auto tie() const {
        return std::tie(playlist, key, title, artists, album, added, added_commit, last_seen,
                        last_seen_commit, removed, removed_commit, stints, days_present);
    }
    bool operator==(const FlatRow& other) const { return tie() == other.tie(); }
};

std::ostream& operator<<(std::ostream& out, const FlatRow& row);

/// One key's fields by the reference's rules (SPEC "Semantics"), as version indices: it
/// was in version v when present[v]; version v is on days[v]; the revision on tip_day. The
/// key must be in at least one version.
struct ReferenceMembership {
    std::size_t added = 0, last_seen = 0;
    std::optional<std::size_t> removed;
    std::uint32_t stints = 0;
    std::int64_t days_present = 0;
};
ReferenceMembership reference_membership(const std::vector<bool>& present,
                                         const std::vector<std::int64_t>& days,
                                         std::int64_t tip_day);

/// The reference's tables of every playlist, rows in (playlist, key) order. Dates are UTC.
std::vector<FlatRow> reference_rows(const std::filesystem::path& repo, const std::string& rev,
                                    const std::string& dir);

/// The snapshot commits that git itself lists for `dir`, oldest first.
std::vector<std::string> git_log_snapshots(const std::filesystem::path& repo,
                                           const std::string& rev, const std::string& dir);

/// The tables as `gh-analyze cumulative` builds them with `options`, and their labels.
struct EngineTables {
    std::vector<tables::PlaylistTable> tables;
    writers::SnapshotLabels labels;
};
EngineTables engine_tables(engine::Options options);

/// The engine's tables of every playlist, flattened the same way (UTC dates).
std::vector<FlatRow> engine_rows(const std::filesystem::path& repo, const std::string& rev,
                                 const std::string& dir);

/// Flattens engine tables with the given labels.
std::vector<FlatRow> flatten(const std::vector<tables::PlaylistTable>& tables,
                             const writers::SnapshotLabels& labels);

} // namespace gh::test
