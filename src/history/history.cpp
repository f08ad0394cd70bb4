#include "history/history.hpp"

#include "git/handles.hpp"
#include "git/object_reader.hpp"
#include "git/oid.hpp"
#include "git/raw_objects.hpp"
#include "git/repository.hpp"
#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <memory>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace gh::history {

namespace {

/// A commit seen by the walk. Commits reached only as a non-followed parent of a merge
/// are loaded (their directory decides which parent is followed) but not in the graph.
struct Node {
    git_oid id{};
    std::int64_t time = 0;
    std::optional<git_oid> dir;
    std::vector<git_oid> parent_ids;
    std::vector<std::uint32_t> followed;
    std::uint32_t children = 0;
    bool in_graph = false;
    bool snapshot = false;
};

/// A tree read and parsed, shared between the commits that have it.
struct ParsedTree {
    git::ObjectBytes bytes;
    std::vector<git::RawEntry> entries; ///< into `bytes`
};
using SharedTree = std::shared_ptr<const ParsedTree>;

/// A tree that parse_tree does not take (a zero-padded mode, say), as libgit2 reads it;
/// libgit2's error when it cannot.
SharedTree tree_from_libgit2(git_repository* repo, const git_oid& id) {
    const git::Tree tree = git::lookup_tree(repo, id);
    const std::size_t count = git_tree_entrycount(tree.get());
    std::size_t size = 0;
    for (std::size_t i = 0; i < count; ++i) {
        size += std::strlen(git_tree_entry_name(git_tree_entry_byindex(tree.get(), i))) + 1 +
                GIT_OID_RAWSZ;
    }
    auto buffer = std::make_shared_for_overwrite<char[]>(std::max<std::size_t>(size, 1));
    ParsedTree parsed{git::ObjectBytes(buffer, size), {}};
    char* at = buffer.get();
    for (std::size_t i = 0; i < count; ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
        const std::string_view name = git_tree_entry_name(entry);
        std::memcpy(at, name.data(), name.size());
        at[name.size()] = '\0';
        std::memcpy(at + name.size() + 1, git_tree_entry_id(entry)->id, GIT_OID_RAWSZ);
        parsed.entries.push_back({std::string_view(at, name.size()),
                                  static_cast<std::uint32_t>(git_tree_entry_filemode_raw(entry)),
                                  reinterpret_cast<const unsigned char*>(at + name.size() + 1)});
        at += name.size() + 1 + GIT_OID_RAWSZ;
    }
    return std::make_shared<const ParsedTree>(std::move(parsed));
}

SharedTree read_tree(git::ObjectReader& reader, git_repository* repo, const git_oid& id) {
    auto [bytes, type] = reader.read(id, "tree");
    if (type != GIT_OBJECT_TREE) {
        fail("reading tree {}: the object is a {}, not a tree", id, git_object_type2string(type));
    }
    auto entries = git::parse_tree(bytes.view());
    if (!entries) {
        return tree_from_libgit2(repo, reader.rewrites().object(id));
    }
    return std::make_shared<const ParsedTree>(ParsedTree{std::move(bytes), std::move(*entries)});
}

const git::RawEntry* entry_at(const SharedTree& tree, std::size_t index) {
    return tree && index < tree->entries.size() ? &tree->entries[index] : nullptr;
}

bool same_dir(const std::optional<git_oid>& a, const std::optional<git_oid>& b) {
    if (a.has_value() != b.has_value()) {
        return false;
    }
    return !a || git_oid_equal(&*a, &*b);
}

bool same_entry(const git::RawEntry* a, const git::RawEntry* b) {
    if (!a || !b) {
        return a == b;
    }
    return a->mode == b->mode && std::memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;
}

bool is_regular_file(git_filemode_t mode) {
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

std::string entry_kind(git_filemode_t mode) {
    switch (mode) {
    case GIT_FILEMODE_TREE:
        return "directory";
    case GIT_FILEMODE_LINK:
        return "symbolic link";
    case GIT_FILEMODE_COMMIT:
        return "submodule";
    default:
        return fmt::format("entry of mode {:o}", static_cast<unsigned>(mode));
    }
}

} // namespace

git::RawCommit read_commit(git::ObjectReader& reader, git_repository* repo, const git_oid& id) {
    const auto [bytes, type] = reader.read(id, "commit");
    if (type != GIT_OBJECT_COMMIT) {
        fail("reading commit {}: the object is a {}, not a commit", id,
             git_object_type2string(type));
    }
    if (auto commit = git::parse_commit(bytes.view())) {
        return *commit;
    }
    // Headers out of the usual form: libgit2 reads them, or says what is wrong.
    git::Commit commit;
    const git_oid& replaced = reader.rewrites().object(id);
    git::check(git_commit_lookup(git::out(commit), repo, &replaced), "reading commit {}", id);
    git::RawCommit parsed{*git_commit_tree_id(commit.get()), {}, git_commit_time(commit.get())};
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) {
        parsed.parents.push_back(*git_commit_parent_id(commit.get(), i));
    }
    return parsed;
}

