#include "engine/archive_layout.hpp"

#include "cache/current_era_cache.hpp"
#include "git/repository.hpp"
#include "plain/validate.hpp"
#include "pretty/pretty_view.hpp"
#include "util/calendar.hpp"
#include "util/parallel.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace gh::engine {

Era detect_era(const Analysis& analysis) {
    if (!analysis.pretty) {
        fail("the archive's layout needs the pretty views, which are not read here");
    }
    git::ObjectReader reader(analysis.repo.get(), analysis.packs, analysis.rewrites);
    const auto files = history::files_in(reader, analysis.repo.get(), analysis.history.tip,
                                         analysis.pretty->dir());
    bool markdown = false;
    for (const auto& [file, blob] : files) {
        const auto dot = file.rfind('.');
        if (dot == std::string::npos) {
            continue;
        }
        const std::string_view base = std::string_view(file).substr(0, dot);
        const std::string_view extension = std::string_view(file).substr(dot);
        if ((extension == ".json" || extension == ".md") && plain::is_playlist_id(base) &&
            analysis.history.playlists.contains(std::string(base))) {
            return Era::current;
        }
        markdown = markdown || extension == ".md";
    }
    if (!markdown) {
        fail("cannot tell which era of the archive's layout to write: {} at {} has no pretty "
             "views (<name>.md until 2021, <id>.md and <id>.json since); give --pretty-dir "
             "if they are elsewhere",
             analysis.pretty->dir(), git::hex(analysis.history.tip));
    }
    return Era::y2021;
}

std::string cumulative_dir(const Analysis& analysis) {
    const std::string& dir = analysis.history.dir;
    const auto slash = dir.rfind('/');
    return slash == std::string::npos ? "cumulative" : dir.substr(0, slash + 1) + "cumulative";
}

std::map<std::string, std::string> existing_cumulative_files(const Analysis& analysis) {
    git::ObjectReader reader(analysis.repo.get(), analysis.packs, analysis.rewrites);
    const std::string dir = cumulative_dir(analysis);
    std::map<std::string, std::string> files;
    for (const auto& [file, blob] :
         history::files_in(reader, analysis.repo.get(), analysis.history.tip, dir)) {
        files.emplace(
            file, std::string(
                      reader.read_blob(blob, "{}/{} at commit {}", dir, file, analysis.history.tip)
                          .view()));
    }
    return files;
}

namespace {

bool is_github_part(std::string_view part) {
    return !part.empty() && part != "." && part != ".." &&
           std::all_of(part.begin(), part.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
           });
}

} // namespace

std::optional<std::string> parse_github_name(std::string_view name) {
    const auto slash = name.find('/');
    if (slash == std::string_view::npos || !is_github_part(name.substr(0, slash)) ||
        !is_github_part(name.substr(slash + 1))) {
        return std::nullopt;
    }
    return std::string(name);
}

std::optional<std::string> origin_github_name(const Analysis& analysis) {
    // The configured url itself (not git_remote_lookup, whose matching of `insteadOf`
    // rules leaks in libgit2 1.5).
    git_config* config = nullptr;
    if (git_repository_config_snapshot(&config, analysis.repo.get()) != 0) {
        return std::nullopt;
    }
    git_buf value = GIT_BUF_INIT;
    std::string url;
    if (git_config_get_string_buf(&value, config, "remote.origin.url") == 0) {
        url.assign(value.ptr, value.size);
    }
    git_buf_dispose(&value);
    git_config_free(config);
    std::string_view path = url;
    bool found = false;
    for (const std::string_view prefix :
         {"https://github.com/", "http://github.com/", "git@github.com:", "ssh://git@github.com/",
          "git://github.com/"}) {
        if (path.starts_with(prefix)) {
            path.remove_prefix(prefix.size());
            found = true;
            break;
        }
    }
    if (!found) {
        return std::nullopt;
    }
    while (path.ends_with('/')) {
        path.remove_suffix(1);
    }
    if (path.ends_with(".git")) {
        path.remove_suffix(4);
    }
    return parse_github_name(path);
}

