#pragma once

// Commits and trees parsed straight from their bytes (as ObjectReader returns them), for
// the walk: libgit2 would copy every entry of every tree into objects of its own.

#include <cstdint>
#include <git2.h>
#include <optional>
#include <string_view>
#include <vector>

namespace gh::git {

/// One entry of a tree, pointing into the tree's bytes.
struct RawEntry {
    std::string_view name;
    std::uint32_t mode = 0; ///< as written (git_tree_entry_filemode_raw)
    const unsigned char* id = nullptr;

    bool is_tree() const { return (mode & 0170000) == 0040000; }
    git_oid oid() const;
};

/// The entries of a tree, in the order they are written; nothing when the bytes are not
/// a well-formed tree ("<octal mode> <name>\0<20-byte id>" repeated).
std::optional<std::vector<RawEntry>> parse_tree(std::string_view bytes);

/// Orders entries as git does (git_tree_entry_cmp): by name, a tree's name as if it
/// ended in '/'.
int compare_entries(const RawEntry& a, const RawEntry& b);

/// What the walk needs of a commit.
struct RawCommit {
    git_oid tree{};
    std::vector<git_oid> parents;
    std::int64_t time = 0; ///< the committer's time (git_commit_time)
};

/// Parses a commit's headers; nothing when they are not in the usual form (libgit2 then
/// reads the commit, with its own leniency and its own errors).
std::optional<RawCommit> parse_commit(std::string_view bytes);

} // namespace gh::git
