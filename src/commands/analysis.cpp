#include "commands/analysis.hpp"

#include "git/repository.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <numeric>
#include <thread>

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
    option("jobs,j", po::value(&values.jobs)->value_name("N"),
           "threads that build tables (default: one per processor)");
    option("verify-objects", po::bool_switch(&values.verify_objects),
           "re-hash every object read and compare it with its id (slower; git does not)");
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
    git::initialize();
    git::verify_objects(options.verify_objects);
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

namespace {

/// Reads blobs through its own repository handle: libgit2 handles are not shared
/// between threads. A blob's bytes stay valid until the next-but-one read, as
/// TableBuilder::apply needs (it compares each version with the previous one).
class BlobReader {
  public:
    explicit BlobReader(git_repository* repo) {
        git::check(git_repository_open(git::out(m_repo), git_repository_path(repo)),
                   "opening repository {}", git_repository_path(repo));
        git::check(git_repository_odb(git::out(m_odb), m_repo.get()), "opening object database");
    }

    std::string_view read(const git_oid& id, const history::History& history,
                          std::string_view playlist, std::uint32_t snapshot) {
        m_current = 1 - m_current;
        git::OdbObject& object = m_objects[m_current];
        git::check(git_odb_read(git::out(object), m_odb.get(), &id),
                   "reading {}/{} at commit {} (blob {})", history.dir, playlist,
                   history.snapshots.at(snapshot).commit, id);
        if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB) {
            fail("reading {}/{} at commit {}: object {} is not a blob", history.dir, playlist,
                 history.snapshots.at(snapshot).commit, id);
        }
        return {static_cast<const char*>(git_odb_object_data(object.get())),
                git_odb_object_size(object.get())};
    }

  private:
    git::Repository m_repo;
    git::Odb m_odb;
    git::OdbObject m_objects[2];
    int m_current = 0;
};

/// Builds one playlist's table from its versions.
tables::TableBuilder build_one(const std::string& id, const Analysis& analysis,
                               BlobReader& reader) {
    tables::TableBuilder builder(id, analysis.key_mode);
    for (const history::Version& version : analysis.history.playlists.find(id)->second) {
        const std::int32_t day = analysis.calendar.snapshot_days.at(version.snapshot);
        if (!version.blob) {
            builder.apply(version.snapshot, day, std::nullopt);
            continue;
        }
        builder.apply(version.snapshot, day,
                      reader.read(*version.blob, analysis.history, id, version.snapshot));
    }
    return builder;
}

unsigned thread_count(unsigned requested, std::size_t work) {
    unsigned jobs = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min<std::size_t>({jobs, work, 64}));
}

} // namespace

std::vector<tables::TableBuilder> build_tables(const Analysis& analysis,
                                               const HistoryOptions& options, bool& complete) {
    // Longest histories first, so that no thread is left with a long one at the end.
    std::vector<std::size_t> order(analysis.selected.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return analysis.history.playlists.find(analysis.selected[a])->second.size() >
               analysis.history.playlists.find(analysis.selected[b])->second.size();
    });
    std::vector<std::optional<tables::TableBuilder>> built(order.size());
    std::vector<std::string> errors(order.size());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    Progress progress(!options.quiet);
    // `main_thread` also draws the progress: Progress is not shared between threads.
    const auto work = [&](bool main_thread) {
        std::optional<BlobReader> reader;
        for (std::size_t i; (i = next++) < order.size();) {
            const std::string& id = analysis.selected[order[i]];
            try {
                if (!reader) {
                    reader.emplace(analysis.repo.get());
                }
                built[order[i]].emplace(build_one(id, analysis, *reader));
            } catch (const std::exception& error) {
                errors[order[i]] = error.what();
            }
            ++done;
            if (main_thread) {
                progress.update("building tables", done, order.size());
            }
        }
    };
    std::vector<std::thread> threads;
    const unsigned jobs = thread_count(options.jobs, order.size());
    for (unsigned t = 1; t < jobs; ++t) {
        threads.emplace_back(work, false);
    }
    work(true);
    for (auto& thread : threads) {
        thread.join();
    }
    progress.clear();
    std::vector<tables::TableBuilder> builders;
    builders.reserve(built.size());
    for (std::size_t i = 0; i < built.size(); ++i) {
        if (built[i]) {
            builders.push_back(std::move(*built[i]));
        } else {
            warn("skipping playlist {}: {}", analysis.selected[i], errors[i]);
            complete = false;
        }
    }
    return builders;
}

std::vector<tables::PlaylistTable> tables_at_tip(std::vector<tables::TableBuilder>&& builders,
                                                 const Analysis& analysis) {
    std::vector<tables::PlaylistTable> tables;
    tables.reserve(builders.size());
    for (auto& builder : builders) {
        tables.push_back(std::move(builder).release_table(analysis.calendar.tip_day));
    }
    return tables;
}

} // namespace gh::commands