std::optional<git_oid> directory_in(git::ObjectReader& reader, git_repository* repo, git_oid tree,
                                    std::string_view dir) {
    while (!dir.empty()) {
        const auto slash = dir.find('/');
        const std::string_view name = dir.substr(0, slash);
        dir = slash == std::string_view::npos ? std::string_view() : dir.substr(slash + 1);
        if (name.empty()) {
            continue;
        }
        const SharedTree parent = read_tree(reader, repo, tree);
        const auto entry = std::find_if(parent->entries.begin(), parent->entries.end(),
                                        [&](const git::RawEntry& e) { return e.name == name; });
        if (entry == parent->entries.end() || !entry->is_tree()) {
            return std::nullopt;
        }
        tree = entry->oid();
    }
    if (git::is_empty_tree(tree)) {
        return std::nullopt;
    }
    return tree;
}

std::optional<git_oid> file_at(git::ObjectReader& reader, git_repository* repo,
                               const git_oid& commit, std::string_view dir, std::string_view name) {
    const auto tree = directory_in(reader, repo, read_commit(reader, repo, commit).tree, dir);
    if (!tree) {
        return std::nullopt;
    }
    const SharedTree files = read_tree(reader, repo, *tree);
    for (const auto& entry : files->entries) {
        if (entry.name == name &&
            (entry.mode == GIT_FILEMODE_BLOB || entry.mode == GIT_FILEMODE_BLOB_EXECUTABLE)) {
            return entry.oid();
        }
    }
    return std::nullopt;
}

std::optional<git_oid> first_parent(git::ObjectReader& reader, git_repository* repo,
                                    const git_oid& commit) {
    if (const auto* grafted = reader.rewrites().grafted_parents(commit)) {
        return grafted->empty() ? std::nullopt : std::optional(grafted->front());
    }
    const auto parents = read_commit(reader, repo, commit).parents;
    return parents.empty() ? std::nullopt : std::optional(parents.front());
}

std::vector<std::pair<std::string, git_oid>> files_in(git::ObjectReader& reader,
                                                      git_repository* repo, const git_oid& commit,
                                                      std::string_view dir) {
    std::vector<std::pair<std::string, git_oid>> files;
    const auto tree = directory_in(reader, repo, read_commit(reader, repo, commit).tree, dir);
    if (!tree) {
        return files;
    }
    const SharedTree files_tree = read_tree(reader, repo, *tree);
    for (const auto& entry : files_tree->entries) {
        if (is_regular_file(static_cast<git_filemode_t>(entry.mode))) {
            files.emplace_back(std::string(entry.name), entry.oid());
        }
    }
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return files;
}

