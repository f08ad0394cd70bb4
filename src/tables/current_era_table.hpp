#pragma once

// The archive's own cumulative table as its generator keeps it since 2022 (SPEC "The
// archive's own layouts", current era): one row per Spotify track, fed each day's pretty
// JSON view. Unlike TableBuilder's rows, keyed by plain line and dated by plain versions,
// these rows follow the track's id, so a respelled title or album stays one row, and
// take Spotify's `added_at` as their date.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::pretty {
class View;
} // namespace gh::pretty

namespace gh::tables {

/// One track of a current-era table, as the latest view that had it shows it.
struct CurrentEraRow {
    std::string title;
    std::string url;                                          ///< empty for a local file
    std::vector<std::pair<std::string, std::string>> artists; ///< name, url (empty: none)
    std::string album;
    std::string album_url;
    std::optional<std::uint32_t> duration_ms;
    std::string added;     ///< `YYYY-MM-DD`
    std::string removed;   ///< `YYYY-MM-DD`, empty while present
    bool asterisk = false; ///< carried over from before the first scrape (never derived)
};

class CurrentEraTable {
  public:
    /// Takes in the playlist's pretty JSON view as committed on `date` (`YYYY-MM-DD`): rows
    /// not in it are removed that day (unless already), rows in it are present again and
    /// take its texts, links and length. A new row is added on its `added_at` date, or on
    /// `date` when that is null; a later view giving an earlier `added_at` moves it back.
    void apply(std::string_view date, const pretty::View& view);
    /// The playlist's view is gone as of `date`: every present row is removed then.
    void remove(std::string_view date);

    /// The row key of a track: its Spotify id (the last part of its url), or for a local
    /// file, which has no url, its plain line.
    static std::string row_key(std::string_view url, std::string_view plain_line);

    /// Keeps what the archive's existing cumulative JSON of this playlist (`existing`, as
    /// read from `<id>.json`) knows that history cannot: its rows that no view had, as they
    /// are, and for the others an earlier Added date (with its `\*` mark); an earlier first
    /// scrape too. Returns how many rows were kept; throws std::invalid_argument when
    /// `existing` is not such a file.
    std::size_t keep_existing(std::string_view existing);

    /// Rows in the generator's order: lowercased title, then lowercased artist names, then
    /// duration, then track id.
    std::vector<const CurrentEraRow*> sorted_rows() const;

    std::string first_scraped;                 ///< the date of the first view, `YYYY-MM-DD`
    std::string name;                          ///< the latest view's `unique_name`
    std::string description;                   ///< the latest view's `description`
    std::map<std::string, CurrentEraRow> rows; ///< by row_key
};

} // namespace gh::tables