namespace {

/// Something that happened to a name at a snapshot: a playlist carrying it had a new
/// version, or stopped carrying it (deleted, or renamed).
struct Event {
    std::uint32_t snapshot = 0;
    bool release = false;
    std::string_view id;
    std::optional<git_oid> blob;
};

/// The versions of a name's table: the bot's rules (SPEC "The archive's own layouts"),
/// one version per snapshot. A release by the playlist that carries the name ends its
/// rows; a release by another (which lost the name to a newer carrier) changes nothing;
/// a version at the same snapshot as a release replaces it.
std::vector<StreamVersion> name_stream(const history::History& history, std::string_view name,
                                       std::vector<Event>& events) {
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return std::tie(a.snapshot, b.release) < std::tie(b.snapshot, a.release);
    });
    std::vector<StreamVersion> stream;
    std::optional<std::string_view> owner;
    std::set<std::string_view> carrying;
    bool warned = false;
    for (const Event& event : events) {
        const bool same_snapshot = !stream.empty() && stream.back().snapshot == event.snapshot;
        if (event.release) {
            carrying.erase(event.id);
            if (owner == event.id) {
                owner.reset();
                if (!same_snapshot) {
                    stream.push_back({event.snapshot, std::nullopt, event.id});
                }
            }
            continue;
        }
        carrying.insert(event.id);
        if (carrying.size() > 1 && !warned) {
            warned = true;
            const auto other = *std::find_if(carrying.begin(), carrying.end(),
                                             [&](std::string_view id) { return id != event.id; });
            warn("playlists {} and {} are both named '{}' at commit {}: the name's table "
                 "follows whichever of them changed last, as the archive's own tables did",
                 other, event.id, escape_control(name),
                 git::hex(history.snapshots.at(event.snapshot).commit));
        }
        owner = event.id;
        if (same_snapshot) {
            stream.back() = {event.snapshot, event.blob, event.id};
        } else {
            stream.push_back({event.snapshot, event.blob, event.id});
        }
    }
    return stream;
}

} // namespace

std::vector<NameTable> name_tables(const Analysis& analysis,
                                   std::vector<tables::PlaylistTable> by_id) {
    std::map<std::string, std::vector<Event>> events; // by name
    for (const auto& table : by_id) {
        const auto& versions = analysis.history.playlists.at(table.id);
        const std::string* carried = nullptr;
        std::size_t next_name = 0;
        for (const auto& version : versions) {
            if (!version.blob) {
                if (carried) {
                    events[*carried].push_back({version.snapshot, true, table.id, std::nullopt});
                }
                carried = nullptr;
                continue;
            }
            while (next_name < table.names.size() &&
                   table.names[next_name].snapshot <= version.snapshot) {
                ++next_name;
            }
            if (next_name == 0) {
                throw std::logic_error("a version with content and no name: " + table.id);
            }
            const std::string& name = table.names[next_name - 1].name;
            if (carried && *carried != name) {
                events[*carried].push_back({version.snapshot, true, table.id, std::nullopt});
            }
            events[name].push_back({version.snapshot, false, table.id, version.blob});
            carried = &name;
        }
    }

    // (Keys are copies: a table moved into a name's below takes its id along.)
    std::map<std::string, tables::PlaylistTable*> table_of;
    for (auto& table : by_id) {
        table_of.emplace(table.id, &table);
    }
    std::vector<NameTable> result;
    for (auto& [name, happened] : events) {
        if (name.find_first_not_of(" \t") == std::string::npos) {
            continue; // never scraped, or a hand-made file of spaces: no name
        }
        NameTable named{name, {}, {}};
        for (const Event& event : happened) {
            if (std::find(named.ids.begin(), named.ids.end(), event.id) == named.ids.end()) {
                named.ids.emplace_back(event.id);
            }
        }
        tables::PlaylistTable* own = table_of.at(named.ids.front());
        if (named.ids.size() == 1 && own->names.size() == 1) {
            named.table = std::move(*own); // the playlist's table is the name's
        } else {
            const auto stream = name_stream(analysis.history, name, happened);
            std::string_view carrier;
            for (const StreamVersion& version : stream) {
                carrier = version.blob ? version.id : carrier;
            }
            named.table = build_stream(analysis, std::string(carrier), stream);
            named.table.name = name;
        }
        result.push_back(std::move(named));
    }
    return result;
}

