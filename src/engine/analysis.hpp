#pragma once

// The pipeline every history command shares: open the repository, walk the history of the
// plain files (or continue the cache's walk), and build and follow the playlists' tables
// on threads. It knows nothing of command lines: commands fill an Options and render what
// comes back.

#include "cache/cache.hpp"
#include "engine/pretty_views.hpp"
#include "git/handles.hpp"
#include "git/object_reader.hpp"
#include "history/history.hpp"
#include "plain/track_key.hpp"
#include "tables/cumulative.hpp"
#include "tables/playlist_history.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace gh::engine {

/// What to analyse and how (SPEC "Commands" names the options that fill it).
struct Options {
    std::string repo; ///< empty: the repository containing the current directory
    std::string rev = "HEAD";
    std::string dir = "playlists/plain";
    std::vector<std::string> playlists; ///< ids, paths or names; empty: every playlist
    std::string tz = "UTC";
    std::string key = "line"; ///< "line" or "title-artists"
    bool quiet = false;       ///< no progress, notes or warnings on stderr
    bool strict = false;      ///< warnings are errors
    unsigned jobs = 0;        ///< threads; 0: one per processor
    bool verify_objects = false;
    bool use_cache = true;
    /// Read the pretty view committed with each version, for the rows' links and lengths.
    bool links = false;
    std::string pretty_dir; ///< empty: `pretty` beside `dir`
};

/// A repository's playlist history, walked and dated, ready for tables.
struct Analysis {
    git::Repository repo;
    /// The repository's pack files, read directly; null with --verify-objects.
    std::shared_ptr<const git::PackSet> packs;
    /// The replaced objects and grafts that git follows in this repository.
    std::shared_ptr<const git::Rewrites> rewrites;
    history::History history;
    tables::Calendar calendar;
    tables::SnapshotLabels labels;
    plain::KeyMode key_mode = plain::KeyMode::line;
    /// The pretty views, when links are read.
    std::shared_ptr<PrettyViews> pretty;
    /// The playlists to report: those asked for, or every one in the history.
    std::vector<std::string> selected;
    /// The cache (held locked until the analysis ends), what it held, and whether this run
    /// has anything new to save in it.
    std::unique_ptr<cache::Cache> cache;
    std::optional<cache::Saved> saved;
    bool cache_stale = true;
    /// What this run read itself (not what the cache had): the commits it walked and the
    /// blobs build_tables read. A daily run reads only the new commits and what they changed.
    struct Reads {
        std::size_t commits = 0;
        std::size_t blobs = 0;
        /// Rows given links from the pretty views read, and rows no view had a track for.
        std::size_t linked_rows = 0;
        std::size_t unlinked_rows = 0;
    };
    Reads reads;
    /// The cache being saved while the output is written (see build_tables). Declared
    /// last, so that it is waited for before anything it saves is freed.
    std::jthread saving;

    /// Waits until the cache is saved. A command calls this before it writes to stdout:
    /// a reader that stops reading early ends the process, which must not cut a save short.
    void finish_saving() {
        if (saving.joinable()) {
            saving.join();
        }
    }
};

/// Opens the repository, walks the history of --dir from --rev (continuing from the
/// cache when it can) and reports on stderr what was skipped (non-file entries, a shallow
/// clone's missing history).
Analysis analyse(const Options& options);

/// A selected playlist's table: built by this run, or still as the cache saved it (then
/// parsed only if it is needed, see `table`).
struct BuiltPlaylist {
    std::string id;
    std::uint32_t stray_lines = 0;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
    std::optional<tables::TableBuilder> builder;
    const cache::SavedBuilder* saved = nullptr;

    /// The builder, restored from the cache if need be.
    tables::TableBuilder& up_to_date(const Analysis& analysis);
    /// The table as of the analysed revision; spends the builder.
    tables::PlaylistTable table(const Analysis& analysis) &&;
};

/// Called on the building thread as soon as a selected playlist is up to date, so that
/// its table is written while it is still in the processor's caches; it may spend the
/// builder (the cache has its own copy by then). It must not throw.
using BuiltFn = std::function<void(BuiltPlaylist&)>;

/// Builds the tables of the selected playlists on `jobs` threads (each playlist on one;
/// the result does not depend on how many). With a cache, every playlist is brought up to
/// date (those without new versions stay as saved) and the cache is updated. A playlist
/// whose data cannot be read is reported and left out; `complete` becomes false then (and
/// the cache is left as it was). Once a stints file is in the cache (collect_histories),
/// it is kept up to date too.
std::vector<BuiltPlaylist> build_tables(Analysis& analysis, const Options& options, bool& complete,
                                        const BuiltFn& built = {});

/// Called after every version of a followed playlist: which of the selected playlists
/// (an index into Analysis::selected), its builder, and what the version changed.
using FollowFn = std::function<void(std::size_t, const tables::TableBuilder&,
                                    const tables::TableBuilder::Change&)>;

/// Builds the selected playlists' tables from their first version, calling `follow`
/// after each version: the engine of `cumulative`, watched version by version, for the
/// commands that need more than the final table. Calls for one playlist come in order
/// and from one thread; different playlists may run on different threads.
std::vector<tables::TableBuilder> follow_playlists(const Analysis& analysis, const Options& options,
                                                   const FollowFn& follow);

/// Every selected playlist's table with the size of each version and every stint of every
/// track (tables::PlaylistHistory): what export, churn, report and track read. Built from
/// each playlist's first version; with a cache, continued from the cache's builders and its
/// stints file (which is updated), so that a daily run reads only what is new.
std::vector<tables::PlaylistHistory> collect_histories(Analysis& analysis, const Options& options);

/// One version of a table that follows playlists across files: the version of playlist
/// `id` at snapshot `snapshot` (none: the file was deleted, or no longer carries what the
/// table follows).
struct StreamVersion {
    std::uint32_t snapshot = 0;
    std::optional<git_oid> blob;
    std::string_view id;
};

/// Builds one table, called `key`, from versions of several playlists, each snapshot at
/// most once and in increasing order: a table that continues when what it follows (a
/// name, say) moves from one playlist to another. Links are read as for any table, each
/// version's from its own playlist's pretty view.
tables::PlaylistTable build_stream(const Analysis& analysis, std::string key,
                                   std::span<const StreamVersion> stream);

/// The tables of all of `built` as of the analysed revision.
std::vector<tables::PlaylistTable> tables_at_tip(std::vector<BuiltPlaylist>&& built,
                                                 const Analysis& analysis);

} // namespace gh::engine
