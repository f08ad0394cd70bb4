#include "synth/views.hpp"

#include <fmt/format.h>

namespace gh::synth {

namespace views {

std::string link(std::string_view text, std::string_view url) {
    return url.empty() ? std::string(text) : fmt::format("[{}]({})", text, url);
}

std::string line_one(const BotSettings& settings, Era era, std::string_view view,
                     std::string_view other, std::string_view id) {
    // The views live beside the plain directory: playlists/pretty, playlists/cumulative.
    const std::string_view dir = settings.plain_dir;
    const auto slash = dir.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? "" : dir.substr(0, slash + 1);
    const std::string_view other_view = view == "pretty" ? "cumulative" : "pretty";
    const std::string other_link =
        fmt::format("[{}](/{}{}/{})", other_view, base, other_view, other);
    const std::string views = view == "pretty" ? fmt::format("pretty - {}", other_link)
                                               : fmt::format("{} - cumulative", other_link);
    const std::string plain = fmt::format("[plain](/{}/{})", dir, id);
    const std::string history = fmt::format(
        "[githistory](https://github.githistory.xyz/{}/blob/main/{}/{})", settings.github, dir, id);
    return era == Era::y2021 ? fmt::format("{} - {} ({})", views, plain, history)
                             : fmt::format("{} - {} - {}", views, plain, history);
}

std::string length_2021(std::int32_t duration_ms) {
    const std::int32_t seconds = duration_ms / 1000;
    std::string text =
        fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    text.erase(0, text.find_first_not_of("0:"));
    return text;
}

std::string length_current(std::int32_t duration_ms) {
    const std::int32_t seconds = duration_ms / 1000;
    if (seconds < 3600) {
        return fmt::format("{}:{:02}", seconds / 60, seconds % 60);
    }
    return fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

std::string heading(std::string_view name, std::string_view id) {
    return fmt::format("### {}", link(name, spotify_url("playlist", id)));
}

std::string escape_markdown(std::string_view text) {
    std::string escaped(text);
    // One special after another, in the archive's order: `\` first, so that the
    // backslashes put in later are not escaped again.
    for (const std::string_view special :
         {"\\", ". ", "#", "(", ")", "[", "]", "-", "*", "_", "`", "|", "~"}) {
        for (auto at = escaped.find(special); at != std::string::npos;
             at = escaped.find(special, at + special.size() + 1)) {
            escaped.insert(at, 1, '\\');
        }
    }
    return escaped;
}

std::string track_cells(const Track& track, Era era) {
    const auto name = [&](std::string_view text) {
        return era == Era::y2021 ? std::string(text) : escape_markdown(text);
    };
    std::string artists;
    for (std::size_t i = 0; i < track.artists.size(); ++i) {
        const std::string id = i < track.artist_ids.size() ? track.artist_ids[i] : "";
        artists += (i > 0 ? ", " : "") + link(name(track.artists[i]), spotify_url("artist", id));
    }
    const std::string length =
        era == Era::y2021 ? length_2021(track.duration_ms) : length_current(track.duration_ms);
    return fmt::format("{} | {} | {} | {}", link(name(track.title), spotify_url("track", track.id)),
                       artists, link(name(track.album), spotify_url("album", track.album_id)),
                       length);
}

} // namespace views

std::unique_ptr<Bot> make_bot(Era era, BotSettings settings) {
    return era == Era::y2021 ? views::make_bot_2021(std::move(settings))
                             : views::make_bot_current(std::move(settings));
}

} // namespace gh::synth
