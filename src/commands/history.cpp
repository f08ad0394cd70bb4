// gh-analyze history ID: each version of one playlist, what it added and removed, as the
// githistory view shows a playlist's file.

#include "commands/analysis.hpp"
#include "commands/command.hpp"
#include "commands/output.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"

#include <nlohmann/json.hpp>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

struct Track {
    std::string title, artists, album;
    std::string line; ///< title, artists and album joined as the file writes them
};

/// One version of the playlist as the history shows it.
struct Block {
    std::uint32_t snapshot = 0;
    std::int32_t day = 0;
    std::vector<Track> added;
    std::vector<Track> removed;
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

Block block_of(const tables::TableBuilder& builder, const tables::TableBuilder::Change& change) {
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
    return block;
}

std::string render_text(const std::string& id, const std::vector<Block>& blocks,
                        const Analysis& analysis, bool color) {
    std::string out;
    for (const auto& block : blocks) {
        const auto commit =
            std::string_view(analysis.labels.commits.at(block.snapshot)).substr(0, 9);
        out += colored(fmt::format("{} {}", format_day(block.day), commit), "33", color);
        out += block.first     ? fmt::format("  {} '{}' created, {} tracks\n", escape_control(id),
                                             escape_control(block.current_name), block.size)
               : block.deleted ? "  playlist deleted\n"
                               : fmt::format("  {} tracks\n", block.size);
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
        if (!block.first && !block.deleted && block.added.empty() && block.removed.empty() &&
            !block.name && !block.description) {
            out += "  (the file changed, its tracks did not)\n";
        }
        out += '\n';
    }
    return out;
}

nlohmann::ordered_json tracks_json(const std::vector<Track>& tracks) {
    auto array = nlohmann::ordered_json::array();
    for (const auto& track : tracks) {
        array.push_back(
            {{"title", track.title}, {"artists", track.artists}, {"album", track.album}});
    }
    return array;
}

std::string render_json(const std::string& id, const std::vector<Block>& blocks,
                        const Analysis& analysis) {
    auto changes = nlohmann::ordered_json::array();
    for (const auto& block : blocks) {
        nlohmann::ordered_json change;
        change["date"] = format_day(block.day);
        change["commit"] = analysis.labels.commits.at(block.snapshot);
        change["tracks"] = block.size;
        change["deleted"] = block.deleted;
        change["added"] = tracks_json(block.added);
        change["removed"] = tracks_json(block.removed);
        change["name"] = block.name ? nlohmann::ordered_json{{"from", block.name->first},
                                                             {"to", block.name->second}}
                                    : nlohmann::ordered_json(nullptr);
        change["description"] = block.description
                                    ? nlohmann::ordered_json{{"from", block.description->first},
                                                             {"to", block.description->second}}
                                    : nlohmann::ordered_json(nullptr);
        changes.push_back(std::move(change));
    }
    nlohmann::ordered_json document{{"playlist", id}, {"changes", std::move(changes)}};
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
    po::options_description description;
    add_history_options(description, history, {.playlist = false, .cache = false});
    auto option = description.add_options();
    option("since", po::value(&since)->value_name("DATE"), "only versions on or after this date");
    option("until", po::value(&until)->value_name("DATE"), "only versions on or before this date");
    option("format", po::value(&format)->value_name("FORMAT")->default_value(format),
           "text or json");
    option("color", po::value(&color)->value_name("WHEN")->default_value(color),
           "colour the text: auto (when stdout is a terminal), always or never");
    if (!parse_command_line_with_id(args, description, "history", "ID [options]", id)) {
        return ExitCode::ok;
    }
    if (format != "text" && format != "json") {
        throw Error::usage(
            "unknown --format '{}': expected text or json\nTry 'gh-analyze history --help'.",
            format);
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
    const Analysis analysis = analyse(history);
    std::vector<Block> blocks;
    follow_playlists(analysis, history,
                     [&](std::size_t, const tables::TableBuilder& builder,
                         const tables::TableBuilder::Change& change) {
                         if ((!from || change.day >= *from) && (!to || change.day <= *to)) {
                             blocks.push_back(block_of(builder, change));
                         }
                     });
    write_stdout(format == "json" ? render_json(id, blocks, analysis)
                                  : render_text(id, blocks, analysis, colors));
    return ExitCode::ok;
}

} // namespace gh::commands
