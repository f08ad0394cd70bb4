#pragma once

// Where the pretty view of a playlist is at a commit: the archive's pretty directory is
// read once per commit (by whichever thread needs it first) and shared.

#include "git/object_reader.hpp"
#include "history/history.hpp"
#include "pretty/pretty_view.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::engine {

class PrettyViews {
  public:
    explicit PrettyViews(std::string dir);

    /// The directory, relative to the repository's root.
    const std::string& dir() const { return m_dir; }

    struct Found {
        git_oid blob{};
        pretty::Form form = pretty::Form::markdown;
        std::string_view file; ///< its name in the directory
    };

    /// The pretty view of playlist `id` at `commit`: `<id>.json`, else `<id>.md` (the
    /// current era), else `<name>.md` (2019-2021, named by the playlist's name there; its
    /// line 1 must link the id, which the caller checks once it is read).
    std::optional<Found> find(const git_oid& commit, std::string_view id, std::string_view name,
                              git::ObjectReader& reader, git_repository* repo);

    /// True once some snapshot read had the directory.
    bool seen() const { return m_seen; }

  private:
    using Files = std::vector<std::pair<std::string, git_oid>>; ///< sorted by name
    std::shared_ptr<const Files> files(const git_oid& commit, git::ObjectReader& reader,
                                       git_repository* repo);

    std::string m_dir;
    std::mutex m_mutex;                                          ///< guards m_files
    std::map<std::string, std::shared_ptr<const Files>> m_files; ///< by raw commit id
    std::atomic<bool> m_seen{false};
};

} // namespace gh::engine
