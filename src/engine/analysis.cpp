#include "engine/analysis.hpp"

#include "cache/stints_codec.hpp"
#include "git/repository.hpp"
#include "plain/plain_file.hpp"
#include "util/calendar.hpp"
#include "util/closest_names.hpp"
#include "util/parallel.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <numeric>
#include <set>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace gh::engine {

namespace {

plain::KeyMode parse_key_mode(std::string_view name) {
    if (name == "line") {
        return plain::KeyMode::line;
    }
    if (name == "title-artists") {
        return plain::KeyMode::title_artists;
    }
    throw Error::usage("unknown --key '{}': expected 'line' or 'title-artists'", name);
}

std::string normalise_dir(std::string dir) {
    while (!dir.empty() && dir.back() == '/') {
        dir.pop_back();
    }
    while (dir.starts_with("./")) {
        dir.erase(0, 2);
    }
    if (dir.empty() || dir.starts_with('/')) {
        throw Error::usage("--dir '{}' must be a path inside the repository, such as "
                           "playlists/plain",
                           dir);
    }
    return dir;
}

/// --pretty-dir, by default `pretty` beside the plain files' directory.
std::string pretty_dir(const Options& options, const std::string& dir) {
    if (!options.pretty_dir.empty()) {
        return normalise_dir(options.pretty_dir);
    }
    const auto slash = dir.rfind('/');
    return slash == std::string::npos ? "pretty" : dir.substr(0, slash + 1) + "pretty";
}

/// Warns about skipped entries, only those that matter to the selection: once per path
/// and kind, with how many commits had it.
void report_skipped(const history::History& history, const std::vector<std::string>& selection) {
    struct Seen {
        const history::SkippedEntry* first;
        std::size_t commits;
    };
    std::vector<Seen> seen;
    for (const auto& skipped : history.skipped) {
        const std::string_view name = std::string_view(skipped.path).substr(history.dir.size() + 1);
        if (!selection.empty() &&
            std::find(selection.begin(), selection.end(), name) == selection.end()) {
            continue;
        }
        const auto same = std::find_if(seen.begin(), seen.end(), [&](const Seen& s) {
            return s.first->path == skipped.path && s.first->kind == skipped.kind;
        });
        if (same == seen.end()) {
            seen.push_back({&skipped, 1});
        } else {
            ++same->commits;
        }
    }
    for (const auto& [first, commits] : seen) {
        warn("skipping {} (a {}, not a playlist file): at commit {}{}", first->path, first->kind,
             first->commit,
             commits > 1 ? fmt::format(" and {} more where it changed", commits - 1) : "");
    }
    if (!history.shallow_boundary.empty()) {
        warn("the repository is a shallow clone: history before commit {} is missing, so "
             "first-seen dates may be too late (run 'git fetch --unshallow')",
             history.shallow_boundary.front());
    }
}

/// The history continued from the cache, or an empty history (and no restored builders)
/// when the cache is absent or cannot be continued, which is said on stderr.
history::History continue_from_cache(Analysis& analysis, const git_commit* tip,
                                     const Options& options, const history::ProgressFn& report) {
    std::string why_not;
    auto saved = analysis.cache->load(why_not);
    if (!why_not.empty()) {
        note("{}: rebuilding from scratch", why_not);
    }
    if (!saved) {
        return {};
    }
    try {
        const git_oid cached_tip = saved->history.tip;
        const std::size_t cached_commits = saved->history.commits_walked;
        auto history =
            history::extend_history(analysis.repo.get(), tip, std::move(saved->history), report,
                                    options.jobs, analysis.packs, analysis.rewrites);
        analysis.cache_stale = !git_oid_equal(&cached_tip, &history.tip);
        analysis.reads.commits = history.commits_walked - cached_commits;
        analysis.saved = std::move(saved);
        return history;
    } catch (const history::NotAnExtension& error) {
        note("the cache does not lead to '{}' ({}): rebuilding from scratch", options.rev,
             error.what());
        return {};
    }
}

/// libgit2 resolves `main~3` or `HEAD^2` through the parents as stored, not as replace
/// refs and grafts make them, so with those such a revision could name another commit
/// than git's: it is refused rather than silently differing.
void refuse_ancestry_through_rewrites(std::string_view rev, const git::Rewrites& rewrites) {
    bool ancestry = rev.find('~') != std::string_view::npos;
    for (auto caret = rev.find('^'); caret != std::string_view::npos;
         caret = rev.find('^', caret + 1)) {
        ancestry = ancestry || rev.substr(caret + 1, 1) != "{"; // "^{commit}" only peels
    }
    if (ancestry && !rewrites.empty()) {
        throw Error::usage("--rev '{}': this repository replaces objects or grafts commits "
                           "(refs/replace/, info/grafts), which gh-analyze does not follow "
                           "through '~' and '^'; pass the commit itself: --rev \"$(git "
                           "rev-parse '{}')\"",
                           rev, rev);
    }
}

/// Every playlist's name as of the analysed revision (a deleted playlist's as of its last
/// version), by id.
using PlaylistNames = std::vector<std::pair<std::string, std::string>>;

PlaylistNames read_names(const Analysis& analysis) {
    git::ObjectReader reader(analysis.repo.get(), analysis.packs, analysis.rewrites);
    PlaylistNames names;
    for (const auto& [id, versions] : analysis.history.playlists) {
        const auto last = std::find_if(versions.rbegin(), versions.rend(),
                                       [](const history::Version& v) { return v.blob; });
        if (last == versions.rend()) {
            continue;
        }
        const auto content =
            reader.read_blob(*last->blob, "{}/{} at commit {}", analysis.history.dir, id,
                             analysis.history.snapshots.at(last->snapshot).commit);
        names.emplace_back(id, plain::parse_plain_file(content.view()).name);
    }
    return names;
}

/// The id of the playlist that `query` names: its id, its path (`playlists/plain/ID`), or
/// its exact name when no other playlist has it. Anything else is an error that lists
/// the closest ids and names.
std::string resolve_playlist(const Analysis& analysis, const std::string& query,
                             const std::string& rev, std::optional<PlaylistNames>& names) {
    const auto& playlists = analysis.history.playlists;
    if (playlists.contains(query)) {
        return query;
    }
    std::string_view path = query;
    while (path.starts_with("./")) {
        path.remove_prefix(2);
    }
    const std::string& dir = analysis.history.dir;
    if (path.starts_with(dir) && path.size() > dir.size() + 1 && path[dir.size()] == '/' &&
        playlists.contains(std::string(path.substr(dir.size() + 1)))) {
        return std::string(path.substr(dir.size() + 1));
    }
    if (!names) {
        names = read_names(analysis);
    }
    std::vector<std::string_view> named;
    for (const auto& [id, name] : *names) {
        if (name == query) {
            named.push_back(id);
        }
    }
    if (named.size() == 1) {
        return std::string(named.front());
    }
    if (named.size() > 1) {
        throw Error::usage("{} playlists are named '{}': give one of their ids ({})", named.size(),
                           query, fmt::join(named, ", "));
    }
    std::vector<std::string_view> candidates;
    for (const auto& [id, name] : *names) {
        candidates.push_back(id);
        candidates.push_back(name);
    }
    std::string hint;
    for (const std::string_view close : closest_names(query, candidates, 3)) {
        const auto by_name = std::find_if(names->begin(), names->end(),
                                          [&](const auto& entry) { return entry.second == close; });
        const bool is_id = playlists.contains(std::string(close));
        hint += hint.empty() ? "\ndid you mean " : ", or ";
        hint += is_id || by_name == names->end() ? fmt::format("{}", close)
                                                 : fmt::format("'{}' ({})", close, by_name->first);
    }
    fail("no playlist '{}' in {} in the history of '{}': name one by its id, its path ({}/ID) "
         "or its exact name{}{}",
         query, dir, rev, dir, hint, hint.empty() ? "" : "?");
}

} // namespace

