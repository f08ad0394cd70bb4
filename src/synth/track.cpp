#include "synth/track.hpp"

#include "synth/generator.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

namespace gh::synth {

namespace {

/// A number drawn from the seed and a name, the same every time: identities must not
/// depend on when or how often a track is generated.
std::uint64_t derived(std::uint64_t seed, std::string_view kind, std::string_view name) {
    return Random(hash_text(fmt::format("{}\n{}\n{}", seed, kind, name))).next();
}

std::string derived_id(std::uint64_t seed, std::string_view kind, std::string_view name) {
    Random random(derived(seed, kind, name));
    return base62(random, 22);
}

} // namespace

std::string plain_line(const Track& track) {
    std::string line = track.title + " -- ";
    for (std::size_t i = 0; i < track.artists.size(); ++i) {
        line += (i > 0 ? ", " : "") + track.artists[i];
    }
    return line + " -- " + track.album;
}

void identify(Track& track, std::uint64_t seed) {
    // Unit separators between the names, so that a comma inside an artist's name does not
    // make two different tracks one.
    std::string names = track.title;
    for (const auto& artist : track.artists) {
        names += '\x1f' + artist;
    }
    names += '\x1e' + track.album;
    track.duration_ms =
        30'000 + static_cast<std::int32_t>(derived(seed, "length", names) % 570'001);
    track.id.clear();
    track.artist_ids.clear();
    track.album_id.clear();
    // About 2% are local files: no urls at all.
    if (derived(seed, "local", names) % 50 == 0) {
        return;
    }
    track.id = derived_id(seed, "track", names);
    for (const auto& artist : track.artists) {
        track.artist_ids.push_back(derived_id(seed, "artist", artist));
    }
    track.album_id = derived_id(seed, "album", names.substr(track.title.size()));
}

std::string base62(Random& random, std::size_t length) {
    static constexpr std::string_view k_base62 =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string text;
    while (text.size() < length) {
        text += k_base62[random.below(k_base62.size())];
    }
    return text;
}

std::string spotify_url(std::string_view kind, std::string_view id) {
    return id.empty() ? std::string() : fmt::format("https://open.spotify.com/{}/{}", kind, id);
}

} // namespace gh::synth
