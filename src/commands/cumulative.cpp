// gh-analyze cumulative: every track ever seen in each playlist, with the dates it was
// first seen and removed, as the archive's own cumulative view shows them.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "commands/output_manifest.hpp"
#include "engine/archive_layout.hpp"
#include "util/atomic_file.hpp"
#include "util/file_names.hpp"
#include "util/parallel.hpp"
#include "util/terminal.hpp"
#include "writers/archive_layout.hpp"
#include "writers/table_writer.hpp"

#include <cstring>
#include <filesystem>
#include <map>
#include <set>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

struct CumulativeOptions {
    HistoryOptions history;
    std::string format = "md";
    std::string out;
    std::string layout = "id";
    std::string github;
    bool follow_renames = false;
    bool keep_existing = false;
};

writers::MarkdownLinks markdown_links(const std::string& dir) {
    writers::MarkdownLinks links{dir, {}};
    if (dir.ends_with("/plain")) {
        links.pretty_dir = dir.substr(0, dir.size() - 5) + "pretty";
    }
    return links;
}

/// Writes one file per table into `out`, each as soon as its playlist is built (from
/// any thread); refuses ids that are not safe file names. With a cache, a table whose
/// state has not changed since an earlier run wrote its file is neither rendered nor
/// written again.
class DirectoryWriter {
  public:
    DirectoryWriter(const engine::Analysis& analysis, writers::Format format,
                    std::filesystem::path out)
        : m_analysis(analysis), m_format(format), m_out(std::move(out)),
          m_links(markdown_links(analysis.history.dir)),
          // Only markdown leaves out days_present, which changes with the revision's day.
          m_tip_day(format == writers::Format::markdown ? 0 : analysis.calendar.tip_day) {
        prepared_directory(m_out, {fmt::format(".{}", writers::extension(format))});
        if (analysis.cache) {
            m_manifest.emplace(*analysis.cache, m_out, writers::extension(format),
                               GH_ANALYZE_RENDERER);
        }
        for (std::size_t i = 0; i < analysis.selected.size(); ++i) {
            m_slots.emplace(analysis.selected[i], i);
        }
        m_results.resize(analysis.selected.size());
    }

    /// Renders and writes one playlist's table (spending its builder). Thread-safe for
    /// different playlists; never throws (failures are reported by `finish`).
    void write(engine::BuiltPlaylist& playlist) noexcept {
        Result& result = m_results[m_slots.at(playlist.id)];
        try {
            result.attempted = true;
            if (!is_safe_file_name(playlist.id)) {
                result.outcome = Outcome::unsafe;
                return;
            }
            const auto path = path_of(playlist.id);
            const auto& versions = m_analysis.history.playlists.find(playlist.id)->second;
            // The view the present rows were linked from is part of the state: a view that
            // changed on its own gives the table new links, and the file must follow.
            const std::string& view = playlist.builder
                                          ? playlist.builder->state().table.present_view
                                      : playlist.saved ? playlist.saved->present_view
                                                       : std::string();
            std::string last = m_analysis.labels.commits.at(versions.back().snapshot);
            if (!view.empty()) {
                git_oid id;
                std::memcpy(id.id, view.data(), GIT_OID_RAWSZ);
                last += "+" + git::hex(id);
            }
            result.state = {std::move(last), static_cast<std::uint32_t>(versions.size()),
                            m_tip_day};
            if (m_manifest && m_manifest->current(playlist.id, result.state, path)) {
                result.outcome = Outcome::unchanged;
                return;
            }
            const auto table = std::move(playlist).table(m_analysis);
            playlist.builder.reset(); // freed while this thread's memory is still warm
            result.outcome =
                write_file_atomically(
                    path, writers::render({&table}, m_analysis.labels, m_format, m_links),
                    &m_releaser)
                    ? Outcome::written
                    : Outcome::unchanged;
        } catch (const std::exception& failure) {
            result.outcome = Outcome::failed;
            result.error = failure.what();
        }
    }

