#pragma once

// Move-only owners for libgit2 handles, one alias per handle type (as Nix does),
// the out-parameter adapter and the single place libgit2 errors become gh::Error.

#include "util/error.hpp"

#include <git2.h>
#include <memory>
#include <string>
#include <string_view>

namespace gh::git {

template <auto free_function>
struct Deleter {
    template <typename T>
    void operator()(T* handle) const {
        free_function(handle);
    }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using Odb = std::unique_ptr<git_odb, Deleter<git_odb_free>>;
using OdbObject = std::unique_ptr<git_odb_object, Deleter<git_odb_object_free>>;
using TreeBuilder = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index_free>>;

/// Lets a libgit2 call fill a unique_ptr: `git_commit_lookup(out(commit), ...)`.
template <typename Handle>
class OutParam {
  public:
    explicit OutParam(Handle& owner) : m_owner(owner) {}
    OutParam(const OutParam&) = delete;
    OutParam& operator=(const OutParam&) = delete;
    ~OutParam() { m_owner.reset(m_raw); }
    operator typename Handle::pointer *() { return &m_raw; }

  private:
    Handle& m_owner;
    typename Handle::pointer m_raw = nullptr;
};

template <typename Handle>
OutParam<Handle> out(Handle& owner) {
    return OutParam<Handle>(owner);
}

/// Initialises libgit2 once for the whole process (settings included); safe to call often.
/// Objects are not re-hashed on every read, as git itself does not: verification doubles
/// the cost of reading blobs. `verify_objects` turns it back on.
void initialize();
void verify_objects(bool verify);

/// Throws gh::Error "<context>: <libgit2's own message>" when a libgit2 call failed.
void throw_last_error(int code, std::string_view context);

template <typename... Args>
void check(int code, fmt::format_string<Args...> context, Args&&... args) {
    if (code < 0) {
        throw_last_error(code, fmt::format(context, std::forward<Args>(args)...));
    }
}

/// The 40-character hex form of an object id.
std::string hex(const git_oid& id);

/// The abbreviated form used in messages (as `git log --oneline` shows it).
std::string short_hex(const git_oid& id);

} // namespace gh::git

template <>
struct fmt::formatter<git_oid> : fmt::formatter<std::string_view> {
    auto format(const git_oid& id, format_context& context) const {
        return fmt::formatter<std::string_view>::format(gh::git::short_hex(id), context);
    }
};
