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

bool parse_hex_id(std::string_view text, git_oid& id) {
    return text.size() == GIT_OID_HEXSZ &&
           text.find_first_not_of("0123456789abcdef") == std::string_view::npos &&
           git_oid_fromstrn(&id, text.data(), text.size()) == 0;
}

} // namespace

std::shared_ptr<const Rewrites> Rewrites::none() {
    static const auto empty = std::make_shared<const Rewrites>();
    return empty;
}

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
            git_oid original;
            if (!name.starts_with(base) || !parse_hex_id(name.substr(base.size()), original)) {
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
    for (std::size_t number = 1; std::getline(file, line); ++number) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        // "<commit> [<parent>...]", ids separated by single spaces, as git reads them.
        std::vector<git_oid> ids;
        bool valid = (line.size() + 1) % (GIT_OID_HEXSZ + 1) == 0;
        for (std::size_t at = 0; valid && at < line.size(); at += GIT_OID_HEXSZ + 1) {
            git_oid id;
            valid = parse_hex_id(std::string_view(line).substr(at, GIT_OID_HEXSZ), id) &&
                    (at + GIT_OID_HEXSZ == line.size() || line[at + GIT_OID_HEXSZ] == ' ');
            ids.push_back(id);
        }
        if (!valid) {
            warn("{}:{}: bad graft data, ignored (expected a commit id and its parents' ids, "
                 "separated by spaces)",
                 grafts.string(), number);
            continue;
        }
        rewrites->m_grafts[ids.front()] = std::vector<git_oid>(ids.begin() + 1, ids.end());
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
