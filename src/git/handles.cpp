#include "git/handles.hpp"

#include <mutex>

namespace gh::git {

void initialize() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (git_libgit2_init() < 0) {
            throw Error("cannot initialise libgit2");
        }
        verify_objects(false);
    });
}

void verify_objects(bool verify) {
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, verify ? 1 : 0);
}

void throw_last_error(int code, std::string_view context) {
    const git_error* last = git_error_last();
    std::string reason =
        last && last->message ? last->message : fmt::format("libgit2 error {}", code);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == '.')) {
        reason.pop_back();
    }
    throw Error(fmt::format("{}: {}", context, reason));
}

std::string hex(const git_oid& id) {
    char buffer[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buffer, sizeof buffer, &id);
    return buffer;
}

std::string short_hex(const git_oid& id) {
    return hex(id).substr(0, 9);
}

} // namespace gh::git
