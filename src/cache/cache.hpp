#pragma once

#include "history/history.hpp"
#include "tables/cumulative.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gh::cache {

/// Bumped whenever what is saved, or the rules that computed it, change: a cache from
/// another format is never used.
inline constexpr std::uint32_t k_format_version = 1;

/// Everything that changes the result besides the history itself.
struct Settings {
    std::string dir;
    std::string key_mode;
    std::string time_zone;

    /// The text stored in (and compared with) a cache file.
    std::string describe() const;
};

/// What one run leaves for the next: the walked history and every playlist's builder.
struct Saved {
    history::History history;
    std::vector<tables::TableBuilder::State> builders;
};

/// The cache of one repository and one set of settings, under `<git-dir>/gh-analyze/`.
/// While it exists it holds a lock, so that two runs at once cannot interleave their
/// reads and writes; a second run waits for the first.
class Cache {
  public:
    Cache(const std::filesystem::path& git_dir, const Settings& settings);
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;
    ~Cache();

    /// The saved state, or nothing when there is none usable; `why_not` then says why
    /// (empty when there simply is no cache yet).
    std::optional<Saved> load(std::string& why_not) const;

    /// Replaces the saved state atomically.
    void save(const history::History& history,
              const std::vector<const tables::TableBuilder*>& builders) const;

    const std::filesystem::path& path() const { return m_path; }

  private:
    Settings m_settings;
    std::filesystem::path m_path;
    int m_lock = -1;
};

} // namespace gh::cache
