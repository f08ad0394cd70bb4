#include "tables/current_era_table.hpp"

#include "plain/track_key.hpp"
#include "pretty/pretty_view.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

namespace gh::tables {

std::string CurrentEraTable::row_key(std::string_view url, std::string_view plain_line) {
    if (url.empty()) {
        return std::string(plain_line);
    }
    const auto slash = url.rfind('/');
    return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

void CurrentEraTable::remove(std::string_view date) {
    for (auto& [key, row] : rows) {
        if (row.removed.empty()) {
            row.removed = date;
        }
    }
}

void CurrentEraTable::apply(std::string_view date, const pretty::View& view) {
    if (first_scraped.empty()) {
        first_scraped = date;
    }
    name = view.playlist_field("unique_name");
    description = view.playlist_field("description");
    std::set<std::string> present;
    std::string line;
    std::vector<std::string> keys;
    for (const auto& track : view.tracks()) {
        view.plain_line(track, line);
        keys.push_back(row_key(track.url, line));
        present.insert(keys.back());
    }
    for (auto& [key, row] : rows) {
        if (row.removed.empty() && !present.contains(key)) {
            row.removed = date;
        }
    }
    for (std::size_t i = 0; i < view.tracks().size(); ++i) {
        const auto& track = view.tracks()[i];
        auto [entry, is_new] = rows.try_emplace(keys[i]);
        CurrentEraRow& row = entry->second;
        // `added_at` is `YYYY-MM-DD HH:MM:SS`; anything else counts as null.
        const bool dated = track.added_at.size() >= 10 && parse_day(track.added_at.substr(0, 10));
        const std::string_view added_on = dated ? track.added_at.substr(0, 10) : date;
        if (is_new || (dated && added_on < row.added)) {
            row.added = added_on;
        }
        row.removed.clear();
        row.title = track.name;
        row.url = track.url;
        row.album = track.album;
        row.album_url = track.album_url;
        row.duration_ms = track.duration_ms;
        row.artists.clear();
        for (const auto& artist : view.artists(track)) {
            row.artists.emplace_back(artist.name, artist.url);
        }
    }
}

std::size_t CurrentEraTable::keep_existing(std::string_view existing) {
    const auto document = nlohmann::json::parse(existing, nullptr, false);
    const auto text = [](const nlohmann::json& object, const char* field) {
        const auto found = object.find(field);
        return found != object.end() && found->is_string() ? found->get<std::string>()
                                                           : std::string();
    };
    if (!document.is_object() || !document.contains("tracks") || !document["tracks"].is_array()) {
        throw std::invalid_argument("not a cumulative JSON file (expected an object with tracks)");
    }
    // Read whole before anything is kept: a file that cannot be read changes nothing.
    std::vector<std::pair<std::string, CurrentEraRow>> existing_rows;
    for (const auto& track : document["tracks"]) {
        const auto album = track.is_object() ? track.find("album") : track.end();
        const auto artists = track.is_object() ? track.find("artists") : track.end();
        if (album == track.end() || !album->is_object() || artists == track.end() ||
            !artists->is_array() || !parse_day(text(track, "date_added"))) {
            throw std::invalid_argument("a track without its album, artists or date_added");
        }
        CurrentEraRow row;
        row.title = text(track, "name");
        row.url = text(track, "url");
        row.album = text(*album, "name");
        row.album_url = text(*album, "url");
        std::string line = row.title + " -- ";
        for (const auto& artist : *artists) {
            if (!artist.is_object()) {
                throw std::invalid_argument("an artist that is not an object");
            }
            line += row.artists.empty() ? "" : ", ";
            row.artists.emplace_back(text(artist, "name"), text(artist, "url"));
            line += row.artists.back().first;
        }
        line += " -- " + row.album;
        if (const auto duration = track.find("duration_ms");
            duration != track.end() && duration->is_number_unsigned() &&
            duration->get<std::uint64_t>() <= UINT32_MAX) {
            row.duration_ms = duration->get<std::uint32_t>();
        }
        row.added = text(track, "date_added");
        row.removed = text(track, "date_removed");
        const auto asterisk = track.find("date_added_asterisk");
        row.asterisk = asterisk != track.end() && asterisk->is_boolean() && asterisk->get<bool>();
        existing_rows.emplace_back(row_key(row.url, line), std::move(row));
    }
    const std::string scraped = text(document, "date_first_scraped");
    if (parse_day(scraped) && (first_scraped.empty() || scraped < first_scraped)) {
        first_scraped = scraped;
    }
    std::size_t kept = 0;
    for (auto& [key, row] : existing_rows) {
        const auto [known, is_new] = rows.try_emplace(key, row);
        if (is_new) {
            ++kept;
        } else if (row.added < known->second.added) {
            known->second.added = row.added;
            known->second.asterisk = row.asterisk;
        }
    }
    return kept;
}

std::vector<const CurrentEraRow*> CurrentEraTable::sorted_rows() const {
    using Order = std::tuple<std::string, std::vector<std::string>, std::uint32_t, std::string>;
    std::vector<std::pair<Order, const CurrentEraRow*>> ordered;
    ordered.reserve(rows.size());
    for (const auto& [key, row] : rows) {
        std::vector<std::string> artists;
        for (const auto& [artist, url] : row.artists) {
            artists.push_back(plain::python_lower(artist));
        }
        ordered.emplace_back(Order(plain::python_lower(row.title), std::move(artists),
                                   row.duration_ms.value_or(0),
                                   row.url.empty() ? std::string() : row_key(row.url, key)),
                             &row);
    }
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const CurrentEraRow*> sorted;
    sorted.reserve(ordered.size());
    for (const auto& [order, row] : ordered) {
        sorted.push_back(row);
    }
    return sorted;
}

} // namespace gh::tables
