// gh-analyze track QUERY: where has this song been? Every playlist a track was in, with
// each stint's dates.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "plain/track_key.hpp"
#include "util/closest_names.hpp"
#include "util/terminal.hpp"
#include "writers/json_document.hpp"
#include "writers/table_writer.hpp"

#include <fmt/format.h>
#include <map>
#include <set>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// The Spotify track id a query names as a url (`https://open.spotify.com/track/ID`, with
/// or without `?si=...`) or a URI (`spotify:track:ID`); nothing when it is not one.
std::optional<std::string> spotify_track_id(std::string_view text) {
    for (const std::string_view prefix :
         {"https://open.spotify.com/track/", "http://open.spotify.com/track/", "spotify:track:"}) {
        if (text.starts_with(prefix)) {
            text.remove_prefix(prefix.size());
            const auto end = text.find_first_of("?#/");
            const std::string_view id = text.substr(0, end);
            return id.empty() ? std::nullopt : std::optional(std::string(id));
        }
    }
    return std::nullopt;
}

/// One track found: its key and the playlists (indices) that had it.
struct Found {
    std::string_view key;
    const tables::TrackRow* shown = nullptr; ///< the row whose texts and links are shown
    std::vector<std::size_t> playlists;
};

bool matches(const tables::TrackRow& row, std::string_view lowered, const std::string* track_id) {
    if (track_id) {
        const std::string_view url = row.track_url;
        const std::string_view path = url.substr(0, url.find_first_of("?#"));
        return path.ends_with("/track/" + *track_id);
    }
    return plain::python_lower(row.title) == lowered ||
           plain::python_lower(fmt::format("{} -- {}", row.title, row.artists)) == lowered ||
           plain::python_lower(row.key) == lowered;
}

struct StintText {
    std::string start_date, start_commit, end_date, end_commit;
    std::int64_t days;
};

std::vector<StintText> stints_of(const tables::PlaylistHistory& history, std::string_view key,
                                 const engine::Analysis& analysis) {
    std::vector<StintText> stints;
    const auto& days = analysis.calendar.snapshot_days;
    for (const auto* membership : history.stints(key)) {
        const std::int32_t end_day =
            membership->end ? days.at(*membership->end) : analysis.calendar.tip_day;
        stints.push_back({analysis.labels.dates.at(membership->start),
                          analysis.labels.commits.at(membership->start),
                          membership->end ? analysis.labels.dates.at(*membership->end) : "",
                          membership->end ? analysis.labels.commits.at(*membership->end) : "",
                          end_day - days.at(membership->start)});
    }
    return stints;
}

std::string days_text(std::int64_t days) {
    return fmt::format("{} {}", days, days == 1 ? "day" : "days");
}

} // namespace

ExitCode run_track(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string query;
    std::string format = "text";
    po::options_description description;
    add_history_options(description, history, {.links = true});
    auto option = description.add_options();
    option("format",
           one_of(&format, {"text", "csv", "json"})->value_name("FORMAT")->default_value(format),
           "text, csv (one row per stint) or json");
    if (!parse_command_line_with_argument(args, description, "track", "QUERY [options]", "QUERY",
                                          query)) {
        return ExitCode::ok;
    }
    const auto track_id = spotify_track_id(query);
    if (track_id && !history.links) {
        throw Error::usage("a track url is found through the pretty views' links: it cannot "
                           "be used with --no-links\nTry 'gh-analyze track --help'.");
    }
    const std::string lowered = plain::python_lower(query);
    engine::Analysis analysis = engine::analyse(history);
    const auto histories = engine::collect_histories(analysis, history);
    analysis.finish_saving(); // before stdout, which a reader may close early

    std::map<std::string_view, Found> found;
    for (std::size_t p = 0; p < histories.size(); ++p) {
        for (const auto& row : histories[p].table.rows) {
            if (matches(row, lowered, track_id ? &*track_id : nullptr)) {
                Found& track = found[row.key];
                track.key = row.key;
                track.shown = tables::shown_row(track.shown, row);
                track.playlists.push_back(p);
            }
        }
    }
    if (found.empty()) {
        std::set<std::string_view> titles;
        for (const auto& each : histories) {
            for (const auto& row : each.table.rows) {
                titles.insert(row.title);
            }
        }
        const std::vector<std::string_view> candidates(titles.begin(), titles.end());
        const auto close = closest_names(query, candidates, 3);
        fail("no track of the {} playlists matches '{}' (expected a title, 'title -- artists', "
             "a whole track line or a Spotify track url){}",
             histories.size(), escape_control(query),
             close.empty() ? std::string()
                           : fmt::format("; did you mean '{}'?", fmt::join(close, "', '")));
    }

    std::string text;
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    if (format == "csv") {
        text = writers::csv_record({"key", "title", "artists", "album", "track_url", "playlist",
                                    "playlist_name", "start", "start_commit", "end", "end_commit",
                                    "days"});
    }
    for (const auto& [key, track] : found) {
        const auto& row = *track.shown;
        auto entry = writers::track_json(row.title, row.artists, row.album);
        entry["key"] = key;
        entry["track_url"] = row.track_url.empty() ? nlohmann::ordered_json()
                                                   : nlohmann::ordered_json(row.track_url);
        entry["playlists"] = nlohmann::ordered_json::array();
        if (format == "text") {
            // Texts from the archive never reach a terminal as control characters.
            text += fmt::format(
                "{} — {} ({}){}\n", escape_control(row.title), escape_control(row.artists),
                escape_control(row.album),
                row.track_url.empty() ? "" : fmt::format(" {}", escape_control(row.track_url)));
        }
        for (const std::size_t p : track.playlists) {
            const auto& table = histories[p].table;
            const auto stints = stints_of(histories[p], key, analysis);
            if (format == "text") {
                std::int64_t days = 0;
                for (const auto& stint : stints) {
                    days += stint.days;
                }
                text += fmt::format("  {} ({}{}): {} {}, {}\n", escape_control(table.name),
                                    escape_control(table.id), table.deleted ? ", deleted" : "",
                                    stints.size(), stints.size() == 1 ? "stint" : "stints",
                                    days_text(days));
                for (const auto& stint : stints) {
                    text += fmt::format("    {} to {}  {}\n", stint.start_date,
                                        stint.end_date.empty() ? "now       " : stint.end_date,
                                        days_text(stint.days));
                }
            } else if (format == "csv") {
                for (const auto& stint : stints) {
                    text += writers::csv_record(
                        {std::string(key), std::string(row.title), std::string(row.artists),
                         std::string(row.album), std::string(row.track_url), table.id, table.name,
                         stint.start_date, stint.start_commit, stint.end_date, stint.end_commit,
                         std::to_string(stint.days)});
                }
            } else {
                nlohmann::ordered_json place;
                place["id"] = table.id;
                place["name"] = table.name;
                place["stints"] = nlohmann::ordered_json::array();
                for (const auto& stint : stints) {
                    place["stints"].push_back(
                        {{"start", stint.start_date},
                         {"start_commit", stint.start_commit},
                         {"end", stint.end_date.empty() ? nlohmann::ordered_json()
                                                        : nlohmann::ordered_json(stint.end_date)},
                         {"end_commit", stint.end_commit.empty()
                                            ? nlohmann::ordered_json()
                                            : nlohmann::ordered_json(stint.end_commit)},
                         {"days", stint.days}});
                }
                entry["playlists"].push_back(std::move(place));
            }
        }
        json.push_back(std::move(entry));
    }
    start_pager(history.pager);
    write_stdout(format == "json" ? writers::json_document(json) : text);
    return ExitCode::ok;
}

} // namespace gh::commands
