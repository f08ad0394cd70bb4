#pragma once

// Reading blobs faster than libgit2 does: straight from the repository's pack files,
// mapped once and shared by every thread, inflated with libdeflate, and with a cache of
// delta bases sized for the way the engine reads (every version of one file, newest
// first). Anything the fast path does not handle (loose objects, alternates, an odd or
// damaged pack) is read by libgit2, so results and error messages are libgit2's.

#include "git/handles.hpp"
#include "git/rewrites.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct libdeflate_decompressor;

namespace gh {
class MappedFile;
}

namespace gh::git {

/// The bytes of one object, shared between a reader's cache and whoever holds them.
class ObjectBytes {
  public:
    ObjectBytes() = default;
    ObjectBytes(std::shared_ptr<const char[]> data, std::size_t size)
        : m_data(std::move(data)), m_size(size) {}

    std::string_view view() const { return {m_data.get(), m_size}; }
    std::size_t size() const { return m_size; }
    explicit operator bool() const { return m_data != nullptr; }

  private:
    std::shared_ptr<const char[]> m_data;
    std::size_t m_size = 0;
};

/// Applies git delta instructions (gitformat-pack.txt, "Deltified representation") to
/// `base`; no bytes when they are malformed or do not fit it.
ObjectBytes apply_delta(std::string_view base, std::string_view delta);

/// The pack indexes whose checksum has been verified, each by its file's identity (name,
/// device, inode, size and modification time): a set the cache keeps between runs, so that
/// a daily run does not read every index again.
using VerifiedIndexes = std::set<std::string>;

/// The pack files of one repository (`objects/pack/*.idx` with their `.pack`), mapped
/// read-only. Immutable once opened, so threads share one.
class PackSet {
  public:
    /// Maps every version-2 index with its pack; others are left to libgit2. Verifies the
    /// trailing SHA-1 of each index not `known` to be verified, and throws gh::Error naming
    /// the index when it does not match: a damaged index leads to the wrong objects, which
    /// git itself does not notice when it reads them.
    explicit PackSet(const std::filesystem::path& objects_dir, const VerifiedIndexes& known = {});

    /// The indexes in use, all verified (now or before): what to remember for later runs.
    const VerifiedIndexes& verified() const { return m_verified; }
    ~PackSet();
    PackSet(const PackSet&) = delete;
    PackSet& operator=(const PackSet&) = delete;

    struct Location {
        std::uint32_t pack = 0;
        std::uint64_t offset = 0;
        /// The CRC-32 the index records for the entry's bytes, when it was found by id.
        std::optional<std::uint32_t> crc;
    };
    std::optional<Location> find(const git_oid& id) const;
    /// Starts loading what finding `ids` will read, so that the cache misses of many
    /// lookups overlap instead of following one another (a hint: it finds nothing).
    void prefetch(std::span<const git_oid> ids) const;

    struct Pack;
    const Pack& pack(std::uint32_t index) const { return *m_packs[index]; }
    std::size_t size() const { return m_packs.size(); }

  private:
    std::vector<std::unique_ptr<Pack>> m_packs;
    VerifiedIndexes m_verified;
};

/// Reads objects for one thread (libgit2 handles and the delta cache are not shared).
class ObjectReader {
  public:
    /// `packs` may be null: everything is then read by libgit2 (as with --verify-objects).
    /// Objects are read as git reads them, in place of the objects `rewrites` replaces
    /// (loaded from `repo` when null).
    ObjectReader(git_repository* repo, std::shared_ptr<const PackSet> packs,
                 std::shared_ptr<const Rewrites> rewrites = nullptr);
    ~ObjectReader();
    ObjectReader(const ObjectReader&) = delete;
    ObjectReader& operator=(const ObjectReader&) = delete;

    /// The blob's bytes; throws gh::Error naming `what` (a path and commit) on failure,
    /// or when the object is not a blob.
    template <typename... Args>
    ObjectBytes read_blob(const git_oid& wanted, fmt::format_string<Args...> what, Args&&... args) {
        const git_oid& id = m_rewrites->object(wanted);
        auto [bytes, type] = read_object(id);
        if (!bytes) {
            std::tie(bytes, type) = read_with_libgit2(id, [&] {
                return fmt::format("reading {} (blob {})", fmt::format(what, args...), id);
            });
        }
        if (type != GIT_OBJECT_BLOB) {
            fail("reading {}: object {} is not a blob", fmt::format(what, args...), id);
        }
        return bytes;
    }

    /// Says that the objects `ids` will be read soon (see PackSet::prefetch).
    void prefetch(std::span<const git_oid> ids) const {
        if (m_packs) {
            m_packs->prefetch(ids);
        }
    }

    /// Any object's bytes and type (a commit's or a tree's, say); throws gh::Error
    /// "reading <kind> <id>" on failure.
    std::pair<ObjectBytes, git_object_t> read(const git_oid& id, std::string_view kind);

    /// How the objects read so far were found.
    struct Stats {
        std::size_t from_packs = 0;
        std::size_t from_libgit2 = 0;
    };
    const Stats& stats() const { return m_stats; }

    /// The rewrites this reader follows.
    const Rewrites& rewrites() const { return *m_rewrites; }

    /// Bytes at most kept for delta bases.
    static constexpr std::size_t k_cache_budget = 8u << 20;

  private:
    /// The object from a pack, or no bytes when libgit2 must read it. Throws gh::Error
    /// when the entry's bytes are not those the pack index records for `id` (a damaged
    /// pack or index: git itself would return the wrong object).
    std::pair<ObjectBytes, git_object_t> read_object(const git_oid& id);
    std::pair<ObjectBytes, git_object_t>
    read_with_libgit2(const git_oid& id, const std::function<std::string()>& context);
    /// An object read from a pack, and the CRC-32 of its entry's bytes there.
    struct Packed {
        ObjectBytes bytes;
        int type = 0;
        std::uint32_t crc = 0;
    };
    /// The object at `where`; nothing when the pack is not understood.
    std::optional<Packed> read_packed(PackSet::Location where, int depth);
    /// What an entry's header says: its type, inflated size, where its compressed data
    /// starts and, for a delta, where its base is.
    struct EntryHeader {
        int type = 0;
        std::uint64_t size = 0;
        const unsigned char* data = nullptr;
        std::optional<PackSet::Location> base;
    };
    /// The header of the entry at `where`; nothing when it is not understood.
    std::optional<EntryHeader> entry_header(PackSet::Location where) const;
    /// Throws gh::Error when the chain of deltas from `where` comes back to an entry.
    void fail_if_chain_loops(PackSet::Location where) const;
    void remember(std::uint64_t key, const Packed& object);

    Odb m_odb;
    std::shared_ptr<const PackSet> m_packs;
    std::shared_ptr<const Rewrites> m_rewrites;
    libdeflate_decompressor* m_inflate = nullptr;

    struct Cached {
        std::uint64_t key;
        Packed object;
    };
    std::list<Cached> m_recent; ///< most recently used first
    std::unordered_map<std::uint64_t, std::list<Cached>::iterator> m_cached;
    std::size_t m_cached_bytes = 0;
    std::vector<char> m_delta; ///< scratch for inflated delta instructions
    Stats m_stats;
};

} // namespace gh::git