    /// Reports what was written and records it for the next run; false when a table
    /// could not be written.
    bool finish(bool quiet) {
        bool complete = true;
        std::size_t written = 0;
        std::size_t unchanged = 0;
        for (std::size_t i = 0; i < m_results.size(); ++i) {
            const Result& result = m_results[i];
            const std::string& id = m_analysis.selected[i];
            if (!result.attempted) {
                continue; // not built: reported as skipped already
            }
            switch (result.outcome) {
            case Outcome::unsafe:
                warn("not writing playlist '{}': its name cannot be a file name here (expected "
                     "1 to 200 bytes of UTF-8 without '/', '\\' or control characters, not "
                     "starting with '.' or '-')",
                     escape_control(id));
                complete = false;
                continue;
            case Outcome::failed:
                // A table not written leaves the old file (or none), never half of one.
                warn("not writing playlist '{}': {}", id, result.error);
                complete = false;
                continue;
            case Outcome::written:
                ++written;
                break;
            case Outcome::unchanged:
                ++unchanged;
                break;
            }
            if (m_manifest) {
                m_manifest->record(id, result.state, path_of(id));
            }
        }
        if (m_manifest) {
            m_manifest->save(&m_releaser);
        }
        if (!quiet) {
            note("{} tables in {}: {} written, {} unchanged", written + unchanged, m_out.string(),
                 written, unchanged);
        }
        return complete;
    }

  private:
    enum class Outcome { unchanged, written, unsafe, failed };
    struct Result {
        bool attempted = false;
        Outcome outcome = Outcome::failed;
        OutputManifest::TableState state;
        std::string error;
    };

    std::filesystem::path path_of(const std::string& id) const {
        return m_out / fmt::format("{}.{}", id, writers::extension(m_format));
    }

    const engine::Analysis& m_analysis;
    writers::Format m_format;
    std::filesystem::path m_out;
    writers::MarkdownLinks m_links;
    std::int32_t m_tip_day;
    std::optional<OutputManifest> m_manifest;
    FileReleaser m_releaser; ///< lets go of the files replaced
    std::map<std::string_view, std::size_t> m_slots;
    std::vector<Result> m_results;
};

