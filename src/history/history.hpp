#pragma once

#include "git/object_reader.hpp"
#include "git/raw_objects.hpp"

#include <cstdint>
#include <functional>
#include <git2.h>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gh::history {

/// A commit of the simplified history at which the analysed directory changed.
struct Snapshot {
    git_oid commit{};
    std::int64_t time = 0; ///< committer time, seconds since the epoch
};

/// A playlist file as it was at one snapshot; no blob means it was deleted there.
struct Version {
    std::uint32_t snapshot = 0; ///< index into History::snapshots
    std::optional<git_oid> blob;
};

/// A tree entry under the directory that is not a regular file, skipped with a warning.
struct SkippedEntry {
    git_oid commit{};
    std::string path;
    std::string kind; ///< "directory", "symbolic link" or "submodule"
};

/// Everything the tables need to know about the history of one directory.
struct History {
    git_oid tip{};
    std::int64_t tip_time = 0;
    std::string dir;
    /// In `git log --date-order` order, reversed: parents before children.
    std::vector<Snapshot> snapshots;
    /// Each playlist's versions in snapshot order, by playlist id (the file name).
    std::map<std::string, std::vector<Version>, std::less<>> playlists;
    std::vector<SkippedEntry> skipped;
    /// Every commit of the simplified history, in the order of `snapshots`.
    std::vector<git_oid> commits;
    std::size_t commits_walked = 0;
    /// Commits whose parents are missing because the repository is a shallow clone.
    std::vector<git_oid> shallow_boundary;
};

/// Reports how far the walk is: (stage, done, total); total is 0 when unknown.
using ProgressFn = std::function<void(std::string_view, std::size_t, std::size_t)>;

/// What the walk needs of commit `id`, read as git reads it (its replacement, if replaced;
/// grafts are the walk's business).
git::RawCommit read_commit(git::ObjectReader& reader, git_repository* repo, const git_oid& id);

/// The tree at `dir` (slash-separated) under the root tree `tree`, read through `reader`;
/// nothing when there is none or it is empty (see git::is_empty_tree).
std::optional<git_oid> directory_in(git::ObjectReader& reader, git_repository* repo, git_oid tree,
                                    std::string_view dir);

/// The blob of the regular file `dir`/`name` at `commit`, read as the walk reads it;
/// nothing when there is no such file there.
std::optional<git_oid> file_at(git::ObjectReader& reader, git_repository* repo,
                               const git_oid& commit, std::string_view dir, std::string_view name);

/// The regular files of `dir` at `commit` with their blobs, sorted by name; none when
/// there is no such directory there.
std::vector<std::pair<std::string, git_oid>> files_in(git::ObjectReader& reader,
                                                      git_repository* repo, const git_oid& commit,
                                                      std::string_view dir);

/// The first parent of `commit` as git reads it (replaced objects and grafts followed),
/// if it has one.
std::optional<git_oid> first_parent(git::ObjectReader& reader, git_repository* repo,
                                    const git_oid& commit);

/// Walks the history of `dir` reachable from `tip`, simplified the way
/// `git log -- <dir>` simplifies it. A merge whose directory equals one parent's
/// follows only that parent: walking first-parent only would drop the weeks of daily
/// snapshots that real archives carry on a merge's second parent, and walking every
/// parent would count a side branch's versions twice. Fails loudly on any unreadable
/// commit or tree: a truncated history would silently produce wrong tables.
/// Trees are compared on `jobs` threads (0: one per processor); the result is the same.
/// Objects are read from `packs` when given (see git/object_reader.hpp), else by libgit2,
/// and as git reads them: replaced objects and grafted parents as `rewrites` says (loaded
/// from `repo` when null), `git log` showing the history they make.
History walk_history(git_repository* repo, const git_commit* tip, std::string_view dir,
                     const ProgressFn& progress = {}, unsigned jobs = 1,
                     std::shared_ptr<const git::PackSet> packs = nullptr,
                     std::shared_ptr<const git::Rewrites> rewrites = nullptr);

/// The new revision does not simply extend a history walked before: its simplified
/// history does not pass through the earlier tip, or reaches earlier commits another way
/// (history rewritten, an older revision, a merge of a branch that forked before the tip).
class NotAnExtension : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Continues `previous` (walked from an ancestor of `tip` with the same `dir`) with the
/// commits after it. The result equals a full walk from `tip`: the new commits all come
/// after the old ones in `git log --date-order` when every path from `tip` into the old
/// history passes through its tip, which is checked (NotAnExtension otherwise).
History extend_history(git_repository* repo, const git_commit* tip, History previous,
                       const ProgressFn& progress = {}, unsigned jobs = 1,
                       std::shared_ptr<const git::PackSet> packs = nullptr,
                       std::shared_ptr<const git::Rewrites> rewrites = nullptr);

} // namespace gh::history
