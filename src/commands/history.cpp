// gh-analyze history ID: each version of one playlist, what it added and removed, as the
// githistory view shows a playlist's file.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/history_writer.hpp"

#include <algorithm>
#include <unordered_map>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

writers::HistoryTrack track_of(const tables::TableBuilder& builder, std::uint32_t row) {
    const auto& r = builder.state().table.rows[row];
    return {std::string(r.title), std::string(r.artists), std::string(r.album),
            fmt::format("{} -- {} -- {}", r.title, r.artists, r.album)};
}

/// The line each present row was last shown from, to tell a respelled line from an
/// unchanged one (their keys are equal, so the table does not count it as a change).
using ShownLines = std::unordered_map<std::uint32_t, writers::HistoryTrack>;

writers::HistoryVersion version_of(const tables::TableBuilder& builder,
                                   const tables::TableBuilder::Change& change, ShownLines& shown) {
    writers::HistoryVersion version;
    version.snapshot = change.snapshot;
    version.day = change.day;
    version.first = builder.versions() == 1;
    version.deleted = change.deleted;
    version.size = change.size;
    for (const auto row : change.started) {
        version.added.push_back(track_of(builder, row));
    }
    for (const auto row : change.ended) {
        version.removed.push_back(track_of(builder, row));
        shown.erase(row);
    }
    for (auto& [row, track] : shown) {
        writers::HistoryTrack now = track_of(builder, row);
        if (now.line != track.line) {
            version.respelled.push_back({std::move(track), now});
            track = std::move(now);
        }
    }
    for (const auto row : change.started) {
        shown.insert_or_assign(row, track_of(builder, row));
    }
    const auto& table = builder.state().table;
    version.current_name = table.name;
    if (!version.first && !change.deleted && table.name != change.previous_name) {
        version.name = {change.previous_name, table.name};
    }
    if (!version.first && !change.deleted && table.description != change.previous_description) {
        version.description = {change.previous_description, table.description};
    }
    const auto by_line = [](const writers::HistoryTrack& a, const writers::HistoryTrack& b) {
        return a.line < b.line;
    };
    std::sort(version.added.begin(), version.added.end(), by_line);
    std::sort(version.removed.begin(), version.removed.end(), by_line);
    std::sort(version.respelled.begin(), version.respelled.end(),
              [&](const writers::Respelled& a, const writers::Respelled& b) {
                  return by_line(a.to, b.to);
              });
    return version;
}

std::optional<std::int32_t> date_option(const std::string& text, std::string_view option) {
    if (text.empty()) {
        return std::nullopt;
    }
    const auto day = parse_day(text);
    if (!day) {
        throw Error::usage("{} '{}' is not a date: expected YYYY-MM-DD", option, text);
    }
    return day;
}

} // namespace

ExitCode run_history(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string id;
    std::string since;
    std::string until;
    std::string format = "text";
    std::string color = "auto";
    bool reverse = false;
    po::options_description description;
    add_history_options(description, history, {.playlist = false, .cache = false});
    auto option = description.add_options();
    option("since", po::value(&since)->value_name("DATE"), "only versions on or after this date");
    option("until", po::value(&until)->value_name("DATE"), "only versions on or before this date");
    option("format", one_of(&format, {"text", "json"})->value_name("FORMAT")->default_value(format),
           "text or json");
    option("reverse", po::bool_switch(&reverse), "oldest version first (default: newest first)");
    option("color",
           one_of(&color, {"auto", "always", "never"})->value_name("WHEN")->default_value(color),
           "colour the text: auto (when stdout is a terminal), always or never");
    if (!parse_command_line_with_argument(args, description, "history", "ID|PATH|NAME [options]",
                                          "the playlist", id)) {
        return ExitCode::ok;
    }
    const bool colors = use_color(color);
    const auto from = date_option(since, "--since");
    const auto to = date_option(until, "--until");
    if (from && to && *from > *to) {
        throw Error::usage("--since {} is after --until {}: no version could be shown\n"
                           "Try 'gh-analyze history --help'.",
                           since, until);
    }
    history.playlists = {id};
    const engine::Analysis analysis = engine::analyse(history);
    // (analysis.selected has its id: it may have been named by its path or name)
    writers::PlaylistHistory playlist;
    playlist.id = analysis.selected.front();
    ShownLines shown;
    engine::follow_playlists(analysis, history,
                             [&](std::size_t, const tables::TableBuilder& builder,
                                 const tables::TableBuilder::Change& change) {
                                 // Every version is followed, so that respelled lines compare
                                 // with the version before, shown or not.
                                 auto version = version_of(builder, change, shown);
                                 playlist.name = builder.state().table.name;
                                 ++playlist.versions;
                                 if ((!from || change.day >= *from) && (!to || change.day <= *to)) {
                                     playlist.shown.push_back(std::move(version));
                                 }
                             });
    if (!reverse) { // as git log: the newest first
        std::reverse(playlist.shown.begin(), playlist.shown.end());
    }
    start_pager(history.pager);
    write_stdout(writers::render_history(
        playlist, analysis.labels,
        format == "json" ? writers::HistoryFormat::json : writers::HistoryFormat::text, colors));
    return ExitCode::ok;
}

} // namespace gh::commands
