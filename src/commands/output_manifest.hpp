#pragma once

#include "cache/cache.hpp"
#include "util/atomic_file.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace gh::commands {

/// What earlier runs wrote into one output directory in one format, so that a table whose
/// state has not changed since is neither rendered nor written again.
class OutputManifest {
  public:
    /// `renderer` identifies the code that renders the tables (a digest of writers/): a
    /// build that renders differently finds no manifest, and writes every table once more.
    OutputManifest(const cache::Cache& cache, const std::filesystem::path& out_dir,
                   std::string_view format, std::string_view renderer);

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
    void save(FileReleaser* releaser = nullptr) const;

  private:
    struct Entry {
        TableState state;
        std::uintmax_t size = 0;
        std::int64_t mtime = 0;
    };
    std::filesystem::path m_path;
    std::map<std::string, Entry, std::less<>> m_entries;
};

} // namespace gh::commands
