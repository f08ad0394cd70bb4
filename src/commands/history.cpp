// gh-analyze history ID: each version of one playlist, what it added and removed, as the
// githistory view shows a playlist's file.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

struct Track {
    std::string title, artists, album;
    std::string line; ///< title, artists and album joined as the file writes them
};

/// A track still present whose line changed spelling only (the same key: `Find My Way`
/// became `FIND MY WAY`).
struct Respelled {
    Track from;
    Track to;
};

/// One version of the playlist as the history shows it.
struct Block {
    std::uint32_t snapshot = 0;
    std::int32_t day = 0;
    std::vector<Track> added;
    std::vector<Track> removed;
    std::vector<Respelled> respelled;
    std::optional<std::pair<std::string, std::string>> name;
    std::optional<std::pair<std::string, std::string>> description;
    bool deleted = false;
    bool first = false;
    std::uint32_t size = 0;
    std::string current_name;
};

Track track_of(const tables::TableBuilder& builder, std::uint32_t row) {
    const auto& r = builder.state().table.rows[row];
    return {std::string(r.title), std::string(r.artists), std::string(r.album),
            fmt::format("{} -- {} -- {}", r.title, r.artists, r.album)};
}

/// The line each present row was last shown from, to tell a respelled line from an
/// unchanged one (their keys are equal, so the table does not count it as a change).
using ShownLines = std::unordered_map<std::uint32_t, Track>;

Block block_of(const tables::TableBuilder& builder, const tables::TableBuilder::Change& change,
               ShownLines& shown) {
    Block block;
    block.snapshot = change.snapshot;
    block.day = change.day;
    block.first = builder.versions() == 1;
    block.deleted = change.deleted;
    block.size = change.size;
    for (const auto row : change.started) {
        block.added.push_back(track_of(builder, row));
    }
    for (const auto row : change.ended) {
        block.removed.push_back(track_of(builder, row));
        shown.erase(row);
    }
    for (auto& [row, track] : shown) {
        Track now = track_of(builder, row);
        if (now.line != track.line) {
            block.respelled.push_back({std::move(track), now});
            track = std::move(now);
        }
    }
    for (const auto row : change.started) {
        shown.insert_or_assign(row, track_of(builder, row));
    }
    const auto& table = builder.state().table;
    block.current_name = table.name;
    if (!block.first && !change.deleted && table.name != change.previous_name) {
        block.name = {change.previous_name, table.name};
    }
    if (!block.first && !change.deleted && table.description != change.previous_description) {
        block.description = {change.previous_description, table.description};
    }
    const auto by_line = [](const Track& a, const Track& b) { return a.line < b.line; };
    std::sort(block.added.begin(), block.added.end(), by_line);
    std::sort(block.removed.begin(), block.removed.end(), by_line);
    std::sort(block.respelled.begin(), block.respelled.end(),
              [&](const Respelled& a, const Respelled& b) { return by_line(a.to, b.to); });
    return block;
}

/// The header: the playlist as of the analysed revision, and how many versions it had.
std::string render_header(const std::string& id, const std::string& name, std::size_t versions,
                          std::size_t shown) {
    return fmt::format("playlist {} '{}': {} version{}{}\n\n", escape_control(id),
                       escape_control(name), versions, versions == 1 ? "" : "s",
                       shown == versions ? std::string() : fmt::format(", {} shown", shown));
}

