#include "tables/track_links.hpp"

#include <charconv>
#include <fmt/format.h>

namespace gh::tables {

namespace {

void append_sized(std::string& out, std::string_view text) {
    fmt::format_to(std::back_inserter(out), "{}:", text.size());
    out += text;
}

bool take_sized(std::string_view& rest, std::string_view& text) {
    std::size_t size = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), size);
    const auto digits = static_cast<std::size_t>(end - rest.data());
    if (error != std::errc() || digits == rest.size() || *end != ':' ||
        size > rest.size() - digits - 1) {
        return false;
    }
    text = rest.substr(digits + 1, size);
    rest.remove_prefix(digits + 1 + size);
    return true;
}

} // namespace

void append_artist_link(std::string& encoded, std::string_view name, std::string_view url) {
    append_sized(encoded, name);
    append_sized(encoded, url);
}

bool take_artist_link(std::string_view& encoded, ArtistLink& artist) {
    return !encoded.empty() && take_sized(encoded, artist.name) && take_sized(encoded, artist.url);
}

std::vector<ArtistLink> artist_links(std::string_view encoded) {
    std::vector<ArtistLink> artists;
    for_each_artist_link(encoded, [&](const ArtistLink& artist) { artists.push_back(artist); });
    return artists;
}

} // namespace gh::tables
