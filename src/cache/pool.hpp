#pragma once

// The string pool, `cumulative-<S>.strings` (docs/CACHE-FORMAT.md, "The string pool"): the
// texts of the saved tables back to back, reached through the state's refs, appended to by
// the runs that follow and written anew when most of it is no longer used.

#include "cache/encoding.hpp"
#include "util/atomic_file.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace gh::cache {

struct BuilderToSave;
struct Saved;

/// Saved::pool_checksum (declared in cache.hpp): the running XXH3 state of the pool's
/// bytes as loaded, which a save that appends carries on from.
struct PoolChecksum {
    detail::Checksum sum;
};

namespace detail {

/// A text in the string pool: its bytes [offset, offset + size).
struct TextRef {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

/// Writes a `ref`.
inline void write_ref(Writer& out, TextRef ref) {
    out.varint(ref.offset);
    out.varint(ref.size);
}

/// Reads a `ref` and returns its text; throws std::runtime_error when it is not in `pool`.
inline std::string_view read_ref(Reader& in, std::string_view pool) {
    const std::uint64_t offset = in.varint();
    const std::uint64_t size = in.varint();
    if (offset > pool.size() || size > pool.size() - offset) {
        throw std::runtime_error("a text outside the string pool");
    }
    return pool.substr(offset, size);
}

/// Maps the pool at `path` into `saved` (pool_file, pool_checksum) and returns its first
/// `saved.pool_size` bytes; throws std::runtime_error when the file is missing or shorter,
/// or when those bytes' checksum is not `checksum`.
std::string_view load_pool(const std::filesystem::path& path, std::uint64_t checksum, Saved& saved);

/// Writes the new texts of `adding`, which are in pool order and follow one another, and
/// returns the checksum of the whole pool. With `appended_to` (the checksum of the pool
/// loaded, which they follow) they are written in place after it; without, they are a new
/// pool, which replaces the file atomically.
std::uint64_t write_pool(const std::filesystem::path& path,
                         const std::vector<const BuilderToSave*>& adding,
                         const PoolChecksum* appended_to, FileReleaser& releaser);

} // namespace detail

} // namespace gh::cache