Analysis analyse(const Options& options) {
    set_diagnostic_mode({options.quiet, options.strict});
    git::initialize();
    git::verify_objects(options.verify_objects);
    Analysis analysis;
    analysis.key_mode = parse_key_mode(options.key);
    const TimeZone zone = TimeZone::named(options.tz);
    const std::string dir = normalise_dir(options.dir);
    const std::string pretty = options.links ? pretty_dir(options, dir) : std::string();
    analysis.repo = git::open_repository(options.repo);
    analysis.rewrites = git::Rewrites::load(analysis.repo.get());
    refuse_ancestry_through_rewrites(options.rev, *analysis.rewrites);
    const git::Commit tip = git::resolve_commit(analysis.repo.get(), options.rev);

    Progress progress(!options.quiet);
    const history::ProgressFn report = [&](std::string_view stage, std::size_t done,
                                           std::size_t total) {
        progress.update(stage, done, total);
    };
    if (options.use_cache) {
        // A cache that cannot be used (a read-only repository, say) costs speed, not results.
        try {
            analysis.cache = std::make_unique<cache::Cache>(
                git::git_directory(analysis.repo.get()),
                cache::Settings{dir, options.key, options.tz, analysis.rewrites->digest(),
                                pretty.empty() ? "none" : pretty});
        } catch (const Error& error) {
            note("{}; continuing without the cache", error.what());
        }
    }
    if (!options.verify_objects) {
        // Indexes are verified once; the cache remembers which, so daily runs do not.
        const git::VerifiedIndexes known =
            analysis.cache ? analysis.cache->verified_indexes() : git::VerifiedIndexes();
        analysis.packs = std::make_shared<git::PackSet>(
            std::filesystem::path(git_repository_commondir(analysis.repo.get())) / "objects",
            known);
        if (analysis.cache && analysis.packs->verified() != known) {
            analysis.cache->save_verified_indexes(analysis.packs->verified());
        }
    }
    if (analysis.cache) {
        analysis.history = continue_from_cache(analysis, tip.get(), options, report);
    }
    if (analysis.history.snapshots.empty()) {
        analysis.history = history::walk_history(analysis.repo.get(), tip.get(), dir, report,
                                                 options.jobs, analysis.packs, analysis.rewrites);
        analysis.reads.commits = analysis.history.commits_walked;
    }
    progress.clear();
    report_skipped(analysis.history, options.playlists);
    if (analysis.history.snapshots.empty()) {
        fail("no commit reachable from '{}' has a directory {}", options.rev, dir);
    }

    const auto check_time = [&](const git_oid& commit, std::int64_t time) {
        if (!has_date(time)) {
            fail("commit {}: its committer time {} is out of range (expected seconds since "
                 "1970 up to the end of 9999, {})",
                 git::hex(commit), time, k_last_dated_time);
        }
    };
    check_time(analysis.history.tip, analysis.history.tip_time);
    for (const auto& snapshot : analysis.history.snapshots) {
        check_time(snapshot.commit, snapshot.time);
        const std::int32_t day = zone.day_of(snapshot.time);
        analysis.calendar.snapshot_days.push_back(day);
        analysis.labels.dates.push_back(format_day(day));
        analysis.labels.commits.push_back(git::hex(snapshot.commit));
    }
    analysis.calendar.tip_day = zone.day_of(analysis.history.tip_time);
    if (!pretty.empty()) {
        analysis.pretty = std::make_shared<PrettyViews>(pretty);
    }

    if (options.playlists.empty()) {
        for (const auto& [id, versions] : analysis.history.playlists) {
            analysis.selected.push_back(id);
        }
    }
    if (options.strict && warning_count() > 0) { // before anything is written
        fail("{} warning{}, which --strict makes errors", warning_count(),
             warning_count() == 1 ? "" : "s");
    }
    std::optional<PlaylistNames> names; // read only if a playlist is named by its name
    for (const auto& query : options.playlists) {
        const std::string id = resolve_playlist(analysis, query, options.rev, names);
        if (std::find(analysis.selected.begin(), analysis.selected.end(), id) ==
            analysis.selected.end()) {
            analysis.selected.push_back(id);
        }
    }
    return analysis;
}