void report_stray_lines(const std::vector<engine::BuiltPlaylist>& built,
                        const engine::Analysis& analysis) {
    std::size_t playlists = 0;
    std::size_t lines = 0;
    const engine::BuiltPlaylist* first = nullptr;
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

/// Every playlist's table at the analysed revision, not only the selected ones, for tables
/// that continue across playlists (a replaced id's, a name's); `wanted` receives the
/// selection.
std::vector<tables::PlaylistTable> every_table(const CumulativeOptions& options,
                                               engine::Analysis& analysis,
                                               std::set<std::string>& wanted, bool& complete) {
    wanted = std::set<std::string>(analysis.selected.begin(), analysis.selected.end());
    analysis.selected.clear();
    for (const auto& [id, versions] : analysis.history.playlists) {
        analysis.selected.push_back(id);
    }
    auto built = engine::build_tables(analysis, options.history, complete);
    analysis.finish_saving();
    if (!options.history.quiet) {
        report_stray_lines(built, analysis);
    }
    return engine::tables_at_tip(std::move(built), analysis);
}

/// `--follow-renames`: the tables with each replaced id's continued by its successor's.
ExitCode write_followed(const CumulativeOptions& options, engine::Analysis& analysis,
                        writers::Format format) {
    // A selected playlist may continue another's, or be continued.
    std::set<std::string> wanted;
    bool complete = true;
    auto tables = every_table(options, analysis, wanted, complete);
    std::vector<const tables::PlaylistTable*> all;
    for (const auto& table : tables) {
        all.push_back(&table);
    }
    const auto changes = engine::detect_id_changes(analysis, all);
    tables = engine::follow_id_changes(analysis, std::move(tables), changes, options.history.quiet);
    std::erase_if(tables, [&](const tables::PlaylistTable& table) {
        return !wanted.contains(table.id) &&
               std::none_of(table.former_ids.begin(), table.former_ids.end(),
                            [&](const std::string& id) { return wanted.contains(id); });
    });
    const auto links = markdown_links(analysis.history.dir);
    if (options.out.empty()) {
        if (format == writers::Format::markdown && tables.size() != 1) {
            throw Error::usage("markdown for {} playlists needs --out DIR (or use --format "
                               "csv|tsv|json)\nTry 'gh-analyze cumulative --help'.",
                               tables.size());
        }
        std::vector<const tables::PlaylistTable*> pointers;
        for (const auto& table : tables) {
            pointers.push_back(&table);
        }
        start_pager(options.history.pager);
        write_stdout(writers::render(pointers, analysis.labels, format, links));
        return complete ? ExitCode::ok : ExitCode::incomplete;
    }
    const std::string suffix = fmt::format(".{}", writers::extension(format));
    const std::filesystem::path out = prepared_directory(options.out, {suffix});
    FileReleaser releaser;
    for (const auto& table : tables) {
        if (!is_safe_file_name(table.id)) {
            warn("not writing playlist '{}': its name cannot be a file name here",
                 escape_control(table.id));
            complete = false;
            continue;
        }
        try {
            write_file_atomically(out / (table.id + suffix),
                                  writers::render({&table}, analysis.labels, format, links),
                                  &releaser);
        } catch (const std::exception& failure) {
            warn("not writing playlist '{}': {}", table.id, failure.what());
            complete = false;
        }
    }
    if (!options.history.quiet) {
        note("{} tables in {}", tables.size(), out.string());
    }
    return complete ? ExitCode::ok : ExitCode::incomplete;
}

/// True when the archive's generator could have written `<name>.md`: the archive's own
/// names hold bytes that other outputs refuse (a backslash: `chill\DnB.md`), but none
/// may hold a '/' or a control character, be too long, or start with '.' (hidden, and
/// where temporary files go).
bool is_archive_file_name(std::string_view name) {
    return !name.empty() && name.size() <= 252 && !name.starts_with('.') &&
           std::none_of(name.begin(), name.end(), [](char c) {
               return c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
           });
}

/// Says how many rows --keep-existing kept.
void note_kept(const CumulativeOptions& options, std::size_t kept, std::size_t playlists,
               const engine::Analysis& analysis) {
    if (!options.history.quiet) {
        note("kept {} rows of {} playlists' existing cumulative files ({}) that history cannot "
             "know",
             kept, playlists, engine::cumulative_dir(analysis));
    }
}

/// --keep-existing without --playlist: the existing files of tables history does not give
/// at all (a playlist gone before a history cut short) are written as they are. Returns
/// how many.
std::size_t keep_unknown_files(const CumulativeOptions& options,
                               const std::map<std::string, std::string>& existing,
                               const std::set<std::string>& written,
                               const std::filesystem::path& out, FileReleaser& releaser) {
    std::size_t kept = 0;
    if (!options.keep_existing || !options.history.playlists.empty()) {
        return kept;
    }
    for (const auto& [file, content] : existing) {
        if (!written.contains(file) && is_archive_file_name(file) &&
            (file.ends_with(".md") || file.ends_with(".json"))) {
            write_file_atomically(out / file, content, &releaser);
            ++kept;
        }
    }
    return kept;
}

/// The current era's `<id>.md` and `<id>.json` of every selected playlist.
ExitCode write_current_era(const CumulativeOptions& options, const engine::Analysis& analysis,
                           const std::string& github) {
    auto tables = engine::current_era_tables(analysis, options.history);
    if (tables.empty() && !analysis.selected.empty()) {
        warn("no playlist asked for has a pretty JSON view ({}/<id>.json) in the history of "
             "'{}': no current-era files are written",
             analysis.pretty->dir(), options.history.rev);
    }
    const auto existing = options.keep_existing ? engine::existing_cumulative_files(analysis)
                                                : std::map<std::string, std::string>();
    if (options.keep_existing) {
        std::size_t kept = 0;
        std::size_t playlists = 0;
        for (auto& [id, table] : tables) {
            const auto file = existing.find(id + ".json");
            if (file == existing.end()) {
                continue;
            }
            try {
                const std::size_t kept_here = table.keep_existing(file->second);
                kept += kept_here;
                playlists += kept_here > 0;
            } catch (const std::invalid_argument& error) {
                warn("{}/{} at commit {} cannot be read ({}): nothing of it is kept",
                     engine::cumulative_dir(analysis), file->first, git::hex(analysis.history.tip),
                     error.what());
            }
        }
        note_kept(options, kept, playlists, analysis);
    }
    const std::filesystem::path out = prepared_directory(options.out, {".md", ".json"});
    const writers::ArchiveLinks links{analysis.history.dir, analysis.pretty->dir(), github};
    FileReleaser releaser;
    std::size_t written = 0;
    std::size_t unchanged = 0;
    bool complete = true;
    std::set<std::string> written_files;
    for (const auto& [id, table] : tables) {
        written_files.insert(id + ".md");
        written_files.insert(id + ".json");
        if (!is_safe_file_name(id + ".json")) {
            warn("not writing the tables of playlist '{}': its id cannot be a file name here",
                 escape_control(id));
            complete = false;
            continue;
        }
        try {
            for (const auto& [file, content] :
                 {std::pair(id + ".md", writers::render_archive_current_markdown(id, table, links)),
                  std::pair(id + ".json", writers::render_archive_current_json(id, table))}) {
                ++(write_file_atomically(out / file, content, &releaser) ? written : unchanged);
            }
        } catch (const std::exception& failure) {
            warn("not writing the tables of playlist {}: {}", id, failure.what());
            complete = false;
        }
    }
    written += keep_unknown_files(options, existing, written_files, out, releaser);
    if (!options.history.quiet) {
        note("{} files in {}: {} written, {} unchanged", written + unchanged, out.string(), written,
             unchanged);
    }
    return complete ? ExitCode::ok : ExitCode::incomplete;
}

/// `--layout archive`: the archive's own cumulative files, as its generator wrote them in
/// the era the repository is in (SPEC "The archive's own layouts").
ExitCode write_archive_layout(const CumulativeOptions& options, engine::Analysis& analysis) {
    const engine::Era era = engine::detect_era(analysis);
    std::string github = options.github;
    if (github.empty()) {
        github = engine::origin_github_name(analysis).value_or("");
    }
    if (github.empty()) {
        throw Error::usage("--layout archive links each playlist's githistory page, which needs "
                           "the archive's GitHub name: give --github OWNER/REPO (the 'origin' "
                           "remote is not a GitHub repository)\n"
                           "Try 'gh-analyze cumulative --help'.");
    }
    if (era == engine::Era::current) {
        return write_current_era(options, analysis, github);
    }
    // A name's table may continue another playlist's: the tables of the names the selected
    // playlists carried are written.
    std::set<std::string> wanted;
    bool complete = true;
    auto named = engine::name_tables(analysis, every_table(options, analysis, wanted, complete));
    if (!options.history.quiet) {
        const auto continued = std::count_if(
            named.begin(), named.end(), [](const auto& table) { return table.ids.size() > 1; });
        if (continued > 0) {
            note("{} of {} tables continue from one playlist id to another: the 2019-2021 "
                 "archive kept a table per playlist name",
                 continued, named.size());
        }
    }

    const std::filesystem::path out = prepared_directory(options.out, {".md", ".json"});
    const writers::ArchiveLinks links{analysis.history.dir, analysis.pretty->dir(), github};
    FileReleaser releaser;
    std::size_t written = 0;
    std::size_t unchanged = 0;
    std::size_t kept = 0;
    std::size_t kept_playlists = 0;
    const auto existing = options.keep_existing ? engine::existing_cumulative_files(analysis)
                                                : std::map<std::string, std::string>();
    std::set<std::string> written_files;
    for (const auto& table : named) {
        written_files.insert(table.name + ".md");
        if (std::none_of(table.ids.begin(), table.ids.end(),
                         [&](const std::string& id) { return wanted.contains(id); })) {
            continue;
        }
        if (!is_archive_file_name(table.name)) {
            // The archive's generator could not have written it either (hand-made files
            // hold a path on line 1): said, not a failure.
            warn("not writing the table of the playlist name '{}' ({}): a name that cannot be "
                 "a file name (expected at most 252 bytes without '/' or control characters, "
                 "not starting with '.')",
                 escape_control(table.name), table.table.id);
            continue;
        }
        try {
            std::map<std::string, writers::ExistingRow> rows;
            if (const auto file = existing.find(table.name + ".md"); file != existing.end()) {
                rows = writers::parse_archive_2021_rows(file->second);
            }
            writers::KeptRows keep{&rows, 0};
            const bool changed =
                write_file_atomically(out / (table.name + ".md"),
                                      writers::render_archive_2021(table.table, table.name,
                                                                   analysis.labels, links, &keep),
                                      &releaser);
            kept += keep.kept;
            kept_playlists += keep.kept > 0;
            ++(changed ? written : unchanged);
        } catch (const std::exception& failure) {
            warn("not writing the table of '{}': {}", escape_control(table.name), failure.what());
            complete = false;
        }
    }
    written += keep_unknown_files(options, existing, written_files, out, releaser);
    if (options.keep_existing) {
        note_kept(options, kept, kept_playlists, analysis);
    }
    if (!options.history.quiet) {
        note("{} tables in {}: {} written, {} unchanged", written + unchanged, out.string(),
             written, unchanged);
    }
    return complete ? ExitCode::ok : ExitCode::incomplete;
}

} // namespace

