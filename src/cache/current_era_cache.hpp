#pragma once

// What `cumulative --layout archive` keeps between runs in the current era: the walked
// history of the pretty directory and each playlist's table (tables::CurrentEraTable),
// with how many versions of its JSON view it has taken in, so that a daily run reads only
// the new views. One file beside the cache's state (docs/CACHE-FORMAT.md, section 13).

#include "cache/cache.hpp"
#include "tables/current_era_table.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace gh::cache {

struct CurrentEraState {
    history::History views;
    /// By playlist id: the versions of `<id>.json` taken in, and the table they made.
    std::map<std::string, std::pair<std::uint32_t, tables::CurrentEraTable>> tables;
};

/// `<cache directory>/current-era-<S>.cache`, S naming the cache's settings.
std::filesystem::path current_era_path(const Cache& cache);

/// The saved state, or nothing when there is none usable; `why_not` then says why (empty
/// when there is simply none yet). Called while `cache` holds its lock.
std::optional<CurrentEraState> load_current_era(const Cache& cache, std::string& why_not);

/// Replaces the saved state atomically.
void save_current_era(const Cache& cache, const CurrentEraState& state);

} // namespace gh::cache
