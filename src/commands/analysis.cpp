#include "commands/analysis.hpp"

#include "git/repository.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <iostream>

namespace po = boost::program_options;

namespace gh::commands {

void add_history_options(po::options_description& options, HistoryOptions& values) {
    auto option = options.add_options();
    option("repo", po::value(&values.repo)->value_name("DIR"),
           "repository to analyse (default: the one containing the current directory)");
    option("rev", po::value(&values.rev)->value_name("REV")->default_value(values.rev),
           "analyse the history reachable from this revision");
    option("dir", po::value(&values.dir)->value_name("PATH")->default_value(values.dir),
           "directory of plain playlist files");
    option("playlist", po::value(&values.playlists)->value_name("ID")->composing(),
           "only this playlist (repeatable; default: all)");
    option("tz", po::value(&values.tz)->value_name("ZONE")->default_value(values.tz),
           "time zone of the dates, an IANA name such as Europe/Berlin");
    option("key", po::value(&values.key)->value_name("MODE")->default_value(values.key),
           "track key: 'line' (the whole line lowercased, the archive's key) or "
           "'title-artists' (album variants collapse into one row)");
    option("quiet,q", po::bool_switch(&values.quiet), "no progress display");
}

bool parse_command_line(const std::vector<std::string>& args,
                        const po::options_description& options, std::string_view command,
                        std::string_view usage,
                        const po::positional_options_description* positional,
                        const po::options_description* visible) {
    po::options_description help;
    help.add_options()("help,h", "show this help");
    po::options_description all;
    all.add(options).add(help);
    po::variables_map values;
    try {
        auto parser = po::command_line_parser(args).options(all);
        if (positional) {
            parser.positional(*positional);
        } else {
            parser.positional(po::positional_options_description());
        }
        po::store(parser.run(), values);
        if (values.count("help")) {
            po::options_description shown("Options");
            shown.add(visible ? *visible : options).add(help);
            std::cout << "Usage: gh-analyze " << command << ' ' << usage << '\n' << shown << '\n';
            return false;
        }
        po::notify(values);
    } catch (const po::error& error) {
        throw Error::usage("{}\nTry 'gh-analyze {} --help'.", error.what(), command);
    }
    return true;
}

namespace {

plain::KeyMode parse_key_mode(std::string_view name) {
    if (name == "line") {
        return plain::KeyMode::line;
    }
    if (name == "title-artists") {
        return plain::KeyMode::title_artists;
    }
    throw Error::usage("unknown --key '{}': expected 'line' or 'title-artists'", name);
}

std::string normalise_dir(std::string dir) {
    while (!dir.empty() && dir.back() == '/') {
        dir.pop_back();
    }
    while (dir.starts_with("./")) {
        dir.erase(0, 2);
    }
    if (dir.empty() || dir.starts_with('/')) {
        throw Error::usage("--dir '{}' must be a path inside the repository, such as "
                           "playlists/plain",
                           dir);
    }
    return dir;
}

/// Warns about skipped entries, only those that matter to the selection.
void report_skipped(const history::History& history, const std::vector<std::string>& selection) {
    for (const auto& skipped : history.skipped) {
        const std::string_view name = std::string_view(skipped.path).substr(history.dir.size() + 1);
        if (!selection.empty() &&
            std::find(selection.begin(), selection.end(), name) == selection.end()) {
            continue;
        }
        warn("commit {}: skipping {} (a {}, not a playlist file)", skipped.commit, skipped.path,
             skipped.kind);
    }
    if (!history.shallow_boundary.empty()) {
        warn("the repository is a shallow clone: history before commit {} is missing, so "
             "first-seen dates may be too late (run 'git fetch --unshallow')",
             history.shallow_boundary.front());
    }
}

} // namespace

Analysis analyse(const HistoryOptions& options) {
    Analysis analysis;
    analysis.key_mode = parse_key_mode(options.key);
    const TimeZone zone = TimeZone::named(options.tz);
    const std::string dir = normalise_dir(options.dir);
    analysis.repo = git::open_repository(options.repo);
    const git::Commit tip = git::resolve_commit(analysis.repo.get(), options.rev);

    Progress progress(!options.quiet);
    analysis.history =
        history::walk_history(analysis.repo.get(), tip.get(), dir,
                              [&](std::string_view stage, std::size_t done, std::size_t total) {
                                  progress.update(stage, done, total);
                              });
    progress.clear();
    report_skipped(analysis.history, options.playlists);
    if (analysis.history.snapshots.empty()) {
        fail("no commit reachable from '{}' has a directory {}", options.rev, dir);
    }

    for (const auto& snapshot : analysis.history.snapshots) {
        const std::int32_t day = zone.day_of(snapshot.time);
        analysis.calendar.snapshot_days.push_back(day);
        analysis.labels.dates.push_back(format_day(day));
        analysis.labels.commits.push_back(git::hex(snapshot.commit));
    }
    analysis.calendar.tip_day = zone.day_of(analysis.history.tip_time);

    if (options.playlists.empty()) {
        for (const auto& [id, versions] : analysis.history.playlists) {
            analysis.selected.push_back(id);
        }
    }
    for (const auto& id : options.playlists) {
        if (!analysis.history.playlists.contains(id)) {
            fail("playlist '{}' has no file in {} in the history of '{}'", id, dir, options.rev);
        }
        if (std::find(analysis.selected.begin(), analysis.selected.end(), id) ==
            analysis.selected.end()) {
            analysis.selected.push_back(id);
        }
    }
    return analysis;
}

std::vector<tables::PlaylistTable> build_tables(const Analysis& analysis, bool quiet,
                                                bool& complete) {
    const auto& history = analysis.history;
    const auto read = [&](std::string_view id, const history::Version& version) {
        return git::read_blob(analysis.repo.get(), *version.blob,
                              fmt::format("{}/{} at commit {}", history.dir, id,
                                          history.snapshots.at(version.snapshot).commit));
    };
    Progress progress(!quiet);
    std::vector<tables::PlaylistTable> tables;
    tables.reserve(analysis.selected.size());
    for (const auto& id : analysis.selected) {
        progress.update("building tables", tables.size(), analysis.selected.size());
        try {
            tables.push_back(tables::build_table(id, history.playlists.find(id)->second,
                                                 analysis.calendar, analysis.key_mode, read));
        } catch (const Error& error) {
            progress.clear();
            warn("skipping playlist {}: {}", id, error.what());
            complete = false;
        }
    }
    return tables;
}

} // namespace gh::commands
