#pragma once

#include "synth/track.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::synth {

/// The era whose bot an archive emulates (SPEC "The archive's own layouts"): the views
/// named by playlist name of 2019-2021, or the views named by id of 2022 on.
enum class Era { y2021, current };

/// A track as the bot scraped it, with Spotify's `added_at` for it in the playlist.
struct ScrapedTrack {
    Track track;
    std::optional<std::string> added_at; ///< `YYYY-MM-DD HH:MM:SS` (UTC), or null
};

/// A playlist as the bot scraped it on one day.
struct Scrape {
    std::string id;
    std::string name;
    std::string description;          ///< may span lines
    std::vector<ScrapedTrack> tracks; ///< in playlist order
    std::string owner_name = "Spotify";
    std::string owner_url = "https://open.spotify.com/user/spotify";
    std::int64_t followers = 0;
    std::string snapshot_id;
};

/// A file the bot wrote, or deleted when it has no content.
struct BotFile {
    std::string dir;  ///< beside the plain directory: "pretty" or "cumulative"
    std::string name; ///< the file's name in `dir`
    std::optional<std::string> content;
};

/// What the views' links need to know about the archive.
struct BotSettings {
    std::string github = "example/playlist-archive"; ///< OWNER/REPO, for the githistory links
    std::string plain_dir = "playlists/plain";
};

/// The archive's bot: keeps each playlist's pretty view and its own cumulative table,
/// from what it scrapes day by day (never from git), and says which files that changes.
class Bot {
  public:
    virtual ~Bot() = default;

    /// Takes in the playlist as scraped by a commit made on `date` (`YYYY-MM-DD`).
    virtual void scrape(const Scrape& scrape, std::string_view date,
                        std::vector<BotFile>& written) = 0;

    /// The playlist `id` is no longer in the archive as of a commit made on `date`: its
    /// pretty view goes, its table stays with its present rows removed that day.
    virtual void remove(std::string_view id, std::string_view date,
                        std::vector<BotFile>& written) = 0;
};

std::unique_ptr<Bot> make_bot(Era era, BotSettings settings);

} // namespace gh::synth
