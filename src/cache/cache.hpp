#pragma once

#include "history/history.hpp"
#include "tables/cumulative.hpp"
#include "util/mapped_file.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gh::cache {

/// Bumped whenever what is saved, or the rules that computed it, change: a cache from
/// another format is never used.
inline constexpr std::uint32_t k_format_version = 5;

/// Everything that changes the result besides the history itself.
struct Settings {
    std::string dir;
    std::string key_mode;
    std::string time_zone;

    /// The text stored in (and compared with) a cache file.
    std::string describe() const;
};

/// A playlist's builder as the cache holds it: parsed only when it is needed, and
/// otherwise copied as it is into the next cache, so that a daily run costs what changed.
struct SavedBuilder {
    std::string id;
    std::uint32_t versions = 0;
    std::uint32_t stray_lines = 0;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
    std::string_view bytes; ///< into Saved::file
};

/// What one run leaves for the next: the walked history and every playlist's builder.
struct Saved {
    history::History history;
    std::shared_ptr<const MappedFile> file;
    std::vector<SavedBuilder> builders;
};

/// A builder to save: serialized as soon as it is built (so that it can be freed), or
/// left as the cache had it (`header.bytes` then still points into the old cache file).
struct BuilderToSave {
    SavedBuilder header;
    std::optional<std::string> serialized;

    explicit BuilderToSave(const tables::TableBuilder& built);
    explicit BuilderToSave(const SavedBuilder& saved) : header(saved) {}
};

/// Parses a saved builder (throws std::runtime_error when it is damaged).
tables::TableBuilder::State parse_builder(const SavedBuilder& saved, std::size_t snapshots);

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
              const std::vector<const BuilderToSave*>& builders) const;

    const std::filesystem::path& path() const { return m_path; }

    const Settings& settings() const { return m_settings; }
    const std::filesystem::path& directory() const { return m_directory; }

  private:
    Settings m_settings;
    std::filesystem::path m_directory;
    std::filesystem::path m_path;
    int m_lock = -1;
};

/// What earlier runs wrote into one output directory in one format, so that a table whose
/// state has not changed since is neither rendered nor written again.
class OutputManifest {
  public:
    OutputManifest(const Cache& cache, const std::filesystem::path& out_dir,
                   std::string_view format);

    /// What identifies a table's content: its last version's commit and how many versions
    /// it has, and the analysed revision's day when the format shows days_present.
    struct TableState {
        std::string last_commit;
        std::uint32_t versions = 0;
        std::int32_t tip_day = 0;
        bool operator==(const TableState&) const = default;
    };

    /// True when `file` is still exactly what a run wrote for a table in `state`.
    bool current(const std::string& id, const TableState& state,
                 const std::filesystem::path& file) const;
    void record(const std::string& id, const TableState& state, const std::filesystem::path& file);
    /// Writes the manifest atomically.
    void save() const;

  private:
    struct Entry {
        TableState state;
        std::uintmax_t size = 0;
        std::int64_t mtime = 0;
    };
    std::filesystem::path m_path;
    std::map<std::string, Entry, std::less<>> m_entries;
};

} // namespace gh::cache