ExitCode run_cumulative(const std::vector<std::string>& args) {
    CumulativeOptions options;
    po::options_description description;
    add_history_options(description, options.history, {.links = true});
    auto option = description.add_options();
    option("format",
           one_of(&options.format, {"md", "csv", "tsv", "json"})
               ->value_name("FORMAT")
               ->default_value(options.format),
           "md (the archive's cumulative layout), csv (RFC 4180), tsv or json");
    option("out", po::value(&options.out)->value_name("DIR"),
           "write one file per playlist, DIR/<id>.<format>; without it, write to stdout");
    option("layout",
           one_of(&options.layout, {"id", "archive"})
               ->value_name("LAYOUT")
               ->default_value(options.layout),
           "id (one table per playlist id, as --format says) or archive (the archive's own "
           "cumulative files, byte for byte, for the era of its pretty views; needs --out)");
    option("follow-renames", po::bool_switch(&options.follow_renames),
           "continue the table of a playlist whose id was replaced (deleted, and a new id "
           "with its name within 7 days) as the new id's, listing its former ids");
    option("keep-existing", po::bool_switch(&options.keep_existing),
           "with --layout archive: keep the rows of the archive's existing cumulative files "
           "that history cannot know, and their earlier Added dates");
    option("github", po::value(&options.github)->value_name("OWNER/REPO"),
           "the archive's GitHub name, for --layout archive's githistory links (default: "
           "from the 'origin' remote)");
    if (!parse_command_line(args, description, "cumulative", "[options]")) {
        return ExitCode::ok;
    }
    const auto format = writers::parse_format(options.format).value();
    if (!options.github.empty() && !engine::parse_github_name(options.github)) {
        throw Error::usage("--github '{}': expected OWNER/REPO, as in "
                           "mackorone/spotify-playlist-archive\n"
                           "Try 'gh-analyze cumulative --help'.",
                           escape_control(options.github));
    }
    const bool archive = options.layout == "archive";
    if (!archive && options.keep_existing) {
        throw Error::usage("--keep-existing keeps rows of the archive's own cumulative files: "
                           "it needs --layout archive\nTry 'gh-analyze cumulative --help'.");
    }
    if (archive && options.history.key != "line") {
        throw Error::usage("--layout archive keys rows as the archive does, by line: it cannot "
                           "be used with --key {}\nTry 'gh-analyze cumulative --help'.",
                           options.history.key);
    }
    if (archive && options.follow_renames) {
        throw Error::usage("--follow-renames is for --layout id: the archive's own layout "
                           "follows ids as the archive did (by name until 2021)\n"
                           "Try 'gh-analyze cumulative --help'.");
    }
    if (archive &&
        (options.out.empty() || format != writers::Format::markdown || !options.history.links)) {
        throw Error::usage("--layout archive writes the archive's own markdown files, with "
                           "their links, into a directory: it needs --out DIR and --format md, "
                           "and cannot be used with --no-links\n"
                           "Try 'gh-analyze cumulative --help'.");
    }

    PhaseTimer timer;
    engine::Analysis analysis = engine::analyse(options.history);
    timer.lap("walk");
    if (archive) {
        return write_archive_layout(options, analysis);
    }
    if (options.follow_renames) {
        return write_followed(options, analysis, format);
    }
    // (engine::build_tables reports its own "save cache" lap)
    if (options.out.empty() && format == writers::Format::markdown &&
        analysis.selected.size() != 1) {
        throw Error::usage("markdown for {} playlists needs --out DIR (or choose one with "
                           "--playlist ID, or use --format csv|tsv|json)\n"
                           "Try 'gh-analyze cumulative --help'.",
                           analysis.selected.size());
    }
    bool complete = true;
    if (!options.out.empty()) {
        DirectoryWriter writer(analysis, format, options.out);
        const auto built =
            engine::build_tables(analysis, options.history, complete,
                                 [&](engine::BuiltPlaylist& playlist) { writer.write(playlist); });
        timer.lap("build and write");
        if (!options.history.quiet) {
            report_stray_lines(built, analysis);
        }
        complete = writer.finish(options.history.quiet) && complete;
    } else {
        auto built = engine::build_tables(analysis, options.history, complete);
        analysis.finish_saving();
        timer.lap("build");
        if (!options.history.quiet) {
            report_stray_lines(built, analysis);
        }
        const auto tables = engine::tables_at_tip(std::move(built), analysis);
        std::vector<const tables::PlaylistTable*> pointers;
        for (const auto& table : tables) {
            pointers.push_back(&table);
        }
        start_pager(options.history.pager);
        write_stdout(writers::render(pointers, analysis.labels, format,
                                     markdown_links(analysis.history.dir)));
    }
    timer.lap("output");
    return complete ? ExitCode::ok : ExitCode::incomplete;
}

} // namespace gh::commands
