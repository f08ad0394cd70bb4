#pragma once

// The files under <git-dir>/gh-analyze/ and their on-disk format: docs/CACHE-FORMAT.md.
// The state file is read and written here, with the settings that name it; its parts
// have files of their own: encoding.hpp (the byte layer), history_codec, builder_codec,
// pool (the string pool) and lock.

#include "cache/builder_codec.hpp"
#include "cache/lock.hpp"
#include "git/object_reader.hpp"
#include "history/history.hpp"
#include "util/atomic_file.hpp"
#include "util/mapped_file.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gh::cache {

/// Bumped whenever what is saved changes. A change of the rules that computed it is
/// named by tables::MembershipLedger::k_rules_version, which Settings::describe includes
/// beside this version; the digest of the rules' sources is there too (src/CMakeLists.txt).
inline constexpr std::uint32_t k_format_version = 8;

/// Everything that changes the result besides the history itself.
struct Settings {
    std::string dir;
    std::string key_mode;
    std::string time_zone;
    /// git::Rewrites::digest() of the repository's replaced objects and grafts.
    std::string rewrites = "none";
    /// Where the pretty views are read from, or "none" (--no-links): rows hold what
    /// they gave.
    std::string pretty = "none";

    /// The text stored in (and compared with) a cache file: the format version, the
    /// ledger's rules version, the digest of the rules' sources, and the settings.
    std::string describe() const;
};

/// The checksum of the pool's bytes as loaded, kept running so that a save that appends
/// to the pool does not read the whole pool again.
struct PoolChecksum;

/// What one run leaves for the next: the walked history and every playlist's builder.
struct Saved {
    history::History history;
    std::shared_ptr<const MappedFile> file;
    std::shared_ptr<const MappedFile> pool_file;
    std::uint64_t pool_size = 0; ///< the pool bytes the saved state uses and checked
    std::shared_ptr<const PoolChecksum> pool_checksum; ///< of the pool's first pool_size bytes
    std::vector<SavedBuilder> builders;
};

/// The cache of one repository and one set of settings, under `<git-dir>/gh-analyze/`:
/// a state file, rewritten by every run, and a string pool, appended to. While the cache
/// object exists it holds a lock, so that two runs at once cannot interleave their reads
/// and writes; a second run waits for the first.
class Cache {
  public:
    Cache(const std::filesystem::path& git_dir, const Settings& settings);
    Cache(const Cache&) = delete;
    Cache& operator=(const Cache&) = delete;
    ~Cache();

    /// The saved state, or nothing when there is none usable; `why_not` then says why
    /// (empty when there simply is no cache yet).
    std::optional<Saved> load(std::string& why_not) const;

    /// Prepares saving: new texts go after the pool of `saved`, or into a new pool when
    /// there is none or when most of the old one is no longer used; `fresh_pool` then
    /// says that every builder must be serialized again (none may be copied as saved).
    void start_save(const Saved* saved);
    bool fresh_pool() const { return m_fresh_pool; }
    /// The pool is written anew when more than this share of it is no longer used, and
    /// that is more than `pool_slack` bytes (tests lower both).
    static inline double pool_waste_limit = 0.5;
    static inline std::uint64_t pool_slack = 8u << 20;
    /// Reserves `size` bytes at the end of the pool (thread-safe); returns their offset.
    std::uint64_t reserve_texts(std::size_t size) { return m_pool_end.fetch_add(size); }

    /// Appends the builders' new texts to the pool and replaces the state atomically.
    void save(const history::History& history, const std::vector<const BuilderToSave*>& builders,
              const Saved* saved) const;

    const std::filesystem::path& path() const { return m_path; }
    /// The stints file beside the state (cache/stints_codec.hpp).
    const std::filesystem::path& stints_path() const { return m_stints_path; }

    /// The pack indexes whose checksums earlier runs verified (git::VerifiedIndexes),
    /// shared by every setting's cache of the repository.
    git::VerifiedIndexes verified_indexes() const;
    /// Records `indexes` for later runs; a failure costs them only the verification.
    void save_verified_indexes(const git::VerifiedIndexes& indexes) const;

    const Settings& settings() const { return m_settings; }
    const std::filesystem::path& directory() const { return m_directory; }

  private:
    Settings m_settings;
    std::filesystem::path m_directory;
    std::filesystem::path m_path;
    std::filesystem::path m_pool_path;
    std::filesystem::path m_stints_path;
    Lock m_lock;
    /// Lets go of a replaced state file at once (its blocks are freed while the run ends).
    mutable FileReleaser m_releaser{1};
    bool m_fresh_pool = true;
    std::uint64_t m_pool_start = 0;
    std::atomic<std::uint64_t> m_pool_end{0};
};

/// 16 hex digits naming a file for a settings text (its XXH3-64): cache files, and the
/// output manifests of `cumulative --out`.
std::string settings_hash(std::string_view text);

} // namespace gh::cache
