#pragma once

#include <cstring>
#include <functional>
#include <git2.h>

namespace gh::git {

/// Hashes an object id by its first bytes, which are already uniformly distributed.
struct OidHash {
    std::size_t operator()(const git_oid& id) const {
        std::size_t hash = 0;
        std::memcpy(&hash, id.id, sizeof hash);
        return hash;
    }
};

struct OidEqual {
    bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

} // namespace gh::git