std::vector<IdChange> detect_id_changes(const Analysis& analysis,
                                        const std::vector<const tables::PlaylistTable*>& tables) {
    const auto& days = analysis.calendar.snapshot_days;
    struct Candidate {
        const tables::PlaylistTable* table;
        std::uint32_t snapshot; // of its deletion, or of its first name
    };
    std::map<std::string_view, std::vector<Candidate>> deleted;  // by last name
    std::map<std::string_view, std::vector<Candidate>> appeared; // by first name
    for (const auto* each : tables) {
        const tables::PlaylistTable& table = *each;
        const auto& versions = analysis.history.playlists.at(table.id);
        const auto named = std::find_if(table.names.begin(), table.names.end(),
                                        [](const auto& change) { return !change.name.empty(); });
        if (named == table.names.end()) {
            continue;
        }
        appeared[named->name].push_back({&table, named->snapshot});
        if (!versions.back().blob && !table.names.back().name.empty()) {
            deleted[table.names.back().name].push_back({&table, versions.back().snapshot});
        }
    }
    struct Pair {
        std::int32_t distance;
        const Candidate* from;
        const Candidate* to;
    };
    std::vector<Pair> pairs;
    for (const auto& [name, gone] : deleted) {
        const auto found = appeared.find(name);
        if (found == appeared.end()) {
            continue;
        }
        for (const auto& from : gone) {
            const auto from_first = analysis.history.playlists.at(from.table->id).front().snapshot;
            for (const auto& to : found->second) {
                const auto to_first = analysis.history.playlists.at(to.table->id).front().snapshot;
                const std::int32_t distance =
                    std::abs(days.at(to.snapshot) - days.at(from.snapshot));
                if (to.table != from.table && to_first > from_first && distance <= 7) {
                    pairs.push_back({distance, &from, &to});
                }
            }
        }
    }
    // The nearest pairs first; each playlist takes part in one change each way.
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const Pair& a, const Pair& b) { return a.distance < b.distance; });
    std::set<const tables::PlaylistTable*> continued, continuing;
    std::vector<IdChange> changes;
    for (const auto& pair : pairs) {
        if (continued.insert(pair.from->table).second) {
            if (continuing.insert(pair.to->table).second) {
                changes.push_back({pair.from->table->id, pair.to->table->id,
                                   pair.from->table->names.back().name, pair.from->snapshot,
                                   pair.to->snapshot});
            } else {
                continued.erase(pair.from->table);
            }
        }
    }
    std::sort(changes.begin(), changes.end(), [](const IdChange& a, const IdChange& b) {
        return std::tie(a.deleted, a.from) < std::tie(b.deleted, b.from);
    });
    return changes;
}

std::vector<tables::PlaylistTable> follow_id_changes(const Analysis& analysis,
                                                     std::vector<tables::PlaylistTable> tables,
                                                     const std::vector<IdChange>& changes,
                                                     bool quiet) {
    std::map<std::string_view, const IdChange*> next, previous;
    for (const auto& change : changes) {
        next.emplace(change.from, &change);
        previous.emplace(change.to, &change);
        if (!quiet) {
            note("playlist {} continues as {} ('{}'): {} was deleted at commit {}, and {} "
                 "first had its name at commit {}",
                 change.from, change.to, escape_control(change.name), change.from,
                 git::hex(analysis.history.snapshots.at(change.deleted).commit), change.to,
                 git::hex(analysis.history.snapshots.at(change.appeared).commit));
        }
    }
    std::vector<tables::PlaylistTable> result;
    for (auto& table : tables) {
        if (next.contains(table.id)) {
            continue; // part of a later id's table
        }
        if (!previous.contains(table.id)) {
            result.push_back(std::move(table));
            continue;
        }
        std::vector<std::string> chain = {table.id};
        for (auto at = previous.find(chain.front()); at != previous.end();
             at = previous.find(chain.front())) {
            chain.insert(chain.begin(), at->second->from);
        }
        std::vector<StreamVersion> stream;
        for (std::size_t i = 0; i < chain.size(); ++i) {
            const auto& versions = analysis.history.playlists.at(chain[i]);
            // An id's versions end where the next one's begin.
            const std::uint32_t end =
                i + 1 < chain.size() ? analysis.history.playlists.at(chain[i + 1]).front().snapshot
                                     : UINT32_MAX;
            for (const auto& version : versions) {
                if (version.snapshot >= end) {
                    break;
                }
                if (!stream.empty() && stream.back().snapshot >= version.snapshot) {
                    continue; // the next id's first version replaces the deletion
                }
                stream.push_back({version.snapshot, version.blob, chain[i]});
            }
        }
        tables::PlaylistTable followed = build_stream(analysis, table.id, stream);
        chain.pop_back();
        followed.former_ids = std::move(chain);
        result.push_back(std::move(followed));
    }
    return result;
}

