#include "engine/pretty_views.hpp"

#include <algorithm>

namespace gh::engine {

PrettyViews::PrettyViews(std::string dir, std::size_t snapshots)
    : m_dir(std::move(dir)), m_read(snapshots), m_files(snapshots) {}

const PrettyViews::Files& PrettyViews::files(const history::History& history,
                                             std::uint32_t snapshot, git::ObjectReader& reader,
                                             git_repository* repo) {
    std::call_once(m_read.at(snapshot), [&] {
        m_files[snapshot] =
            history::files_in(reader, repo, history.snapshots.at(snapshot).commit, m_dir);
        if (!m_files[snapshot].empty()) {
            m_seen = true;
        }
    });
    return m_files[snapshot];
}

std::optional<PrettyViews::Found>
PrettyViews::find(const history::History& history, std::uint32_t snapshot, std::string_view id,
                  std::string_view name, git::ObjectReader& reader, git_repository* repo) {
    const Files& in = files(history, snapshot, reader, repo);
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