namespace {

/// Reads blobs through its own repository handle: libgit2 handles are not shared
/// between threads (the pack files are).
class BlobReader {
  public:
    explicit BlobReader(const Analysis& analysis)
        : m_repo(git::reopen(analysis.repo.get())),
          m_objects(m_repo.get(), analysis.packs, analysis.rewrites) {}

    void prefetch(std::span<const git_oid> ids) const { m_objects.prefetch(ids); }

    git::ObjectBytes read(const git_oid& id, const history::History& history,
                          std::string_view playlist, std::uint32_t snapshot) {
        return m_objects.read_blob(id, "{}/{} at commit {}", history.dir, playlist,
                                   history.snapshots.at(snapshot).commit);
    }

    /// A playlist's pretty view at a commit, if there is one.
    std::optional<PrettyViews::Found> find_pretty(const Analysis& analysis, const git_oid& commit,
                                                  std::string_view id, std::string_view name) {
        return analysis.pretty->find(commit, id, name, m_objects, m_repo.get());
    }

    git::ObjectBytes read_pretty(const PrettyViews::Found& found, const Analysis& analysis,
                                 const git_oid& commit) {
        return m_objects.read_blob(found.blob, "{}/{} at commit {}", analysis.pretty->dir(),
                                   found.file, commit);
    }

    /// None for a root commit (a history joined from two roots may see a track gone there).
    std::optional<git_oid> parent_of(const git_oid& commit) {
        return history::first_parent(m_objects, m_repo.get(), commit);
    }

    /// Counts the rows link_rows gave links to, and those it could not.
    void count_links(std::size_t rows, std::size_t unlinked) {
        m_linked += rows - unlinked;
        m_unlinked += unlinked;
    }
    std::size_t linked_rows() const { return m_linked; }
    std::size_t unlinked_rows() const { return m_unlinked; }

    std::size_t blobs_read() const {
        return m_objects.stats().from_packs + m_objects.stats().from_libgit2;
    }