namespace {

/// Reads the commits listed in `<git-dir>/shallow`: their parents are not in the clone.
std::unordered_set<git_oid, git::OidHash, git::OidEqual> shallow_commits(git_repository* repo) {
    std::unordered_set<git_oid, git::OidHash, git::OidEqual> commits;
    if (git_repository_is_shallow(repo) != 1) {
        return commits;
    }
    std::ifstream file(git::git_directory(repo) / "shallow");
    std::string line;
    while (std::getline(file, line)) {
        git_oid id;
        if (git_oid_fromstrp(&id, line.c_str()) == 0) {
            commits.insert(id);
        }
    }
    return commits;
}

/// One entry that differs from the same name in every followed parent.
struct ChangedEntry {
    std::string name;
    std::optional<git_oid> id; ///< none: absent from this commit
    git_filemode_t mode{};
};

/// Compares a commit's directory with its followed parents' directories, keeping the
/// trees it loaded for the next comparison. Each thread has its own.
class TreeDiffer {
  public:
    /// Uses `repo` itself when `shared` (the calling thread's), or a handle of its own.
    TreeDiffer(git_repository* repo, bool shared, std::shared_ptr<const git::PackSet> packs,
               std::shared_ptr<const git::Rewrites> rewrites)
        : m_repo(shared ? nullptr : git::reopen(repo)), m_use(shared ? repo : m_repo.get()),
          m_reader(m_use, std::move(packs), std::move(rewrites)) {}

    /// Every name whose entry differs from the entry in every parent: a merge that only
    /// brings in a side branch's version adds nothing. The trees are merged in git's own
    /// entry order, and only changed entries are copied out.
    std::vector<ChangedEntry> diff(const std::optional<git_oid>& dir,
                                   const std::vector<std::optional<git_oid>>& parent_dirs) {
        const SharedTree own = tree(dir);
        std::vector<SharedTree> parents;
        for (const auto& parent : parent_dirs) {
            parents.push_back(tree(parent));
        }
        std::vector<ChangedEntry> changes;
        std::vector<std::size_t> cursor(parents.size(), 0);
        std::size_t own_cursor = 0;
        while (true) {
            const git::RawEntry* first = entry_at(own, own_cursor);
            // The common case first: one parent, and the same entry in both (a playlist
            // this commit did not change).
            if (first && parents.size() == 1) {
                const git::RawEntry* theirs = entry_at(parents[0], cursor[0]);
                if (theirs && theirs->name == first->name && same_entry(theirs, first)) {
                    ++own_cursor;
                    ++cursor[0];
                    continue;
                }
            }
            for (std::size_t p = 0; p < parents.size(); ++p) {
                const git::RawEntry* entry = entry_at(parents[p], cursor[p]);
                if (entry && (!first || git::compare_entries(*entry, *first) < 0)) {
                    first = entry;
                }
            }
            if (!first) {
                break;
            }
            const git::RawEntry* mine = take(own, own_cursor, *first);
            bool changed = true;
            for (std::size_t p = 0; p < parents.size(); ++p) {
                if (same_entry(take(parents[p], cursor[p], *first), mine)) {
                    changed = false;
                }
            }
            if (changed) {
                changes.push_back(
                    {std::string(first->name), mine ? std::optional(mine->oid()) : std::nullopt,
                     mine ? static_cast<git_filemode_t>(mine->mode) : git_filemode_t{}});
            }
        }
        return changes;
    }

  private:
    SharedTree tree(const std::optional<git_oid>& dir) {
        if (!dir) {
            return nullptr;
        }
        if (auto found = m_trees.find(*dir); found != m_trees.end()) {
            return found->second;
        }
        if (m_trees.size() >= 64) {
            m_trees.clear();
        }
        SharedTree loaded = read_tree(m_reader, m_use, *dir);
        m_trees.emplace(*dir, loaded);
        return loaded;
    }

    /// The entry at `cursor` if it sorts equal to `name`, advancing past it.
    static const git::RawEntry* take(const SharedTree& tree, std::size_t& cursor,
                                     const git::RawEntry& name) {
        const git::RawEntry* entry = entry_at(tree, cursor);
        if (entry && git::compare_entries(*entry, name) == 0) {
            ++cursor;
            return entry;
        }
        return nullptr;
    }

