#pragma once

// What git reads in place of what a repository stores: replacement objects
// (`git replace`, refs under refs/replace/) and grafts (`info/grafts`). `git log` follows
// both, so the history gh-analyze walks must follow them too, or its tables would silently
// differ from the history a user sees.

#include "git/handles.hpp"
#include "git/oid.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace gh::git {

class Rewrites {
  public:
    /// The repository's rewrites, read as git reads them: replace refs under
    /// $GIT_REPLACE_REF_BASE (default refs/replace/) unless $GIT_NO_REPLACE_OBJECTS is set
    /// or core.useReplaceRefs is false, and the graft file $GIT_GRAFT_FILE (default
    /// <common dir>/info/grafts). A graft line git would refuse is warned about and left
    /// out, as git does.
    static std::shared_ptr<const Rewrites> load(git_repository* repo);

    /// The object read in place of `id`: its replacement, followed as git follows them (fewer
    /// than five deep), or `id` itself. Throws gh::Error naming the object when the
    /// replacements go deeper or loop.
    const git_oid& object(const git_oid& id) const;

    /// The parents a graft gives commit `id` (by its own id, not its replacement's), or
    /// null when it has no graft.
    const std::vector<git_oid>* grafted_parents(const git_oid& id) const;

    bool empty() const { return m_replacements.empty() && m_grafts.empty(); }

    /// A short text that changes whenever the rewrites do: part of the cache's settings,
    /// so that a history walked under other rewrites is never continued.
    std::string digest() const;

  private:
    std::unordered_map<git_oid, git_oid, OidHash, OidEqual> m_replacements;
    std::unordered_map<git_oid, std::vector<git_oid>, OidHash, OidEqual> m_grafts;
};

} // namespace gh::git
