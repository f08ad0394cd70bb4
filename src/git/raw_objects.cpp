#include "git/raw_objects.hpp"

#include <cstring>

namespace gh::git {

git_oid RawEntry::oid() const {
    git_oid result;
    std::memcpy(result.id, id, GIT_OID_RAWSZ);
    return result;
}

std::optional<std::vector<RawEntry>> parse_tree(std::string_view bytes) {
    std::vector<RawEntry> entries;
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    while (p != end) {
        RawEntry entry;
        int digits = 0;
        for (; p != end && *p >= '0' && *p <= '7'; ++p, ++digits) {
            entry.mode = entry.mode * 8 + static_cast<std::uint32_t>(*p - '0');
        }
        if (digits == 0 || digits > 7 || entry.mode > 0xffff || p == end || *p != ' ') {
            return std::nullopt; // libgit2 decides (it takes zero-padded modes, say)
        }
        ++p;
        const auto* nul = static_cast<const char*>(std::memchr(p, '\0', end - p));
        if (!nul || nul == p || nul - p > 0xffff || end - (nul + 1) < GIT_OID_RAWSZ) {
            return std::nullopt;
        }
        entry.name = std::string_view(p, nul - p);
        entry.id = reinterpret_cast<const unsigned char*>(nul + 1);
        p = nul + 1 + GIT_OID_RAWSZ;
        entries.push_back(entry);
    }
    return entries;
}

int compare_entries(const RawEntry& a, const RawEntry& b) {
    const std::size_t common = std::min(a.name.size(), b.name.size());
    if (const int order = std::memcmp(a.name.data(), b.name.data(), common); order != 0) {
        return order;
    }
    const auto next = [&](const RawEntry& entry) -> unsigned char {
        return common < entry.name.size() ? static_cast<unsigned char>(entry.name[common])
               : entry.is_tree()          ? '/'
                                          : '\0';
    };
    const unsigned char x = next(a);
    const unsigned char y = next(b);
    return x < y ? -1 : x > y ? 1 : 0;
}

namespace {

bool take_prefix(std::string_view& text, std::string_view prefix) {
    if (!text.starts_with(prefix)) {
        return false;
    }
    text.remove_prefix(prefix.size());
    return true;
}

/// "<40 hex digits>\n"
bool take_id(std::string_view& text, git_oid& id) {
    if (text.size() < GIT_OID_HEXSZ + 1 || text[GIT_OID_HEXSZ] != '\n') {
        return false;
    }
    for (std::size_t i = 0; i < GIT_OID_HEXSZ; ++i) {
        const char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    if (git_oid_fromstrn(&id, text.data(), GIT_OID_HEXSZ) != 0) {
        return false;
    }
    text.remove_prefix(GIT_OID_HEXSZ + 1);
    return true;
}

} // namespace

std::optional<RawCommit> parse_commit(std::string_view bytes) {
    RawCommit commit;
    if (!take_prefix(bytes, "tree ") || !take_id(bytes, commit.tree)) {
        return std::nullopt;
    }
    while (take_prefix(bytes, "parent ")) {
        git_oid parent;
        if (!take_id(bytes, parent)) {
            return std::nullopt;
        }
        commit.parents.push_back(parent);
    }
    // The headers up to the blank line before the message: author, then committer.
    const std::size_t headers_end = bytes.find("\n\n");
    const std::string_view headers =
        bytes.substr(0, headers_end == std::string_view::npos ? bytes.size() : headers_end + 1);
    if (!headers.starts_with("author ")) {
        return std::nullopt;
    }
    const std::size_t committer = headers.find("\ncommitter ");
    if (committer == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view line = headers.substr(committer + 1);
    line = line.substr(0, line.find('\n'));
    // "committer Name <email> 1600000000 +0000"
    const std::size_t email_end = line.rfind('>');
    if (email_end == std::string_view::npos || line.find('\n') != std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view when = line.substr(email_end + 1);
    if (!take_prefix(when, " ") || when.empty()) {
        return std::nullopt;
    }
    std::int64_t time = 0;
    std::size_t digits = 0;
    for (; digits < when.size() && when[digits] >= '0' && when[digits] <= '9'; ++digits) {
        if (digits >= 18) {
            return std::nullopt;
        }
        time = time * 10 + (when[digits] - '0');
    }
    when.remove_prefix(digits);
    // The zone: " +hhmm" or " -hhmm", and nothing else.
    if (digits == 0 || when.size() != 6 || when[0] != ' ' || (when[1] != '+' && when[1] != '-') ||
        when.substr(2).find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    commit.time = time;
    return commit;
}

} // namespace gh::git