    git::Repository m_repo; ///< null when the caller's handle is used
    git_repository* m_use;
    git::ObjectReader m_reader;
    std::unordered_map<git_oid, SharedTree, git::OidHash, git::OidEqual> m_trees;
};

class Walker {
  public:
    Walker(git_repository* repo, std::string_view dir, const ProgressFn& progress, unsigned jobs,
           std::shared_ptr<const git::PackSet> packs, std::shared_ptr<const git::Rewrites> rewrites)
        : m_repo(repo), m_dir(dir), m_progress(progress), m_shallow(shallow_commits(repo)),
          m_jobs(jobs), m_packs(std::move(packs)),
          m_rewrites(rewrites ? std::move(rewrites) : git::Rewrites::load(repo)),
          m_reader(repo, m_packs, m_rewrites) {}

    History run(const git_commit* tip, std::optional<History> previous) {
        History history;
        if (previous) {
            history = std::move(*previous);
            m_boundary = history.tip;
            m_known.insert(history.commits.begin(), history.commits.end());
            if (git_oid_equal(&history.tip, git_commit_id(tip))) {
                return history; // nothing new
            }
        }
        history.tip = *git_commit_id(tip);
        history.tip_time = read_commit(history.tip).time; // the replacement's, if replaced
        history.dir = m_dir;
        discover(history);
        if (m_boundary && !m_boundary_reached) {
            throw NotAnExtension(
                fmt::format("commit {} is not in the history of {}", *m_boundary, history.tip));
        }
        const auto order = date_order();
        record_snapshots(order, history);
        history.commits_walked += order.size() - (m_boundary ? 1 : 0);
        return history;
    }

  private:
    std::uint32_t load(const git_oid& id) {
        if (auto found = m_index.find(id); found != m_index.end()) {
            return found->second;
        }
        const git::RawCommit commit = read_commit(id);
        Node node;
        node.id = id;
        node.time = commit.time;
        node.dir = directory_of(commit.tree);
        // A shallow commit has no parents, whatever a graft says (git registers the
        // shallow list after the grafts, replacing them).
        if (!m_shallow.contains(id)) {
            const auto* grafted = m_rewrites->grafted_parents(id);
            node.parent_ids = grafted ? *grafted : commit.parents;
        }
        m_nodes.push_back(std::move(node));
        const auto index = static_cast<std::uint32_t>(m_nodes.size() - 1);
        m_index.emplace(id, index);
        return index;
    }

    git::RawCommit read_commit(const git_oid& id) {
        return history::read_commit(m_reader, m_repo, id);
    }

    std::optional<git_oid> directory_of(const git_oid& tree) {
        return directory_in(m_reader, m_repo, tree, m_dir);
    }

    /// Finds the commits of the simplified history and which parents each follows.
    void discover(History& history) {
        std::vector<std::uint32_t> stack{load(history.tip)};
        m_nodes[stack.back()].in_graph = true;
        std::size_t visited = 0;
        while (!stack.empty()) {
            const std::uint32_t current = stack.back();
            stack.pop_back();
            if (m_shallow.contains(m_nodes[current].id)) {
                history.shallow_boundary.push_back(m_nodes[current].id);
            }
            if (m_boundary && git_oid_equal(&*m_boundary, &m_nodes[current].id)) {
                m_boundary_reached = true; // the walked history continues from here
                m_nodes[current].parent_ids.clear();
                continue;
            }
            if (m_known.contains(m_nodes[current].id)) {
                throw NotAnExtension(fmt::format("commit {} reaches the earlier history without "
                                                 "passing through its tip {}",
                                                 m_nodes[current].id, *m_boundary));
            }
            std::vector<std::uint32_t> parents;
            for (const git_oid& parent_id : std::vector(m_nodes[current].parent_ids)) {
                parents.push_back(load(parent_id));
            }
            auto followed = follow(current, parents);
            for (const std::uint32_t parent : followed) {
                ++m_nodes[parent].children;
                if (!m_nodes[parent].in_graph) {
                    m_nodes[parent].in_graph = true;
                    stack.push_back(parent);
                }
            }
            Node& node = m_nodes[current];
            node.snapshot = std::none_of(followed.begin(), followed.end(), [&](std::uint32_t p) {
                return same_dir(m_nodes[p].dir, node.dir);
            });
            node.snapshot = node.snapshot && !(followed.empty() && !node.dir);
            node.followed = std::move(followed);
            node.parent_ids.clear();
            if (m_progress && ++visited % 256 == 0) {
                m_progress("reading commits", visited, 0);
            }
        }
    }

