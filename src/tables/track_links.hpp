#pragma once

// A row's artists with their links, kept as one text (rows hold texts, not vectors, so that
// a table's rows stay views into its arena and the cache saves them as it saves titles).

#include <string>
#include <string_view>
#include <vector>

namespace gh::tables {

/// One artist of a row as the pretty view named it, and its url (empty when none).
struct ArtistLink {
    std::string_view name;
    std::string_view url;
};

/// Appends one artist to an encoded list: `<name size>:<name><url size>:<url>`, so that any
/// bytes of a name (", " included: "Tyler, The Creator" is one artist) survive.
void append_artist_link(std::string& encoded, std::string_view name, std::string_view url);

/// Takes the next artist off the front of an encoded list; false at its end (or at a
/// malformed entry, which ends it too).
bool take_artist_link(std::string_view& encoded, ArtistLink& artist);

/// The artists of an encoded list, in order.
std::vector<ArtistLink> artist_links(std::string_view encoded);

/// Calls `each(const ArtistLink&)` for the artists of an encoded list, in order, without
/// allocating (writers call it for every row).
template <typename Each>
void for_each_artist_link(std::string_view encoded, Each each) {
    ArtistLink artist;
    while (take_artist_link(encoded, artist)) {
        each(artist);
    }
}

} // namespace gh::tables
