// gh-analyze cumulative: every track ever seen in each playlist, with the dates it was
// first seen and removed, as the archive's own cumulative view shows them.

#include "commands/analysis.hpp"
#include "commands/command.hpp"
#include "util/atomic_file.hpp"
#include "util/file_names.hpp"
#include "util/parallel.hpp"
#include "util/terminal.hpp"

#include <filesystem>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

struct CumulativeOptions {
    HistoryOptions history;
    std::string format = "md";
    std::string out;
};

writers::MarkdownLinks markdown_links(const std::string& dir) {
    writers::MarkdownLinks links{dir, {}};
    if (dir.ends_with("/plain")) {
        links.pretty_dir = dir.substr(0, dir.size() - 5) + "pretty";
    }
    return links;
}

/// Writes one file per table into `out`; refuses ids that are not safe file names. With
/// a cache, a table whose state has not changed since an earlier run wrote its file is
/// neither rendered nor written again.
bool write_directory(std::vector<BuiltPlaylist>&& built, const Analysis& analysis,
                     writers::Format format, const std::filesystem::path& out,
                     const HistoryOptions& options) {
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error) {
        fail("cannot create output directory {}: {}", out.string(), error.message());
    }
    std::optional<cache::OutputManifest> manifest;
    if (analysis.cache) {
        manifest.emplace(*analysis.cache, out, writers::extension(format));
    }
    const auto links = markdown_links(analysis.history.dir);
    // Only markdown leaves out days_present, which changes with the analysed revision's day.
    const std::int32_t tip_day =
        format == writers::Format::markdown ? 0 : analysis.calendar.tip_day;
    bool complete = true;
    std::vector<BuiltPlaylist*> writable;
    for (auto& playlist : built) {
        if (is_safe_file_name(playlist.id)) {
            writable.push_back(&playlist);
        } else {
            warn("not writing playlist '{}': its id is not a safe file name (expected letters, "
                 "digits, '_', '-' or '.')",
                 playlist.id);
            complete = false;
        }
    }
    enum class Outcome { unchanged, written, failed };
    std::vector<Outcome> outcomes(writable.size());
    std::vector<cache::OutputManifest::TableState> states(writable.size());
    std::vector<std::string> errors(writable.size());
    const auto path_of = [&](const BuiltPlaylist& playlist) {
        return out / fmt::format("{}.{}", playlist.id, writers::extension(format));
    };
    run_parallel(
        writable.size(), thread_count(options.jobs, writable.size()), [&](unsigned, std::size_t i) {
            try { // run_parallel's tasks must not throw
                BuiltPlaylist& playlist = *writable[i];
                const auto path = path_of(playlist);
                const auto& versions = analysis.history.playlists.find(playlist.id)->second;
                states[i] = {analysis.labels.commits.at(versions.back().snapshot),
                             static_cast<std::uint32_t>(versions.size()), tip_day};
                if (manifest && manifest->current(playlist.id, states[i], path)) {
                    outcomes[i] = Outcome::unchanged;
                    return;
                }
                const auto table = std::move(playlist).table(analysis);
                outcomes[i] = write_file_atomically(
                                  path, writers::render({&table}, analysis.labels, format, links))
                                  ? Outcome::written
                                  : Outcome::unchanged;
            } catch (const std::exception& failure) {
                outcomes[i] = Outcome::failed;
                errors[i] = failure.what();
            }
        });
    std::size_t written = 0;
    std::size_t unchanged = 0;
    for (std::size_t i = 0; i < writable.size(); ++i) {
        if (outcomes[i] == Outcome::failed) {
            // A table not written leaves the old file (or none), never half of one.
            warn("not writing playlist '{}': {}", writable[i]->id, errors[i]);
            complete = false;
            continue;
        }
        (outcomes[i] == Outcome::written ? written : unchanged) += 1;
        if (manifest) {
            manifest->record(writable[i]->id, states[i], path_of(*writable[i]));
        }
    }
    if (manifest) {
        manifest->save();
    }
    if (!options.quiet) {
        note("{} tables in {}: {} written, {} unchanged", written + unchanged, out.string(),
             written, unchanged);
    }
    return complete;
}

void report_stray_lines(const std::vector<BuiltPlaylist>& built, const Analysis& analysis) {
    std::size_t playlists = 0;
    std::size_t lines = 0;
    const BuiltPlaylist* first = nullptr;
    for (const auto& playlist : built) {
        if (playlist.stray_lines > 0) {
            ++playlists;
            lines += playlist.stray_lines;
            first = first ? first : &playlist;
        }
    }
    if (first) {
        note("{} lines in {} playlists are neither header nor track and were not counted as "
             "tracks (first: {}/{} line {} at commit {})",
             lines, playlists, analysis.history.dir, first->id, first->first_stray->second,
             analysis.history.snapshots.at(first->first_stray->first).commit);
    }
}

} // namespace

ExitCode run_cumulative(const std::vector<std::string>& args) {
    CumulativeOptions options;
    po::options_description description;
    add_history_options(description, options.history);
    auto option = description.add_options();
    option("format",
           po::value(&options.format)->value_name("FORMAT")->default_value(options.format),
           "md (the archive's cumulative layout), csv (RFC 4180), tsv or json");
    option("out", po::value(&options.out)->value_name("DIR"),
           "write one file per playlist, DIR/<id>.<format>; without it, write to stdout");
    if (!parse_command_line(args, description, "cumulative", "[options]")) {
        return ExitCode::ok;
    }
    const auto format = writers::parse_format(options.format);
    if (!format) {
        throw Error::usage("unknown --format '{}': expected md, csv, tsv or json\n"
                           "Try 'gh-analyze cumulative --help'.",
                           options.format);
    }

    PhaseTimer timer;
    Analysis analysis = analyse(options.history);
    timer.lap("walk");
    // (build_tables reports its own "save cache" lap)
    if (options.out.empty() && *format == writers::Format::markdown &&
        analysis.selected.size() != 1) {
        throw Error::usage("markdown for {} playlists needs --out DIR (or choose one with "
                           "--playlist ID, or use --format csv|tsv|json)\n"
                           "Try 'gh-analyze cumulative --help'.",
                           analysis.selected.size());
    }
    bool complete = true;
    auto built = build_tables(analysis, options.history, complete);
    timer.lap("build");
    if (!options.history.quiet) {
        report_stray_lines(built, analysis);
    }
    if (!options.out.empty()) {
        complete =
            write_directory(std::move(built), analysis, *format, options.out, options.history) &&
            complete;
    } else {
        const auto tables = tables_at_tip(std::move(built), analysis);
        std::vector<const tables::PlaylistTable*> pointers;
        for (const auto& table : tables) {
            pointers.push_back(&table);
        }
        write_stdout(writers::render(pointers, analysis.labels, *format,
                                     markdown_links(analysis.history.dir)));
    }
    timer.lap("output");
    return complete ? ExitCode::ok : ExitCode::incomplete;
}

} // namespace gh::commands