  private:
    git::Repository m_repo;
    git::ObjectReader m_objects;
    std::size_t m_linked = 0;
    std::size_t m_unlinked = 0;
};

/// How many versions are read ahead of applying them.
constexpr std::size_t k_read_ahead = 128;

/// Up to how many rows' titles a pretty view's rows are compared with before being read.
constexpr std::size_t k_titles_looked_for = 16;

/// The raw bytes of a blob id, as a table keeps the view its present rows were linked from.
std::string raw_id(const git_oid& id) {
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

/// The view a builder's present rows were linked from, and which rows were present, before
/// a stream is applied to it.
struct LinkedBefore {
    std::string view; // raw blob id; empty when none
    std::vector<bool> present;
};

/// The index of the first of `versions` (in snapshot order) at or after `snapshot`.
std::size_t version_at(std::span<const StreamVersion> versions, std::uint32_t snapshot) {
    return static_cast<std::size_t>(
        std::lower_bound(versions.begin(), versions.end(), snapshot,
                         [](const StreamVersion& v, std::uint32_t s) { return v.snapshot < s; }) -
        versions.begin());
}

/// Gives rows the links and length of the last commit that had them, as the archive's
/// generator did (it updated a present track's links every day, whether or not its plain
/// file changed): a row still present takes the pretty view at the analysed revision, a
/// removed one the view at the first parent of the commit it was seen gone in. The rows
/// are those seen or removed by `applied` (the versions this run applied, in snapshot
/// order), and every present row when the view at the revision is not the one they were
/// linked from. Views are read newest first, in batches. `names[i]` is the playlist's
/// name as of `applied[i]` (2019-2021 views are named by it), `name_before` as of the
/// version before the first.
///
/// `linked_before` is what the builder had linked before `applied`: a row that was present
/// then and is seen gone by the first version applied already carries the links of the view
/// it would take now when that view is the same blob (a daily run's removals: the previous
/// run linked them from the previous tip's view), so that view is not read again.
void link_rows(tables::TableBuilder& builder, std::span<const StreamVersion> applied,
               const std::vector<std::string>& names, std::string_view name_before,
               const LinkedBefore& linked_before, const Analysis& analysis, BlobReader& reader) {
    struct Wanted {
        git_oid commit{};
        std::string_view id;
        std::string_view name;
        std::vector<std::uint32_t> rows;
        std::optional<PrettyViews::Found> found;
    };
    std::vector<Wanted> wanted;
    const auto& ledger = builder.state().ledger;
    const auto& table = builder.state().table;
    // Present rows: the view at the revision.
    if (table.deleted) {
        builder.set_present_view({});
    } else if (table.versions > 0) {
        const std::string_view id =
            applied.empty() ? std::string_view(builder.id()) : applied.back().id;
        Wanted present{analysis.history.tip, id, table.name, {}, std::nullopt};
        present.found = reader.find_pretty(analysis, present.commit, id, table.name);
        const std::string view = present.found ? raw_id(present.found->blob) : std::string();
        const bool relink_all = view != table.present_view;
        // Present rows were seen in the last version: if this run applied it, all of them.
        for (std::uint32_t row = 0; row < table.rows.size(); ++row) {
            if (ledger.present(row) && (relink_all || !applied.empty())) {
                present.rows.push_back(row);
            }
        }
        builder.set_present_view(view);
        if (!present.rows.empty()) {
            wanted.push_back(std::move(present));
        }
    }
    // Removed rows: the view before the commit they were seen gone in, newest first.
    if (!applied.empty()) {
        std::map<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> removed;
        for (std::uint32_t row = 0; row < table.rows.size(); ++row) {
            const auto& removal = ledger.entry(row).removed;
            if (!ledger.present(row) && removal && *removal >= applied.front().snapshot) {
                removed[*removal].push_back(row);
            }
        }
        for (auto& [snapshot, rows] : removed) {
            const std::size_t k = version_at(applied, snapshot);
            const auto parent = reader.parent_of(analysis.history.snapshots.at(snapshot).commit);
            Wanted gone{parent.value_or(git_oid{}), k > 0 ? applied[k - 1].id : applied[k].id,
                        k > 0 ? std::string_view(names.at(k - 1)) : name_before, std::move(rows),
                        std::nullopt};
            if (parent) { // else no view: the fallback below looks for one
                gone.found = reader.find_pretty(analysis, *parent, gone.id, gone.name);
            }
            if (k == 0 && gone.found && raw_id(gone.found->blob) == linked_before.view) {
                std::erase_if(gone.rows, [&](std::uint32_t row) {
                    return row < linked_before.present.size() && linked_before.present[row];
                });
            }
            if (!gone.rows.empty()) {
                wanted.push_back(std::move(gone));
            }
        }
    }
    // Reads each wanted view and joins its rows; those it has no track for are put in
    // `unjoined`.
    pretty::View view;
    std::vector<git_oid> ids;
    std::vector<std::string_view> titles;
    const auto link_from = [&](std::vector<Wanted>& from, std::vector<std::uint32_t>& unjoined) {
        for (std::size_t begin = 0; begin < from.size(); begin += k_read_ahead) {
            const auto batch =
                std::span(from).subspan(begin, std::min(k_read_ahead, from.size() - begin));
            ids.clear();
            for (const Wanted& each : batch) {
                if (each.found) {
                    ids.push_back(each.found->blob);
                }
            }
            reader.prefetch(ids);
            for (const Wanted& each : batch) {
                view.clear();
                git::ObjectBytes bytes; // the view's texts point into it until link_rows is done
                if (each.found) {
                    bytes = reader.read_pretty(*each.found, analysis, each.commit);
                    // A view named by a name must link this playlist in its line 1: a
                    // playlist that took over another's name is not given the other's links.
                    if (each.found->form != pretty::Form::markdown ||
                        pretty::linked_playlist(bytes.view()) == each.id) {
                        // A few rows of a long view are looked for by title; many, by
                        // reading it.
                        titles.clear();
                        for (const std::uint32_t row : each.rows) {
                            titles.push_back(table.rows[row].title);
                        }
                        view.parse(bytes.view(), each.found->form,
                                   titles.size() <= k_titles_looked_for
                                       ? std::span(titles)
                                       : std::span<std::string_view>());
                    }
                }
                builder.link_rows(each.rows, view, &unjoined);
            }
        }
    };
    std::size_t rows = 0;
    for (const Wanted& each : wanted) {
        rows += each.rows.size();
    }
    std::vector<std::uint32_t> unjoined;
    link_from(wanted, unjoined);
    // A view that is not where it should be there (a maintainer's commit that renamed a
    // playlist's view before its plain file changed, say): those rows take the view of the
    // version they were last seen in, committed with it.
    std::map<std::uint32_t, std::vector<std::uint32_t>, std::greater<>> by_version;
    for (const std::uint32_t row : unjoined) {
        by_version[ledger.present(row) ? ledger.last_snapshot() : ledger.entry(row).last_seen]
            .push_back(row);
    }
    std::vector<Wanted> fallback;
    for (auto& [snapshot, each] : by_version) {
        const std::size_t k = version_at(applied, snapshot);
        const bool applied_now = k < applied.size() && applied[k].snapshot == snapshot;
        const git_oid commit = analysis.history.snapshots.at(snapshot).commit;
        fallback.push_back({commit, applied_now ? applied[k].id : std::string_view(builder.id()),
                            applied_now ? std::string_view(names.at(k)) : name_before,
                            std::move(each), std::nullopt});
        fallback.back().found =
            reader.find_pretty(analysis, commit, fallback.back().id, fallback.back().name);
    }
    unjoined.clear();
    link_from(fallback, unjoined);
    // Rows no view gives links to have none.
    reader.count_links(rows, unjoined.size());
}

/// Applies `stream` to a table, then (with pretty views) gives the rows seen in it their
/// links. Versions are read newest first, a batch at a time: git's packs store older
/// versions as deltas of newer ones, so each read then starts from a base the previous
/// read left in libgit2's cache. They are applied oldest first.
tables::TableBuilder apply_stream(tables::TableBuilder builder,
                                  std::span<const StreamVersion> stream, const Analysis& analysis,
                                  BlobReader& reader) {
    std::vector<git::ObjectBytes> contents;
    std::vector<git_oid> ids;
    std::vector<std::string> names; // as of each version applied, for link_rows
    const std::string name_before = builder.state().table.name;
    LinkedBefore linked_before;
    if (analysis.pretty && !builder.state().table.present_view.empty()) {
        linked_before.view = builder.state().table.present_view;
        const auto& ledger = builder.state().ledger;
        linked_before.present.resize(builder.state().table.rows.size());
        for (std::uint32_t row = 0; row < linked_before.present.size(); ++row) {
            linked_before.present[row] = ledger.present(row);
        }
    }
    for (std::size_t begin = 0; begin < stream.size(); begin += k_read_ahead) {
        const std::size_t end = std::min(stream.size(), begin + k_read_ahead);
        contents.clear();
        contents.resize(end - begin);
        ids.clear();
        for (std::size_t v = end; v-- > begin;) {
            if (stream[v].blob) {
                ids.push_back(*stream[v].blob);
            }
        }
        reader.prefetch(ids);
        for (std::size_t v = end; v-- > begin;) {
            if (stream[v].blob) {
                contents[v - begin] = reader.read(*stream[v].blob, analysis.history, stream[v].id,
                                                  stream[v].snapshot);
            }
        }
        for (std::size_t v = begin; v < end; ++v) {
            const std::int32_t day = analysis.calendar.snapshot_days.at(stream[v].snapshot);
            const auto& object = contents[v - begin];
            builder.apply(stream[v].snapshot, day,
                          object ? std::optional(object.view()) : std::nullopt);
            if (analysis.pretty) {
                names.push_back(object ? builder.state().table.name : std::string());
            }
        }
        builder.detach(); // the batch's bytes are freed next
    }
    if (analysis.pretty) {
        link_rows(builder, stream, names, name_before, linked_before, analysis, reader);
    }
    return builder;
}

/// Continues a playlist's table with the versions it has not seen yet (all of them for
/// a new builder).
tables::TableBuilder build_one(tables::TableBuilder builder, const Analysis& analysis,
                               BlobReader& reader) {
    const auto& [id, versions] = *analysis.history.playlists.find(builder.id());
    std::vector<StreamVersion> stream;
    stream.reserve(versions.size() - builder.versions());
    for (std::size_t v = builder.versions(); v < versions.size(); ++v) {
        stream.push_back({versions[v].snapshot, versions[v].blob, id});
    }
    return apply_stream(std::move(builder), stream, analysis, reader);
}

/// True when the pretty view at the analysed revision is not the one the present rows of
/// a saved table were linked from: the table needs new links although its file has no
/// new version (a track's length or links changed on their own).
bool needs_new_links(const cache::SavedBuilder* saved, const Analysis& analysis,
                     BlobReader& reader) {
    if (!analysis.pretty || !saved) {
        return false;
    }
    if (!analysis.history.playlists.find(saved->id)->second.back().blob) {
        return false; // deleted: nothing is present
    }
    const auto found = reader.find_pretty(analysis, analysis.history.tip, saved->id, saved->name);
    return (found ? raw_id(found->blob) : std::string()) != saved->present_view;
}

/// The builder the cache saved for a playlist, or (when that cannot be parsed, which the
/// cache's checksums make a bug, not damage) a new one, said so, to build from scratch.
tables::TableBuilder restore_or_start(const cache::SavedBuilder* saved, const Analysis& analysis,
                                      const std::string& id) {
    if (saved) {
        try {
            return tables::TableBuilder::restore(
                cache::parse_builder(*saved, analysis.history.snapshots.size()), analysis.key_mode);
        } catch (const std::exception& error) {
            note("the cache's table of {} cannot be read ({}): building it from scratch", id,
                 error.what());
        }
    }
    return tables::TableBuilder(id, analysis.key_mode);
}

} // namespace

tables::TableBuilder& BuiltPlaylist::up_to_date(const Analysis& analysis) {
    if (!builder) {
        tables::TableBuilder restored = restore_or_start(saved, analysis, id);
        if (restored.versions() != analysis.history.playlists.find(id)->second.size()) {
            BlobReader reader(analysis);
            restored = build_one(std::move(restored), analysis, reader);
        }
        builder.emplace(std::move(restored));
    }
    return *builder;
}

tables::PlaylistTable BuiltPlaylist::table(const Analysis& analysis) && {
    return std::move(up_to_date(analysis)).release_table(analysis.calendar.tip_day);
}

namespace {

/// A playlist's history while its versions are followed: its stints' rows are rows of its
/// builder until it is built, then indices in its table's key order (as saved).
struct FollowedHistory {
    cache::SavedStints saved;
    /// The stint each present row is in.
    std::unordered_map<std::uint32_t, std::size_t> open;
    /// Whether a version with tracks has been seen (see Membership::first_fill).
    bool filled = false;
    /// Followed by this run (not only read from the stints file).
    bool followed = false;
    /// Not followed, and decoded from the stints file.
    bool decoded = false;

