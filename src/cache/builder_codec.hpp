#pragma once

// A playlist's saved builder: `builder` of docs/CACHE-FORMAT.md, "The saved builder",
// written by BuilderToSave and read by parse_builder, and the copies of its first fields
// that the state file keeps beside it (`builder-record`).

#include "tables/cumulative.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gh::cache {

class Cache;

/// A playlist's builder as the cache holds it: parsed only when it is needed, and
/// otherwise copied as it is into the next cache, so that a daily run costs what changed.
/// Its texts (keys, titles, lines) are in the cache's string pool, which runs only ever
/// append to: a builder saved again refers to the texts it already had there.
struct SavedBuilder {
    std::string id;
    std::uint32_t versions = 0;
    std::uint32_t stray_lines = 0;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> first_stray;
    std::uint64_t pool_bytes = 0;           ///< how much of the pool its texts take
    std::string_view bytes;                 ///< into Saved::file
    std::string_view pool;                  ///< the whole pool, into Saved::pool_file
    std::shared_ptr<const void> pool_owner; ///< keeps `pool` mapped for restored tables
    /// The playlist's name and the pretty view its present rows were linked from (see
    /// tables::PlaylistTable), so that a run can tell whether they need new links without
    /// reading the builder.
    std::string name;
    std::string present_view;
};

/// A builder to save: serialized as soon as it is built (so that it can be freed), or
/// left as the cache had it (`header.bytes` then still points into the old cache file).
struct BuilderToSave {
    SavedBuilder header;
    std::optional<std::string> serialized;
    /// Texts the pool does not have yet, and where in the pool they go.
    std::string new_texts;
    std::uint64_t new_texts_at = 0;

    /// Serializes `built`. `restored_from` is the saved builder it was restored from, if
    /// any: texts the builder still takes from the pool stay where they are in it, and
    /// the new ones are given their place at the end of `cache`'s pool.
    BuilderToSave(const tables::TableBuilder& built, const SavedBuilder* restored_from,
                  Cache& cache);
    explicit BuilderToSave(const SavedBuilder& saved) : header(saved) {}
};

/// Parses a saved builder (throws std::runtime_error when it is damaged).
tables::TableBuilder::State parse_builder(const SavedBuilder& saved, std::size_t snapshots);

} // namespace gh::cache