    /// At a merge whose directory equals a parent's, follow only the first such parent.
    std::vector<std::uint32_t> follow(std::uint32_t node,
                                      const std::vector<std::uint32_t>& parents) {
        if (parents.size() > 1) {
            for (const std::uint32_t parent : parents) {
                if (same_dir(m_nodes[parent].dir, m_nodes[node].dir)) {
                    return {parent};
                }
            }
        }
        return parents;
    }

    /// `git log --date-order` reversed: git emits a commit once all its children are out,
    /// newest committer time first, ties in the order the commits became ready.
    std::vector<std::uint32_t> date_order() {
        struct Ready {
            std::int64_t time;
            std::uint64_t sequence;
            std::uint32_t node;
            bool operator<(const Ready& other) const {
                return time != other.time ? time < other.time : sequence > other.sequence;
            }
        };
        std::priority_queue<Ready> ready;
        std::uint64_t sequence = 0;
        ready.push({m_nodes[0].time, sequence++, 0});
        std::vector<std::uint32_t> order;
        while (!ready.empty()) {
            const std::uint32_t current = ready.top().node;
            ready.pop();
            order.push_back(current);
            for (const std::uint32_t parent : m_nodes[current].followed) {
                if (--m_nodes[parent].children == 0) {
                    ready.push({m_nodes[parent].time, sequence++, parent});
                }
            }
        }
        std::reverse(order.begin(), order.end());
        return order;
    }

    /// Compares each snapshot with its parents on `m_jobs` threads, then records the
    /// versions in history order (whether a file was present depends on the order).
    void record_snapshots(const std::vector<std::uint32_t>& order, History& history) {
        std::vector<std::uint32_t> snapshots;
        for (const std::uint32_t index : order) {
            const Node& node = m_nodes[index];
            if (m_boundary && git_oid_equal(&*m_boundary, &node.id)) {
                continue; // walked before
            }
            history.commits.push_back(node.id);
            if (node.snapshot) {
                snapshots.push_back(index);
            }
        }
        std::vector<std::vector<ChangedEntry>> changes(snapshots.size());
        std::vector<std::string> errors(snapshots.size());
        const unsigned jobs = thread_count(m_jobs, snapshots.size());
        std::vector<std::optional<TreeDiffer>> differs(jobs);
        std::atomic<std::size_t> done{0};
        const auto diff = [&](unsigned thread, std::size_t i) {
            try {
                if (!differs[thread]) {
                    // 0: the calling thread
                    differs[thread].emplace(m_repo, thread == 0, m_packs, m_rewrites);
                }
                const Node& node = m_nodes[snapshots[i]];
                std::vector<std::optional<git_oid>> parents;
                for (const std::uint32_t parent : node.followed) {
                    parents.push_back(m_nodes[parent].dir);
                }
                changes[i] = differs[thread]->diff(node.dir, parents);
            } catch (const std::exception& error) {
                errors[i] = error.what();
            }
            if (++done % 64 == 0 && thread == 0 && m_progress) {
                m_progress("comparing trees", done, snapshots.size());
            }
        };
        // Consecutive snapshots share trees (one's tree is the next one's parent's), so
        // each thread takes a run of them and keeps its trees cached.
        constexpr std::size_t k_run = 32;
        run_parallel((snapshots.size() + k_run - 1) / k_run, jobs,
                     [&](unsigned thread, std::size_t run) {
                         const std::size_t end = std::min(snapshots.size(), (run + 1) * k_run);
                         for (std::size_t i = run * k_run; i < end; ++i) {
                             diff(thread, i);
                         }
                     });
        for (std::size_t i = 0; i < snapshots.size(); ++i) {
            if (!errors[i].empty()) {
                throw Error(errors[i]); // a tree that cannot be read: never a shorter history
            }
            const Node& node = m_nodes[snapshots[i]];
            const auto snapshot = static_cast<std::uint32_t>(history.snapshots.size());
            history.snapshots.push_back({node.id, node.time});
            for (const auto& change : changes[i]) {
                record_entry(node, snapshot, change, history);
            }
        }
    }