    /// Starts from `from` (a playlist's stints as saved, taken), or from nothing.
    void start(cache::SavedStints* from) {
        saved = from ? std::move(*from) : cache::SavedStints();
        open.clear();
        for (std::size_t i = 0; i < saved.stints.size(); ++i) {
            if (!saved.stints[i].end) {
                open[saved.stints[i].row] = i;
            }
        }
        filled = std::any_of(saved.snapshots.begin(), saved.snapshots.end(),
                             [](const auto& snapshot) { return snapshot.keys > 0; });
    }

    void follow(const tables::TableBuilder::Change& change) {
        saved.snapshots.push_back(
            {change.snapshot, change.track_lines, change.size, change.deleted});
        for (const auto row : change.ended) {
            saved.stints[open.at(row)].end = change.snapshot;
            open.erase(row);
        }
        for (const auto row : change.started) {
            open[row] = saved.stints.size();
            saved.stints.push_back({row, change.snapshot, std::nullopt, !filled});
        }
        filled = filled || change.size > 0;
    }

    /// Once every version is followed: rows become their indices in key order.
    void finish(const tables::TableBuilder& builder) {
        const auto& order = builder.key_order();
        std::vector<std::uint32_t> rank(order.size());
        for (std::uint32_t i = 0; i < order.size(); ++i) {
            rank[order[i]] = i;
        }
        for (auto& stint : saved.stints) {
            stint.row = rank.at(stint.row);
        }
        saved.versions = builder.versions();
        open.clear();
        followed = true;
    }
};

/// The history of `table` from its stints as saved (rows in key order).
tables::PlaylistHistory history_of(tables::PlaylistTable table, const cache::SavedStints& saved) {
    tables::PlaylistHistory history;
    history.table = std::move(table);
    history.snapshots = saved.snapshots;
    history.memberships.reserve(saved.stints.size());
    for (const auto& stint : saved.stints) {
        if (stint.row >= history.table.rows.size()) {
            throw std::runtime_error(fmt::format("a stint of playlist {} names row {} of {}",
                                                 history.table.id, stint.row,
                                                 history.table.rows.size()));
        }
        history.memberships.push_back(
            {history.table.rows[stint.row].key, stint.start, stint.end, stint.first_fill});
    }
    history.index_stints();
    return history;
}

/// The stints file of the analysis's cache, or nothing (said on stderr when it cannot be
/// used).
std::optional<cache::StintsFile> load_stints(const Analysis& analysis) {
    try {
        return cache::read_stints(analysis.cache->stints_path(),
                                  analysis.cache->settings().describe(),
                                  analysis.history.snapshots.size());
    } catch (const std::exception& error) {
        note("the stints file {} is unusable ({}): following every playlist from its first "
             "version",
             analysis.cache->stints_path().string(), error.what());
        return std::nullopt;
    }
}

/// Keeps the cache's stints file while build_tables brings the builders up to date: a
/// builder restored without its stints is built again from its first version, every
/// version applied is followed, and the file is saved when anything was. The stints of a
/// playlist not followed are decoded only if they are asked for, and saved as read.
class StintsKeeper {
  public:
    explicit StintsKeeper(const Analysis& analysis) : m_file(load_stints(analysis)) {
        for (const auto& [id, versions] : analysis.history.playlists) {
            m_followed[id];
        }
    }

