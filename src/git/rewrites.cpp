#include "git/rewrites.hpp"

#include "util/error.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <xxhash.h>

namespace gh::git {

namespace {

/// git's MAXREPLACEDEPTH: git follows this many replacements of one object, and refuses
/// the object when the last one it reached is replaced again.
constexpr int k_max_replace_depth = 5;

bool replace_refs_enabled(git_repository* repo) {
    if (std::getenv("GIT_NO_REPLACE_OBJECTS") != nullptr) {
        return false;
    }
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) != 0) {
        return true;
    }
    const std::unique_ptr<git_config, Deleter<git_config_free>> config(raw);
    int enabled = 1;
    if (git_config_get_bool(&enabled, config.get(), "core.useReplaceRefs") != 0) {
        return true; // unset (or not a boolean, which git refuses to run with)
    }
    return enabled != 0;
}

std::string replace_ref_base() {
    const char* base = std::getenv("GIT_REPLACE_REF_BASE");
    std::string result = base && *base ? base : "refs/replace/";
    if (!result.ends_with('/')) {
        result += '/';
    }
    return result;
}

/// Reads an id of 40 hex digits, in either case, at the start of `text` (git's
/// get_oid_hex), and moves `text` past it.
bool take_hex_id(std::string_view& text, git_oid& id) {
    if (text.size() < GIT_OID_HEXSZ ||
        text.substr(0, GIT_OID_HEXSZ).find_first_not_of("0123456789abcdefABCDEF") !=
            std::string_view::npos ||
        git_oid_fromstrn(&id, text.data(), GIT_OID_HEXSZ) != 0) {
        return false;
    }
    text.remove_prefix(GIT_OID_HEXSZ);
    return true;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// A line of the graft file as git's read_graft_line reads it: trailing whitespace
/// dropped, then "<commit>( <parent>)*" with any one whitespace character between ids.
/// Nothing for a blank line or a comment; false when the line is not valid.
bool parse_graft_line(std::string_view line, std::vector<git_oid>& ids) {
    ids.clear();
    while (!line.empty() && is_space(line.back())) {
        line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
        return true;
    }
    git_oid id;
    if (!take_hex_id(line, id)) {
        return false;
    }
    ids.push_back(id);
    while (!line.empty()) {
        if (!is_space(line.front())) {
            return false;
        }
        line.remove_prefix(1);
        if (!take_hex_id(line, id)) {
            return false;
        }
        ids.push_back(id);
    }
    return true;
}

} // namespace

std::shared_ptr<const Rewrites> Rewrites::load(git_repository* repo) {
    auto rewrites = std::make_shared<Rewrites>();
    if (replace_refs_enabled(repo)) {
        const std::string base = replace_ref_base();
        git_reference_iterator* raw = nullptr;
        check(git_reference_iterator_glob_new(&raw, repo, (base + "*").c_str()),
              "listing the replace refs under {}", base);
        const std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator_free>>
            iterator(raw);
        git_reference* found = nullptr;
        int status = 0;
        while ((status = git_reference_next(&found, iterator.get())) == 0) {
            const Reference ref(found);
            const std::string_view name = git_reference_name(ref.get());
            // As git reads it: the id is the start of the name's last part.
            std::string_view hash = name.substr(name.rfind('/') + 1);
            git_oid original;
            if (!take_hex_id(hash, original)) {
                warn("bad replace ref name: {}", name);
                continue;
            }
            Reference resolved;
            check(git_reference_resolve(out(resolved), ref.get()), "reading the replace ref {}",
                  name);
            rewrites->m_replacements[original] = *git_reference_target(resolved.get());
        }
        if (status != GIT_ITEROVER) {
            throw_last_error(status, fmt::format("listing the replace refs under {}", base));
        }
    }

    const char* graft_file = std::getenv("GIT_GRAFT_FILE");
    const std::filesystem::path grafts =
        graft_file && *graft_file
            ? std::filesystem::path(graft_file)
            : std::filesystem::path(git_repository_commondir(repo)) / "info" / "grafts";
    std::ifstream file(grafts);
    std::string line;
    std::vector<git_oid> ids;
    for (std::size_t number = 1; std::getline(file, line); ++number) {
        if (!parse_graft_line(line, ids)) {
            warn("{}:{}: bad graft data, ignored (expected a commit id and its parents' ids, "
                 "separated by spaces)",
                 grafts.string(), number);
            continue;
        }
        if (ids.empty()) {
            continue;
        }
        // git keeps the first graft of a commit.
        if (!rewrites->m_grafts.try_emplace(ids.front(), ids.begin() + 1, ids.end()).second) {
            warn("{}:{}: duplicate graft data for commit {}, ignored", grafts.string(), number,
                 hex(ids.front()));
        }
    }
    return rewrites;
}

const git_oid& Rewrites::object(const git_oid& id) const {
    if (m_replacements.empty()) {
        return id;
    }
    const git_oid* current = &id;
    for (int depth = 0; depth < k_max_replace_depth; ++depth) {
        const auto found = m_replacements.find(*current);
        if (found == m_replacements.end()) {
            return *current;
        }
        current = &found->second;
    }
    fail("object {}: its replacements (refs/replace/) go {} deep or more, or loop", hex(id),
         k_max_replace_depth);
}

const std::vector<git_oid>* Rewrites::grafted_parents(const git_oid& id) const {
    const auto found = m_grafts.find(id);
    return found == m_grafts.end() ? nullptr : &found->second;
}

std::string Rewrites::digest() const {
    if (empty()) {
        return "none";
    }
    std::vector<std::string> lines;
    for (const auto& [original, replacement] : m_replacements) {
        lines.push_back(fmt::format("replace {} {}", hex(original), hex(replacement)));
    }
    for (const auto& [commit, parents] : m_grafts) {
        std::string text = fmt::format("graft {}", hex(commit));
        for (const auto& parent : parents) {
            text += ' ';
            text += hex(parent);
        }
        lines.push_back(std::move(text));
    }
    std::sort(lines.begin(), lines.end());
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    for (const auto& text : lines) {
        XXH3_64bits_update(state, text.data(), text.size() + 1); // with its terminating NUL
    }
    const auto hash = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return fmt::format("{:016x}", hash);
}

} // namespace gh::git
