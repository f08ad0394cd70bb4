#pragma once

// What `cumulative --layout archive` needs beyond the tables of each playlist id: the
// archive's era, its GitHub name, and (in the 2019-2021 era) tables kept by playlist name
// (SPEC "The archive's own layouts").

#include "engine/analysis.hpp"
#include "tables/current_era_table.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::engine {

/// The archive's generator as it was in an era: files named by playlist name, nothing
/// escaped (2019-2021), or named by id with escaping, JSON and footers (2022 on).
enum class Era { y2021, current };

/// The era of the archive at the analysed revision, told from its pretty views there:
/// views named by a playlist id are the current era's, other markdown views 2019-2021's.
/// Fails, naming the directory, when there are no pretty views to tell it from.
Era detect_era(const Analysis& analysis);

/// `OWNER/REPO` when `name` is one (GitHub's characters for each: letters, digits, '-',
/// '_' and '.', neither part "." or ".."); nothing otherwise.
std::optional<std::string> parse_github_name(std::string_view name);

/// The GitHub name of the repository's `origin` remote (`https://github.com/OWNER/REPO`,
/// `git@github.com:OWNER/REPO.git`, `ssh://git@github.com/OWNER/REPO`), if it is on GitHub.
std::optional<std::string> origin_github_name(const Analysis& analysis);

/// The directory of the archive's own cumulative files: `cumulative` beside the plain
/// files, as `pretty` is.
std::string cumulative_dir(const Analysis& analysis);

/// The archive's own cumulative files at the analysed revision, by file name: what
/// --keep-existing keeps of. None when there is no such directory.
std::map<std::string, std::string> existing_cumulative_files(const Analysis& analysis);

using tables::IdChange;

/// The id changes history shows (SPEC, the id-change quirks): a playlist deleted for good,
/// and a newer playlist whose first name (its first version with content) is the deleted
/// one's last, within 7 days before or after the deletion. Each deleted playlist continues
/// as at most one other (the nearest in time), and each as at most one deleted one.
/// `tables` are every playlist's (their name timelines are read), in any order.
std::vector<IdChange> detect_id_changes(const Analysis& analysis,
                                        const std::vector<const tables::PlaylistTable*>& tables);

/// The tables with each chain of id changes made one table: the last id's, listing the
/// others as `former_ids`, built from the versions of each id in turn (an id's versions
/// from when the next one appeared on are left out), so that rows keep their dates and
/// stints. Other tables are as they were. Each change is said on stderr with its commits
/// unless `quiet`.
std::vector<tables::PlaylistTable> follow_id_changes(const Analysis& analysis,
                                                     std::vector<tables::PlaylistTable> tables,
                                                     const std::vector<IdChange>& changes,
                                                     bool quiet);

/// A table of the 2019-2021 archive, which kept one per playlist *name*.
struct NameTable {
    std::string name;
    tables::PlaylistTable table;  ///< its `id` is the playlist that carried the name last
    std::vector<std::string> ids; ///< every playlist that fed it, in the order they first did
};

/// The 2019-2021 archive's tables, from the tables of every playlist of the analysis (all
/// of them, not only those selected). A name's table takes the versions of whichever
/// playlist carries the name: it continues when the name moves to another id, and its
/// present rows are removed when the playlist carrying it is deleted or renamed (unless
/// another has taken the name meanwhile). A playlist that only ever had one name, which
/// no other playlist had, keeps its own table; the others are rebuilt from their
/// versions. Tables for a name that is empty or only spaces (a file never scraped, a
/// hand-made one) are left out. Sorted by name.
std::vector<NameTable> name_tables(const Analysis& analysis,
                                   std::vector<tables::PlaylistTable> by_id);

/// A selected playlist's table as the current era's generator keeps it.
struct CurrentEraPlaylist {
    std::string id;
    tables::CurrentEraTable table;
};

/// The current era's tables of the selected playlists that have a pretty JSON view in the
/// history of the pretty directory, from every version of that view: the generator
/// updated its table from each day's view, which changes (a length, a link, an `added_at`)
/// also when the plain file does not, so the pretty directory's own history is walked.
/// A view that cannot be read as JSON is skipped with a warning naming it and its commit.
std::vector<CurrentEraPlaylist> current_era_tables(const Analysis& analysis,
                                                   const Options& options);

} // namespace gh::engine
