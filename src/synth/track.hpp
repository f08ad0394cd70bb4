#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gh::synth {

class Random;

/// One track as Spotify lists it in a playlist. Its ids are Spotify's: 22 base62
/// characters, or empty for a local file, which Spotify gives no urls.
struct Track {
    std::string title;
    /// One name per artist: "Tyler, The Creator" is one artist, although the plain line
    /// cannot tell it from two.
    std::vector<std::string> artists;
    std::string album;
    std::string id;
    std::vector<std::string> artist_ids; ///< one per artist, empty for a local file
    std::string album_id;
    std::int32_t duration_ms = 0;
};

/// The track's line in a plain file: `title -- artists joined by ", " -- album`.
std::string plain_line(const Track& track);

/// Gives `track` its ids and duration, derived from `seed` and its names only, so that
/// the same track (and the same artist name) always has the same urls.
void identify(Track& track, std::uint64_t seed);

/// `length` characters of base62.
std::string base62(Random& random, std::size_t length);

/// `https://open.spotify.com/<kind>/<id>`, or empty when there is no id (a local file).
std::string spotify_url(std::string_view kind, std::string_view id);

} // namespace gh::synth
