#pragma once

// Where the pretty view committed with a playlist's version is: the archive's pretty
// directory is read once per snapshot (by whichever thread needs it first) and shared.

#include "git/object_reader.hpp"
#include "history/history.hpp"
#include "pretty/pretty_view.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::engine {

class PrettyViews {
  public:
    PrettyViews(std::string dir, std::size_t snapshots);

    /// The directory, relative to the repository's root.
    const std::string& dir() const { return m_dir; }

    struct Found {
        git_oid blob{};
        pretty::Form form = pretty::Form::markdown;
        std::string_view file; ///< its name in the directory
    };

    /// The pretty view of playlist `id` at `snapshot`: `<id>.json`, else `<id>.md` (the
    /// current era), else `<name>.md` (2019-2021, named by the playlist's name as of that
    /// version; its line 1 must link the id, which the caller checks once it is read).
    std::optional<Found> find(const history::History& history, std::uint32_t snapshot,
                              std::string_view id, std::string_view name, git::ObjectReader& reader,
                              git_repository* repo);

    /// True once some snapshot read had the directory.
    bool seen() const { return m_seen; }

  private:
    using Files = std::vector<std::pair<std::string, git_oid>>; ///< sorted by name
    const Files& files(const history::History& history, std::uint32_t snapshot,
                       git::ObjectReader& reader, git_repository* repo);

    std::string m_dir;
    std::vector<std::once_flag> m_read;
    std::vector<Files> m_files;
    std::atomic<bool> m_seen{false};
};

} // namespace gh::engine