std::string render_text(const std::vector<Block>& blocks, const engine::Analysis& analysis,
                        bool color) {
    std::string out;
    for (const auto& block : blocks) {
        const auto commit =
            std::string_view(analysis.labels.commits.at(block.snapshot)).substr(0, 9);
        out += colored(fmt::format("{} {}", format_day(block.day), commit), "33", color);
        out += block.first     ? fmt::format("  created as '{}', {} tracks",
                                             escape_control(block.current_name), block.size)
               : block.deleted ? std::string("  playlist deleted")
                               : fmt::format("  {} tracks", block.size);
        if (!block.first && !(block.added.empty() && block.removed.empty())) {
            out += fmt::format(", +{} -{}", block.added.size(), block.removed.size());
        }
        out += '\n';
        if (block.name) {
            out += colored(fmt::format("  ~ name: '{}' -> '{}'", escape_control(block.name->first),
                                       escape_control(block.name->second)),
                           "36", color) +
                   "\n";
        }
        if (block.description) {
            out += colored(fmt::format("  ~ description: '{}' -> '{}'",
                                       escape_control(block.description->first),
                                       escape_control(block.description->second)),
                           "36", color) +
                   "\n";
        }
        for (const auto& track : block.added) {
            out += colored("  + " + escape_control(track.line), "32", color) + "\n";
        }
        for (const auto& track : block.removed) {
            out += colored("  - " + escape_control(track.line), "31", color) + "\n";
        }
        for (const auto& change : block.respelled) {
            out += colored(fmt::format("  ~ {} -> {}", escape_control(change.from.line),
                                       escape_control(change.to.line)),
                           "36", color) +
                   "\n";
        }
        if (!block.first && !block.deleted && block.added.empty() && block.removed.empty() &&
            block.respelled.empty() && !block.name && !block.description) {
            out += "  (the file changed, its tracks did not)\n";
        }
        out += '\n';
    }
    return out;
}

nlohmann::ordered_json track_json(const Track& track) {
    return {{"title", track.title}, {"artists", track.artists}, {"album", track.album}};
}

nlohmann::ordered_json tracks_json(const std::vector<Track>& tracks) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& track : tracks) {
        array.push_back(track_json(track));
    }
    return array;
}

std::string render_json(const std::string& id, const std::string& name, std::size_t versions,
                        const std::vector<Block>& blocks, const engine::Analysis& analysis) {
    auto changes = nlohmann::ordered_json::array();
    for (const auto& block : blocks) {
        nlohmann::ordered_json change;
        change["date"] = format_day(block.day);
        change["commit"] = analysis.labels.commits.at(block.snapshot);
        change["tracks"] = block.size;
        change["deleted"] = block.deleted;
        change["added"] = tracks_json(block.added);
        change["removed"] = tracks_json(block.removed);
        auto respelled = nlohmann::ordered_json::array();
        for (const auto& r : block.respelled) {
            respelled.push_back({{"from", track_json(r.from)}, {"to", track_json(r.to)}});
        }
        change["respelled"] = std::move(respelled);
        change["name"] = block.name ? nlohmann::ordered_json{{"from", block.name->first},
                                                             {"to", block.name->second}}
                                    : nlohmann::ordered_json(nullptr);
        change["description"] = block.description
                                    ? nlohmann::ordered_json{{"from", block.description->first},
                                                             {"to", block.description->second}}
                                    : nlohmann::ordered_json(nullptr);
        changes.push_back(std::move(change));
    }
    nlohmann::ordered_json document{
        {"playlist", id}, {"name", name}, {"versions", versions}, {"changes", std::move(changes)}};
    return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
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
    id = analysis.selected.front(); // (it may have been named by its path or name)
    std::vector<Block> blocks;
    std::string name;
    std::size_t versions = 0;
    ShownLines shown;
    engine::follow_playlists(analysis, history,
                             [&](std::size_t, const tables::TableBuilder& builder,
                                 const tables::TableBuilder::Change& change) {
                                 // Every version is followed, so that respelled lines compare
                                 // with the version before, shown or not.
                                 Block block = block_of(builder, change, shown);
                                 name = builder.state().table.name;
                                 ++versions;
                                 if ((!from || change.day >= *from) && (!to || change.day <= *to)) {
                                     blocks.push_back(std::move(block));
                                 }
                             });
    if (!reverse) { // as git log: the newest first
        std::reverse(blocks.begin(), blocks.end());
    }
    start_pager(history.pager);
    write_stdout(format == "json" ? render_json(id, name, versions, blocks, analysis)
                                  : render_header(id, name, versions, blocks.size()) +
                                        render_text(blocks, analysis, colors));
    return ExitCode::ok;
}

} // namespace gh::commands