std::vector<CurrentEraPlaylist> current_era_tables(const Analysis& analysis,
                                                   const Options& options) {
    const git::Commit tip =
        git::resolve_commit(analysis.repo.get(), git::hex(analysis.history.tip));
    // The pretty directory's walk and the tables, continued from the cache when it can.
    std::optional<cache::CurrentEraState> saved;
    if (analysis.cache) {
        std::string why_not;
        saved = cache::load_current_era(*analysis.cache, why_not);
        if (!why_not.empty()) {
            note("{}: reading every pretty view", why_not);
        }
    }
    history::History views;
    if (saved) {
        try {
            views = history::extend_history(analysis.repo.get(), tip.get(), std::move(saved->views),
                                            {}, options.jobs, analysis.packs, analysis.rewrites);
        } catch (const history::NotAnExtension& error) {
            note("the current-era cache does not lead to '{}' ({}): reading every pretty view",
                 options.rev, error.what());
            saved.reset();
        }
    }
    if (!saved) {
        views = history::walk_history(analysis.repo.get(), tip.get(), analysis.pretty->dir(), {},
                                      options.jobs, analysis.packs, analysis.rewrites);
    }
    const TimeZone zone = TimeZone::named(options.tz);
    std::vector<std::string> dates;
    for (const auto& snapshot : views.snapshots) {
        dates.push_back(format_day(zone.day_of(snapshot.time)));
    }
    const std::set<std::string_view> selected(analysis.selected.begin(), analysis.selected.end());
    std::vector<std::pair<std::string, const std::vector<history::Version>*>> wanted;
    for (const auto& [file, versions] : views.playlists) {
        if (file.ends_with(".json") &&
            selected.contains(std::string_view(file).substr(0, file.size() - 5))) {
            wanted.emplace_back(file.substr(0, file.size() - 5), &versions);
        }
    }
    std::vector<CurrentEraPlaylist> tables(wanted.size());
    std::vector<std::uint32_t> taken_in(wanted.size(), 0); // versions already in the table
    for (std::size_t i = 0; saved && i < wanted.size(); ++i) {
        if (auto found = saved->tables.find(wanted[i].first); found != saved->tables.end()) {
            taken_in[i] = found->second.first;
            tables[i].table = std::move(found->second.second);
        }
    }
    std::vector<std::string> errors(wanted.size());
    const unsigned jobs = thread_count(options.jobs, wanted.size());
    run_parallel(wanted.size(), jobs, [&](unsigned, std::size_t item) {
        const auto& [id, versions] = wanted[item];
        try {
            const git::Repository repo = git::reopen(analysis.repo.get());
            git::ObjectReader reader(repo.get(), analysis.packs, analysis.rewrites);
            tables[item].id = id;
            pretty::View view;
            for (std::size_t v = taken_in[item]; v < versions->size(); ++v) {
                const auto& version = (*versions)[v];
                const auto& commit = views.snapshots.at(version.snapshot).commit;
                if (!version.blob) {
                    tables[item].table.remove(dates.at(version.snapshot));
                    continue;
                }
                const auto bytes = reader.read_blob(*version.blob, "{}/{}.json at commit {}",
                                                    views.dir, id, commit);
                view.clear();
                view.parse(bytes.view(), pretty::Form::json);
                if (!view.read_json()) {
                    warn("{}/{}.json at commit {} is not a pretty view (expected a JSON object "
                         "with its tracks): skipped",
                         views.dir, id, commit);
                    continue;
                }
                tables[item].table.apply(dates.at(version.snapshot), view);
            }
        } catch (const std::exception& error) {
            errors[item] = error.what();
        }
    });
    std::vector<CurrentEraPlaylist> result;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        if (!errors[i].empty()) {
            fail("cannot read the pretty views of playlist {}: {}", wanted[i].first, errors[i]);
        }
    }
    if (analysis.cache) {
        // Tables not asked for this time stay as saved, to be continued another time.
        cache::CurrentEraState state;
        if (saved) {
            state.tables = std::move(saved->tables);
        }
        for (std::size_t i = 0; i < tables.size(); ++i) {
            state.tables[tables[i].id] = {static_cast<std::uint32_t>(wanted[i].second->size()),
                                          tables[i].table};
        }
        state.views = std::move(views);
        try {
            cache::save_current_era(*analysis.cache, state);
        } catch (const std::exception& error) {
            warn("{}; the current-era cache was not updated", error.what());
        }
    }
    for (auto& table : tables) {
        if (!table.table.first_scraped.empty()) {
            result.push_back(std::move(table));
        }
    }
    return result;
}

} // namespace gh::engine