    bool restart(const std::string& id, std::uint32_t versions) const {
        const auto* entry = saved(id);
        return !entry || entry->versions != versions;
    }

    /// Called on the building thread of `builder`'s playlist.
    tables::TableBuilder::Observer observe(const tables::TableBuilder& builder) {
        FollowedHistory& history = m_followed.at(builder.id());
        if (builder.versions() == 0) {
            history.start(nullptr);
        } else {
            const auto* entry = saved(builder.id());
            if (!entry || entry->versions != builder.versions()) {
                throw std::logic_error("a table restored without its stints");
            }
            cache::SavedStints decoded = m_file->decode(builder.id(), *entry);
            history.start(&decoded);
        }
        return [&history](const tables::TableBuilder&, const tables::TableBuilder::Change& change) {
            history.follow(change);
        };
    }

    void built(const tables::TableBuilder& builder) { m_followed.at(builder.id()).finish(builder); }

    /// Saves the file if any playlist was followed; once every playlist could be read.
    void save(const Analysis& analysis) const {
        bool changed = false;
        std::vector<std::string> encoded;
        encoded.reserve(m_followed.size());
        std::vector<cache::StintsToSave> playlists;
        for (const auto& [id, history] : m_followed) {
            if (history.followed) {
                changed = true;
                encoded.push_back(cache::encode_stints(history.saved));
                playlists.push_back({id, history.saved.versions, encoded.back()});
            } else if (const auto* entry = saved(id)) {
                playlists.push_back({id, entry->versions, entry->encoded});
            }
        }
        if (!changed) {
            return;
        }
        try {
            PhaseTimer timer;
            cache::write_stints(analysis.cache->stints_path(),
                                analysis.cache->settings().describe(), playlists);
            timer.lap("save stints");
        } catch (const std::exception& error) {
            warn("{}; the stints file was not updated", error.what());
        }
    }

    /// A playlist's stints, once every playlist is up to date (on one thread).
    const cache::SavedStints& stints(std::string_view id) {
        FollowedHistory& history = m_followed.at(id);
        if (!history.followed && !history.decoded) {
            const auto* entry = saved(id);
            if (!entry) {
                throw std::logic_error("a playlist neither followed nor saved");
            }
            history.saved = m_file->decode(id, *entry);
            history.decoded = true;
        }
        return history.saved;
    }

  private:
    /// The playlist's entry in the file read, or null.
    const cache::StintsFile::Entry* saved(std::string_view id) const {
        if (!m_file) {
            return nullptr;
        }
        const auto found = m_file->playlists.find(id);
        return found == m_file->playlists.end() ? nullptr : &found->second;
    }

