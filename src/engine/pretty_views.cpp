#include "engine/pretty_views.hpp"

#include <algorithm>

namespace gh::engine {

PrettyViews::PrettyViews(std::string dir) : m_dir(std::move(dir)) {}

std::shared_ptr<const PrettyViews::Files>
PrettyViews::files(const git_oid& commit, git::ObjectReader& reader, git_repository* repo) {
    const std::string key(reinterpret_cast<const char*>(commit.id), GIT_OID_RAWSZ);
    {
        const std::lock_guard lock(m_mutex);
        if (const auto found = m_files.find(key); found != m_files.end()) {
            return found->second;
        }
    }
    // Read outside the lock: two threads may both read one commit, and keep the same.
    auto read = std::make_shared<const Files>(history::files_in(reader, repo, commit, m_dir));
    if (!read->empty()) {
        m_seen = true;
    }
    const std::lock_guard lock(m_mutex);
    return m_files.emplace(key, std::move(read)).first->second;
}

std::optional<PrettyViews::Found> PrettyViews::find(const git_oid& commit, std::string_view id,
                                                    std::string_view name,
                                                    git::ObjectReader& reader,
                                                    git_repository* repo) {
    const auto files_there = files(commit, reader, repo);
    const Files& in = *files_there;
    const auto lookup = [&](std::string_view base,
                            std::string_view extension) -> std::optional<Found> {
        const std::string file = std::string(base) + std::string(extension);
        const auto at = std::lower_bound(
            in.begin(), in.end(), file,
            [](const auto& entry, const std::string& wanted) { return entry.first < wanted; });
        if (at == in.end() || at->first != file) {
            return std::nullopt;
        }
        return Found{at->second, pretty::Form::markdown, at->first};
    };
    if (auto json = lookup(id, ".json")) {
        json->form = pretty::Form::json;
        return json;
    }
    if (auto markdown = lookup(id, ".md")) {
        markdown->form = pretty::Form::escaped_markdown;
        return markdown;
    }
    // A name with a slash cannot be a file name; "." and ".." are not files.
    if (name.empty() || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    return lookup(name, ".md");
}

} // namespace gh::engine
