// Fuzzes the pretty views' parser in its three forms, the line-1 link and the lengths, and
// the encoding rows keep artists in: they take the bytes of any file a repository holds
// under playlists/pretty.

#include "pretty/pretty_view.hpp"

#include "support.hpp"
#include "tables/track_links.hpp"

#include <fmt/format.h>
#include <string>

namespace {

using namespace gh::pretty;

bool within(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

/// A url the parser hands on is an https one, with no byte that could end a markdown link
/// or a field.
bool clean_url(std::string_view url) {
    if (!url.empty() && !url.starts_with("https://")) {
        return false;
    }
    for (const char c : url) {
        if (static_cast<unsigned char>(c) <= ' ' || c == ')' || c == 0x7f) {
            return false;
        }
    }
    return true;
}

void check_view(const View& view, std::string_view bytes, Form form) {
    std::size_t artists = 0;
    std::string line;
    for (const Track& track : view.tracks()) {
        GH_FUZZ_REQUIRE(track.first_artist == artists);
        artists += track.artist_count;
        GH_FUZZ_REQUIRE(clean_url(track.url) && clean_url(track.album_url));
        if (form == Form::markdown) { // nothing is unescaped: every text is the input's
            GH_FUZZ_REQUIRE(within(track.name, bytes) && within(track.album, bytes));
        }
        std::string encoded;
        std::string joined;
        for (const Artist& artist : view.artists(track)) {
            GH_FUZZ_REQUIRE(clean_url(artist.url));
            gh::tables::append_artist_link(encoded, artist.name, artist.url);
            joined += &artist == view.artists(track).data() ? "" : ", ";
            joined += artist.name;
        }
        // The encoding gives back every artist, whatever its bytes.
        const auto decoded = gh::tables::artist_links(encoded);
        GH_FUZZ_REQUIRE(decoded.size() == track.artist_count);
        for (std::size_t i = 0; i < decoded.size(); ++i) {
            GH_FUZZ_REQUIRE(decoded[i].name == view.artists(track)[i].name &&
                            decoded[i].url == view.artists(track)[i].url);
        }
        view.plain_line(track, line);
        GH_FUZZ_REQUIRE(line == std::string(track.name) + " -- " + joined + " -- " +
                                    std::string(track.album));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes = gh::fuzz::as_text(data, size);
    View view;
    for (const Form form : {Form::markdown, Form::escaped_markdown, Form::json}) {
        view.parse(bytes, form);
        check_view(view, bytes, form);
    }
    if (const auto id = linked_playlist(bytes)) {
        GH_FUZZ_REQUIRE(!id->empty() && within(*id, bytes) &&
                        bytes.find('\n') > static_cast<std::size_t>(id->data() - bytes.data()));
    }
    // A length read back from its own text is the same length.
    const std::string_view first_line = bytes.substr(0, bytes.find('\n'));
    if (const auto seconds = parse_length(first_line)) {
        const std::string text =
            *seconds >= 3600
                ? fmt::format("{}:{:02}:{:02}", *seconds / 3600, *seconds / 60 % 60, *seconds % 60)
                : fmt::format("{}:{:02}", *seconds / 60, *seconds % 60);
        GH_FUZZ_REQUIRE(parse_length(text) == seconds);
    }
    return 0;
}