    std::optional<cache::StintsFile> m_file;
    std::map<std::string_view, FollowedHistory> m_followed;
};

/// build_tables, with the stints file kept by `keeper` (none: not kept).
std::vector<BuiltPlaylist> build_with(Analysis& analysis, const Options& options, bool& complete,
                                      const BuiltFn& built, StintsKeeper* keeper) {
    // With a cache every playlist is kept up to date; otherwise only those asked for.
    std::map<std::string_view, const cache::SavedBuilder*> saved;
    if (analysis.saved) {
        for (const auto& builder : analysis.saved->builders) {
            saved.emplace(builder.id, &builder);
        }
    }
    const std::set<std::string_view> selected(analysis.selected.begin(), analysis.selected.end());
    std::vector<BuiltPlaylist> pending;
    std::vector<bool> wanted;
    const auto add = [&](const std::string& id) {
        BuiltPlaylist playlist{id, 0, std::nullopt, std::nullopt, nullptr};
        if (const auto found = saved.find(id);
            found != saved.end() && !(keeper && keeper->restart(id, found->second->versions))) {
            playlist.saved = found->second;
        }
        pending.push_back(std::move(playlist));
        wanted.push_back(selected.contains(id));
    };
    if (analysis.cache) {
        for (const auto& [id, versions] : analysis.history.playlists) {
            add(id);
        }
    } else {
        for (const auto& id : analysis.selected) {
            add(id);
        }
    }
    const auto remaining = [&](const BuiltPlaylist& p) {
        return analysis.history.playlists.find(p.id)->second.size() -
               (p.saved ? p.saved->versions : 0);
    };
    // Most work first, so that no thread is left with a long history at the end.
    std::vector<std::size_t> order(pending.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return remaining(pending[a]) > remaining(pending[b]);
    });
    const std::size_t to_build = static_cast<std::size_t>(
        std::count_if(pending.begin(), pending.end(),
                      [&](const BuiltPlaylist& playlist) { return remaining(playlist) > 0; }));
    std::vector<std::optional<cache::BuilderToSave>> to_save(pending.size());
    if (analysis.cache) {
        analysis.cache->start_save(analysis.saved ? &*analysis.saved : nullptr);
    }
    std::vector<std::string> errors(pending.size());
    std::vector<std::string> cache_errors(pending.size());
    std::atomic<std::size_t> done{0};
    Progress progress(!options.quiet);
    const unsigned jobs = thread_count(options.jobs, order.size());
    std::vector<std::optional<BlobReader>> readers(jobs);
    run_parallel(order.size(), jobs, [&](unsigned thread, std::size_t item) {
        BuiltPlaylist& playlist = pending[order[item]];
        const cache::SavedBuilder* restored_from = playlist.saved;
        try {
            auto& reader = readers[thread];
            if (!reader) {
                reader.emplace(analysis);
            }
            if (remaining(playlist) > 0 || needs_new_links(playlist.saved, analysis, *reader)) {
                tables::TableBuilder builder =
                    restore_or_start(playlist.saved, analysis, playlist.id);
                if (builder.versions() == 0) {
                    restored_from = nullptr; // started again: nothing of it is in the pool
                }
                if (keeper) {
                    builder.observe(keeper->observe(builder));
                }
                playlist.builder.emplace(build_one(std::move(builder), analysis, *reader));
                if (keeper) {
                    keeper->built(*playlist.builder);
                }
                playlist.saved = nullptr;
                const auto& table = playlist.builder->state().table;
                playlist.stray_lines = table.stray_lines;
                playlist.first_stray = table.first_stray;
                const std::size_t finished = ++done;
                if (thread == 0) { // Progress is not shared between threads
                    progress.update("building tables", finished, to_build);
                }
            } else if (playlist.saved) {
                playlist.stray_lines = playlist.saved->stray_lines;
                playlist.first_stray = playlist.saved->first_stray;
            }
        } catch (const std::exception& error) {
            errors[order[item]] = error.what();
            return;
        }
        // A table that cannot be saved costs the next run time, not this run its output.
        try {
            if (analysis.cache) {
                auto& cache = *analysis.cache;
                if (!playlist.builder && !cache.fresh_pool()) {
                    to_save[order[item]].emplace(*playlist.saved); // copied as it was saved
                } else { // built now, or restored to write its texts into a new pool
                    to_save[order[item]].emplace(playlist.up_to_date(analysis),
                                                 cache.fresh_pool() ? nullptr : restored_from,
                                                 cache);
                }
            }
        } catch (const std::exception& error) {
            cache_errors[order[item]] = error.what();
        }
        // Written while it is fresh in this thread's memory, and freed.
        if (built && wanted[order[item]]) {
            built(playlist);
        }
    });
    progress.clear();
    for (const auto& reader : readers) {
        analysis.reads.blobs += reader ? reader->blobs_read() : 0;
        analysis.reads.linked_rows += reader ? reader->linked_rows() : 0;
        analysis.reads.unlinked_rows += reader ? reader->unlinked_rows() : 0;
    }
    if (analysis.pretty && analysis.pretty->seen() && analysis.reads.unlinked_rows > 0) {
        note("{} of {} rows have no links or length: neither the pretty view ({}) of the last "
             "commit that had them nor that of the version they were last seen in has a track "
             "with their line",
             analysis.reads.unlinked_rows,
             analysis.reads.linked_rows + analysis.reads.unlinked_rows, analysis.pretty->dir());
    }