    void record_entry(const Node& node, std::uint32_t snapshot, const ChangedEntry& change,
                      History& history) {
        const std::string_view name = change.name;
        const git_filemode_t mode = change.mode;
        if (change.id && !is_regular_file(mode)) {
            history.skipped.push_back(
                {node.id, fmt::format("{}/{}", m_dir, name), entry_kind(mode)});
        }
        const bool file = change.id && is_regular_file(mode);
        if (m_versions.size() != history.playlists.size()) { // first use, or continuing
            m_versions.clear();
            for (auto& [id, versions] : history.playlists) {
                m_versions.emplace(id, &versions);
            }
        }
        const auto found = m_versions.find(name);
        const bool present = found != m_versions.end() && found->second->back().blob;
        if (!file && !present) {
            return; // a non-file appeared or changed where there was no file
        }
        std::vector<Version>* versions = nullptr;
        if (found != m_versions.end()) {
            versions = found->second;
        } else {
            const auto added = history.playlists.emplace(std::string(name), std::vector<Version>());
            versions = &added.first->second;
            m_versions.emplace(added.first->first, versions);
        }
        versions->push_back({snapshot, file ? change.id : std::nullopt});
    }

    git_repository* m_repo;
    std::string m_dir;
    const ProgressFn& m_progress;
    std::unordered_set<git_oid, git::OidHash, git::OidEqual> m_shallow;
    unsigned m_jobs;
    std::shared_ptr<const git::PackSet> m_packs;
    std::shared_ptr<const git::Rewrites> m_rewrites;
    git::ObjectReader m_reader;
    std::vector<Node> m_nodes;
    std::unordered_map<git_oid, std::uint32_t, git::OidHash, git::OidEqual> m_index;
    /// When extending an earlier history: its tip, and every commit it had.
    std::optional<git_oid> m_boundary;
    bool m_boundary_reached = false;
    std::unordered_set<git_oid, git::OidHash, git::OidEqual> m_known;
    /// The versions of each file of History::playlists (whose nodes never move), by name.
    std::unordered_map<std::string_view, std::vector<Version>*> m_versions;
};

} // namespace

History walk_history(git_repository* repo, const git_commit* tip, std::string_view dir,
                     const ProgressFn& progress, unsigned jobs,
                     std::shared_ptr<const git::PackSet> packs,
                     std::shared_ptr<const git::Rewrites> rewrites) {
    return Walker(repo, dir, progress, jobs, std::move(packs), std::move(rewrites))
        .run(tip, std::nullopt);
}

History extend_history(git_repository* repo, const git_commit* tip, History previous,
                       const ProgressFn& progress, unsigned jobs,
                       std::shared_ptr<const git::PackSet> packs,
                       std::shared_ptr<const git::Rewrites> rewrites) {
    const std::string dir = previous.dir;
    return Walker(repo, dir, progress, jobs, std::move(packs), std::move(rewrites))
        .run(tip, std::move(previous));
}

} // namespace gh::history
