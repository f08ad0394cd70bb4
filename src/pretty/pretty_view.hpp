#pragma once

// The archive's pretty views (`playlists/pretty/`): the same tracks as the plain file of the
// same commit, with Spotify links and lengths. Three forms, by era: `<Name>.md` (2019-2021,
// nothing escaped), `<id>.md` (escaped) and `<id>.json`. Knows bytes, not git.

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::pretty {

/// How a pretty view is written.
enum class Form {
    markdown,         ///< `<Name>.md` of 2019-2021: names as they are
    escaped_markdown, ///< `<id>.md` of the current era: markdown characters backslashed
    json,             ///< `<id>.json` of the current era
};

/// One artist of a track: its name and its url (empty when the view gives none).
struct Artist {
    std::string_view name;
    std::string_view url;
};

/// One track of a pretty view. Texts are views of the parsed bytes or of the view's own
/// storage; urls are empty when the view gives none (a local file, say).
struct Track {
    std::string_view name;
    std::string_view url;
    std::string_view album;
    std::string_view album_url;
    std::uint32_t first_artist = 0; ///< index into View::artists
    std::uint32_t artist_count = 0;
    std::optional<std::uint32_t> duration_ms;
    /// Spotify's `added_at` (`YYYY-MM-DD HH:MM:SS`) of the JSON form; empty when null.
    std::string_view added_at;
};

/// A parsed pretty view. Reused from version to version, so that parsing allocates only
/// when a view has more tracks than any before it.
class View {
  public:
    View() = default;
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    /// Reads `bytes` (which must outlive the view's use) as `form`. Rows that cannot be
    /// read are skipped and counted; a view that cannot be read at all has no tracks.
    /// With `titles`, a 2019-2021 view's rows whose title starts with none of them are
    /// skipped unread: a caller that wants a few tracks of a long view need not read them
    /// all.
    void parse(std::string_view bytes, Form form, std::span<const std::string_view> titles = {});
    /// No tracks, as when no view was found.
    void clear();

    const std::vector<Track>& tracks() const { return m_tracks; }
    std::span<const Artist> artists(const Track& track) const {
        return std::span(m_artists).subspan(track.first_artist, track.artist_count);
    }
    /// Rows of the table that could not be read as a track.
    std::uint32_t unreadable_rows() const { return m_unreadable; }
    /// For the JSON form: whether the document could be read (an object with `tracks`), and
    /// a text field of the playlist (`unique_name`, `description`); empty when it has none.
    bool read_json() const { return m_json.is_object(); }
    std::string_view playlist_field(const char* name) const;

    /// The plain line this track is, `name -- artist, artist -- album`, into `line`.
    void plain_line(const Track& track, std::string& line) const;

  private:
    bool parse_row(std::string_view row, bool escaped);
    std::string_view unescape(std::string_view text, bool escaped);
    void parse_json(std::string_view bytes);

    std::vector<Track> m_tracks;
    std::vector<Artist> m_artists;
    std::uint32_t m_unreadable = 0;
    /// Unescaped texts (only those that had an escape), and the JSON document the JSON
    /// form's views point into.
    std::deque<std::string> m_storage; ///< a deque: views of its strings stay valid as it grows
    std::size_t m_storage_used = 0;
    nlohmann::json m_json;
};

/// The playlist id that line 1 of a markdown view links to (`.../playlists/plain/<id>`,
/// relative or as a github.com url): what ties a `<Name>.md` to its playlist, whose name
/// may change while the link cannot.
std::optional<std::string_view> linked_playlist(std::string_view markdown);

/// Parses a length cell: `3:55`, `45`, `1:02:03` (whole seconds); nothing otherwise.
std::optional<std::uint32_t> parse_length(std::string_view cell);

} // namespace gh::pretty