    std::map<std::string_view, BuiltPlaylist*> by_id;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (!errors[i].empty()) {
            warn("skipping playlist {}: {}", pending[i].id, errors[i]);
            complete = false;
        } else {
            by_id.emplace(pending[i].id, &pending[i]);
        }
    }
    const auto cache_error = std::find_if(cache_errors.begin(), cache_errors.end(),
                                          [](const std::string& error) { return !error.empty(); });
    if (cache_error != cache_errors.end()) {
        warn("{}; the cache was not updated", *cache_error);
    } else if (analysis.cache && complete && analysis.cache_stale) {
        // Saved on a thread of its own while the caller writes its output (the tables'
        // work is done: --jobs is not exceeded); `Analysis` waits for it before it frees
        // what it saves.
        const auto builders =
            std::make_shared<std::vector<std::optional<cache::BuilderToSave>>>(std::move(to_save));
        const auto save = [&analysis, builders] {
            std::vector<const cache::BuilderToSave*> pointers;
            for (const auto& builder : *builders) {
                pointers.push_back(&*builder);
            }
            try {
                PhaseTimer timer;
                analysis.cache->save(analysis.history, pointers,
                                     analysis.saved ? &*analysis.saved : nullptr);
                timer.lap("save cache");
            } catch (const std::exception& error) {
                // The tables are right; only the next run will be slower.
                warn("{}; the cache was not updated", error.what());
            }
        };
        try {
            analysis.saving = std::jthread(save); // a copy: `save` stays whole if it fails
        } catch (const std::system_error&) {
        }
        if (!analysis.saving.joinable()) {
            save();
        }
    }
    std::vector<BuiltPlaylist> result;
    for (const auto& id : analysis.selected) {
        if (const auto found = by_id.find(id); found != by_id.end()) {
            result.push_back(std::move(*found->second));
        }
    }
    return result;
}

} // namespace

std::vector<BuiltPlaylist> build_tables(Analysis& analysis, const Options& options, bool& complete,
                                        const BuiltFn& built) {
    // The stints file is kept once a command that reads histories has made it.
    std::optional<StintsKeeper> keeper;
    std::error_code error;
    if (analysis.cache && std::filesystem::exists(analysis.cache->stints_path(), error)) {
        keeper.emplace(analysis);
    }
    auto result = build_with(analysis, options, complete, built, keeper ? &*keeper : nullptr);
    if (keeper && complete) {
        keeper->save(analysis);
    }
    return result;
}

std::vector<tables::TableBuilder> follow_playlists(const Analysis& analysis, const Options& options,
                                                   const FollowFn& follow) {
    std::vector<std::optional<tables::TableBuilder>> built(analysis.selected.size());
    std::vector<std::string> errors(analysis.selected.size());
    const unsigned jobs = thread_count(options.jobs, built.size());
    std::vector<std::optional<BlobReader>> readers(jobs);
    run_parallel(built.size(), jobs, [&](unsigned thread, std::size_t item) {
        try {
            if (!readers[thread]) {
                readers[thread].emplace(analysis);
            }
            tables::TableBuilder builder(analysis.selected[item], analysis.key_mode);
            builder.observe([&, item](const tables::TableBuilder& observed,
                                      const tables::TableBuilder::Change& change) {
                follow(item, observed, change);
            });
            built[item].emplace(build_one(std::move(builder), analysis, *readers[thread]));
        } catch (const std::exception& error) {
            errors[item] = error.what();
        }
    });
    std::vector<tables::TableBuilder> builders;
    for (std::size_t i = 0; i < built.size(); ++i) {
        if (!built[i]) {
            // Statistics over part of the data would be silently wrong: stop instead.
            fail("cannot read playlist {}: {}", analysis.selected[i], errors[i]);
        }
        builders.push_back(std::move(*built[i]));
    }
    return builders;
}

namespace {

/// collect_histories from the first version of each playlist, without a cache.
std::vector<tables::PlaylistHistory> follow_histories(const Analysis& analysis,
                                                      const Options& options) {
    std::vector<FollowedHistory> followed(analysis.selected.size());
    auto builders = follow_playlists(
        analysis, options,
        [&](std::size_t i, const tables::TableBuilder&,
            const tables::TableBuilder::Change& change) { followed[i].follow(change); });
    std::vector<tables::PlaylistHistory> histories;
    histories.reserve(builders.size());
    for (std::size_t i = 0; i < builders.size(); ++i) {
        followed[i].finish(builders[i]);
        histories.push_back(history_of(
            std::move(builders[i]).release_table(analysis.calendar.tip_day), followed[i].saved));
    }
    return histories;
}

} // namespace

std::vector<tables::PlaylistHistory> collect_histories(Analysis& analysis, const Options& options) {
    if (!analysis.cache) {
        return follow_histories(analysis, options);
    }
    StintsKeeper keeper(analysis);
    bool complete = true;
    std::vector<BuiltPlaylist> built = build_with(analysis, options, complete, {}, &keeper);
    if (!complete) {
        // Statistics over part of the data would be silently wrong: stop instead. (Another
        // playlist that cannot be read only keeps the stints file from being saved.)
        std::set<std::string_view> read;
        for (const auto& playlist : built) {
            read.insert(playlist.id);
        }
        for (const auto& id : analysis.selected) {
            if (!read.contains(id)) {
                fail("cannot read playlist {} (the warning above says why)", id);
            }
        }
    } else {
        keeper.save(analysis);
    }
    std::vector<tables::PlaylistHistory> histories;
    histories.reserve(built.size());
    for (auto& playlist : built) {
        const std::string id = playlist.id;
        histories.push_back(history_of(std::move(playlist).table(analysis), keeper.stints(id)));
    }
    return histories;
}

tables::PlaylistTable build_stream(const Analysis& analysis, std::string key,
                                   std::span<const StreamVersion> stream) {
    BlobReader reader(analysis);
    tables::TableBuilder builder = apply_stream(
        tables::TableBuilder(std::move(key), analysis.key_mode), stream, analysis, reader);
    return std::move(builder).release_table(analysis.calendar.tip_day);
}

std::vector<tables::PlaylistTable> tables_at_tip(std::vector<BuiltPlaylist>&& built,
                                                 const Analysis& analysis) {
    std::vector<tables::PlaylistTable> tables;
    tables.reserve(built.size());
    for (auto& playlist : built) {
        tables.push_back(std::move(playlist).table(analysis));
    }
    return tables;
}

} // namespace gh::engine
