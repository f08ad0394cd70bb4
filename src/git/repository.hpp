#pragma once

#include "git/handles.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace gh::git {

/// Opens the repository at `path`, or the one containing the current directory when
/// `path` is empty (searching upward, as git does).
Repository open_repository(const std::filesystem::path& path);

/// Another handle on the same repository, for another thread (libgit2 handles are not
/// shared between threads).
Repository reopen(git_repository* repo);

/// Resolves a revision (`HEAD`, a branch, a commit id, `main~3`) to a commit.
Commit resolve_commit(git_repository* repo, std::string_view rev);

/// True for the empty tree's id. Git cannot record an empty directory, and `git log --
/// DIR` sees an empty tree as no directory at all; a tree written by other tools may
/// still hold one.
bool is_empty_tree(const git_oid& id);

/// The id of the tree at `dir` (slash-separated, relative to the root) in `commit`,
/// or nothing when the commit has no directory there (or an empty tree).
std::optional<git_oid> directory_tree_id(git_repository* repo, const git_commit* commit,
                                         std::string_view dir);

/// Loads a tree by id.
Tree lookup_tree(git_repository* repo, const git_oid& id);

/// The bytes of a blob; `what` names it for the error message (commit and path).
std::string read_blob(git_repository* repo, const git_oid& id, std::string_view what);

/// The directory in which this repository keeps its data (`.git`, or the bare repository).
std::filesystem::path git_directory(git_repository* repo);

} // namespace gh::git
