#include "tables/playlist_history.hpp"

#include <algorithm>
#include <numeric>

namespace gh::tables {

void PlaylistHistory::index_stints() {
    by_key.resize(memberships.size());
    std::iota(by_key.begin(), by_key.end(), 0);
    std::stable_sort(by_key.begin(), by_key.end(), [&](std::uint32_t a, std::uint32_t b) {
        return memberships[a].key < memberships[b].key;
    });
}

std::vector<const PlaylistHistory::Membership*>
PlaylistHistory::stints(std::string_view key) const {
    const auto first = std::lower_bound(
        by_key.begin(), by_key.end(), key,
        [&](std::uint32_t i, std::string_view wanted) { return memberships[i].key < wanted; });
    std::vector<const Membership*> found;
    for (auto at = first; at != by_key.end() && memberships[*at].key == key; ++at) {
        found.push_back(&memberships[*at]);
    }
    return found;
}

const TrackRow* PlaylistHistory::row(std::string_view key) const {
    const auto found = std::lower_bound(
        table.rows.begin(), table.rows.end(), key,
        [](const TrackRow& row, std::string_view wanted) { return row.key < wanted; });
    return found != table.rows.end() && found->key == key ? &*found : nullptr;
}

} // namespace gh::tables
