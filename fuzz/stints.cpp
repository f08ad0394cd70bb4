// Fuzzes the stints file of <git-dir>/gh-analyze/: a playlist's encoded stints decoded for
// a history of a given size, which either refuses them or gives stints that fit it and
// that encode to the same bytes; and the whole file read back after it is written.

#include "cache/cache.hpp"
#include "cache/stints_codec.hpp"
#include "support.hpp"

namespace {

using namespace gh;

/// The input: the history's snapshots (a byte), the versions said (a byte), then the
/// encoded stints.
constexpr std::size_t k_header = 2;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < k_header) {
        return 0;
    }
    cache::StintsFile file;
    file.snapshots = data[0];
    const cache::StintsFile::Entry entry{data[1], fuzz::as_text(data + k_header, size - k_header)};
    std::optional<cache::SavedStints> decoded;
    try {
        decoded = file.decode("37i9dQZF1DXcBWIGoYBM5M", entry);
    } catch (const std::runtime_error&) {
        return 0; // refused: the run follows the playlist from its first version
    }
    GH_FUZZ_REQUIRE(decoded->snapshots.size() == entry.versions);
    for (const auto& snapshot : decoded->snapshots) {
        GH_FUZZ_REQUIRE(snapshot.snapshot < file.snapshots);
    }
    for (const auto& stint : decoded->stints) {
        GH_FUZZ_REQUIRE(stint.start < file.snapshots);
        GH_FUZZ_REQUIRE(!stint.end || (*stint.end > stint.start && *stint.end < file.snapshots));
    }
    // Encoded again, the stints decode to the same (varints have one shortest form each,
    // so the bytes may differ only where the input spent more than it needed).
    const std::string encoded = cache::encode_stints(*decoded);
    const auto again = file.decode("37i9dQZF1DXcBWIGoYBM5M", {entry.versions, encoded});
    GH_FUZZ_REQUIRE(cache::encode_stints(again) == encoded);

    // The whole file, written and read back, holds the same encoded stints.
    const auto path = fuzz::scratch_dir() / "fuzz.stints";
    const std::string describe = cache::Settings{"playlists/plain", "line", "UTC"}.describe();
    cache::write_stints(path, describe, {{"37i9dQZF1DXcBWIGoYBM5M", entry.versions, encoded}});
    const auto read = cache::read_stints(path, describe, file.snapshots);
    GH_FUZZ_REQUIRE(read && read->playlists.size() == 1);
    GH_FUZZ_REQUIRE(read->playlists.begin()->second.encoded == encoded);
    return 0;
}
