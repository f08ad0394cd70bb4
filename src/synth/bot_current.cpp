// The archive's bot as it is from 2022 on: views named by id, markdown escaped, JSON
// beside the markdown, final newlines.

#include "plain/track_key.hpp"
#include "synth/views.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

namespace gh::synth::views {

namespace {

using nlohmann::json;

struct Row {
    Track track; ///< as last seen: its spelling, links and length are the latest
    std::string added;
    std::string removed; ///< empty while present
};

struct Table {
    std::string name;
    std::string description;
    std::string first_scraped;
    std::map<std::string, Row> rows; ///< by row_key
};

/// Rows are Spotify's tracks, so that a track whose title or album is respelled stays one
/// row. A local file has no id; its plain line stands in for one.
std::string row_key(const Track& track) {
    return track.id.empty() ? plain_line(track) : track.id;
}

/// The current era's rules: a new row is added on the date of Spotify's `added_at` or,
/// where that is null, the day it is first seen, and moves back when a later scrape gives
/// an earlier `added_at`; removed the first day seen absent, cleared when it comes back.
void update(Table& table, const std::vector<ScrapedTrack>& tracks, std::string_view date) {
    std::set<std::string> present;
    for (const auto& scraped : tracks) {
        present.insert(row_key(scraped.track));
    }
    for (auto& [key, row] : table.rows) {
        if (row.removed.empty() && present.count(key) == 0) {
            row.removed = date;
        }
    }
    for (const auto& scraped : tracks) {
        auto [entry, is_new] = table.rows.try_emplace(row_key(scraped.track));
        Row& row = entry->second;
        const std::string added_on =
            scraped.added_at ? scraped.added_at->substr(0, 10) : std::string(date);
        if (is_new || (scraped.added_at && added_on < row.added)) {
            row.added = added_on;
        }
        row.removed.clear();
        row.track = scraped.track;
    }
}

/// Rows in the generator's order: lowercased title, then lowercased artist names, then
/// duration, then track id.
std::vector<const Row*> sorted_rows(const Table& table) {
    using Order = std::tuple<std::string, std::vector<std::string>, std::int32_t, std::string>;
    std::vector<std::pair<Order, const Row*>> ordered;
    for (const auto& [key, row] : table.rows) {
        std::vector<std::string> artists;
        for (const auto& artist : row.track.artists) {
            artists.push_back(plain::python_lower(artist));
        }
        ordered.emplace_back(Order(plain::python_lower(row.track.title), std::move(artists),
                                   row.track.duration_ms, row.track.id),
                             &row);
    }
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const Row*> rows;
    for (const auto& [order, row] : ordered) {
        rows.push_back(row);
    }
    return rows;
}

std::string thousands(std::size_t number) {
    std::string digits = std::to_string(number);
    for (auto at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

/// `30 songs - 2 hr 4 min`: how many tracks and how long they last together.
std::string summary(std::size_t count, std::int64_t total_ms) {
    const std::int64_t seconds = total_ms / 1000;
    const std::int64_t s = seconds % 60;
    const std::int64_t m = seconds / 60 % 60;
    const std::int64_t h = seconds / 3600 % 24;
    const std::int64_t d = seconds / 86400;
    std::string length;
    if (seconds < 60) {
        length = fmt::format("{} sec", s);
    } else if (seconds < 3600) {
        length = fmt::format("{} min {} sec", m, s);
    } else if (seconds < 86400) {
        length = fmt::format("{} hr {} min", h, m);
    } else {
        length = fmt::format("{} day {} hr {} min", d, h, m);
    }
    return fmt::format("{} {} - {}", thousands(count), count < 2 ? "song" : "songs", length);
}

/// The description as one markdown line: stripped, its newlines as `<br/>`, escaped.
std::string description_line(std::string_view description) {
    constexpr std::string_view k_space = " \t\n\r\f\v";
    const auto first = description.find_first_not_of(k_space);
    std::string line;
    if (first != std::string_view::npos) {
        description = description.substr(first, description.find_last_not_of(k_space) - first + 1);
    } else {
        description = {};
    }
    for (const char c : description) {
        line += c == '\n' ? std::string("<br/>") : std::string(1, c);
    }
    return escape_markdown(line);
}

json url_or_null(const std::string& url) {
    return url.empty() ? json(nullptr) : json(url);
}

/// The fields a track has in every JSON file: name, url, artists, album, duration_ms.
json track_json(const Track& track) {
    json artists = json::array();
    for (std::size_t i = 0; i < track.artists.size(); ++i) {
        const std::string id = i < track.artist_ids.size() ? track.artist_ids[i] : "";
        json artist;
        artist["name"] = track.artists[i];
        artist["url"] = url_or_null(spotify_url("artist", id));
        artists.push_back(std::move(artist));
    }
    json object;
    object["album"]["name"] = track.album;
    object["album"]["url"] = url_or_null(spotify_url("album", track.album_id));
    object["artists"] = std::move(artists);
    object["duration_ms"] = track.duration_ms;
    object["name"] = track.title;
    object["url"] = url_or_null(spotify_url("track", track.id));
    return object;
}

/// As Python's `json.dumps(indent=2, sort_keys=True)` writes it (ensure_ascii: `\uXXXX`).
std::string dump(const json& document) {
    return document.dump(2, ' ', true) + '\n';
}

std::int64_t total_ms(const std::vector<const Track*>& tracks) {
    std::int64_t total = 0;
    for (const Track* track : tracks) {
        total += track->duration_ms;
    }
    return total;
}

class BotCurrent final : public Bot {
  public:
    explicit BotCurrent(BotSettings settings) : m_settings(std::move(settings)) {}

    void scrape(const Scrape& scrape, std::string_view date,
                std::vector<BotFile>& written) override {
        Table& table = m_tables[scrape.id];
        if (table.first_scraped.empty()) {
            table.first_scraped = date;
        }
        table.name = scrape.name;
        table.description = scrape.description;
        update(table, scrape.tracks, date);
        written.push_back({"pretty", scrape.id + ".json", dump(pretty_json(scrape))});
        written.push_back({"pretty", scrape.id + ".md", pretty_markdown(scrape)});
        write_cumulative(scrape.id, table, written);
    }

    void remove(std::string_view id, std::string_view date,
                std::vector<BotFile>& written) override {
        const auto table = m_tables.find(std::string(id));
        if (table == m_tables.end()) {
            return;
        }
        update(table->second, {}, date);
        written.push_back({"pretty", table->first + ".json", std::nullopt});
        written.push_back({"pretty", table->first + ".md", std::nullopt});
        write_cumulative(table->first, table->second, written);
    }

  private:
    void write_cumulative(const std::string& id, const Table& table,
                          std::vector<BotFile>& written) const {
        written.push_back({"cumulative", id + ".json", dump(cumulative_json(id, table))});
        written.push_back({"cumulative", id + ".md", cumulative_markdown(id, table)});
    }

    /// Line 1, the heading and the description, each followed by a blank line.
    std::string header(std::string_view view, std::string_view id, std::string_view name,
                       std::string_view description) const {
        return fmt::format("{}\n\n{}\n\n> {}\n\n",
                           line_one(m_settings, Era::current, view, fmt::format("{}.md", id), id),
                           heading(escape_markdown(name), id), description_line(description));
    }

    std::string pretty_markdown(const Scrape& scrape) const {
        std::vector<const Track*> tracks;
        for (const auto& scraped : scrape.tracks) {
            tracks.push_back(&scraped.track);
        }
        std::string text = header("pretty", scrape.id, scrape.name, scrape.description);
        text += fmt::format("{} - {} likes - {}\n\n", link(scrape.owner_name, scrape.owner_url),
                            thousands(static_cast<std::size_t>(scrape.followers)),
                            summary(tracks.size(), total_ms(tracks)));
        text += "| No. | Title | Artist(s) | Album | Length |\n|---|---|---|---|---|\n";
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            text += fmt::format("| {} | {} |\n", i + 1, track_cells(*tracks[i], Era::current));
        }
        return text + fmt::format("\nSnapshot ID: `{}`\n", scrape.snapshot_id);
    }

    std::string cumulative_markdown(std::string_view id, const Table& table) const {
        const auto rows = sorted_rows(table);
        std::vector<const Track*> tracks;
        for (const Row* row : rows) {
            tracks.push_back(&row->track);
        }
        std::string text = header("cumulative", id, table.name, table.description);
        text += summary(tracks.size(), total_ms(tracks)) + "\n\n";
        text += "| Title | Artist(s) | Album | Length | Added | Removed |\n"
                "|---|---|---|---|---|---|\n";
        for (const Row* row : rows) {
            text += fmt::format("| {} | {} | {} |\n", track_cells(row->track, Era::current),
                                row->added, row->removed);
        }
        return text + fmt::format("\n\\*This playlist was first scraped on {}. Prior content "
                                  "cannot be recovered.\n",
                                  table.first_scraped);
    }

    static json pretty_json(const Scrape& scrape) {
        json tracks = json::array();
        for (const auto& scraped : scrape.tracks) {
            json track = track_json(scraped.track);
            track["added_at"] = scraped.added_at ? json(*scraped.added_at) : json(nullptr);
            tracks.push_back(std::move(track));
        }
        json document;
        document["description"] = scrape.description;
        document["num_followers"] = scrape.followers;
        document["original_name"] = scrape.name;
        document["owner"]["name"] = scrape.owner_name;
        document["owner"]["url"] = scrape.owner_url;
        document["snapshot_id"] = scrape.snapshot_id;
        document["tracks"] = std::move(tracks);
        document["unique_name"] = scrape.name;
        document["url"] = spotify_url("playlist", scrape.id);
        return document;
    }

    static json cumulative_json(std::string_view id, const Table& table) {
        json tracks = json::array();
        for (const Row* row : sorted_rows(table)) {
            json track = track_json(row->track);
            track["date_added"] = row->added;
            // Rows from before the first scrape are never made here: they cannot be known.
            track["date_added_asterisk"] = false;
            track["date_removed"] = row->removed.empty() ? json(nullptr) : json(row->removed);
            tracks.push_back(std::move(track));
        }
        json document;
        document["date_first_scraped"] = table.first_scraped;
        document["description"] = table.description;
        document["name"] = table.name;
        document["tracks"] = std::move(tracks);
        document["url"] = spotify_url("playlist", id);
        return document;
    }

    BotSettings m_settings;
    std::map<std::string, Table> m_tables; ///< by playlist id, deleted ones included
};

} // namespace

std::unique_ptr<Bot> make_bot_current(BotSettings settings) {
    return std::make_unique<BotCurrent>(std::move(settings));
}

} // namespace gh::synth::views
