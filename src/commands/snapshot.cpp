// gh-analyze snapshot ID --at DATE|REV: a playlist as it was at the end of a day or at a
// revision.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "commands/output.hpp"
#include "git/repository.hpp"
#include "plain/plain_file.hpp"
#include "pretty/pretty_view.hpp"
#include "util/calendar.hpp"
#include "util/terminal.hpp"
#include "writers/snapshot_writer.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// The commit whose file shows the playlist at `at`: the last snapshot on or before that
/// day (in --tz), or the revision itself. `what` describes it for messages.
git::Commit commit_at(const engine::Analysis& analysis, const std::string& at, std::string& what) {
    if (const auto day = parse_day(at)) {
        const auto& days = analysis.calendar.snapshot_days;
        std::optional<std::size_t> last;
        for (std::size_t s = 0; s < days.size(); ++s) {
            if (days[s] <= *day) {
                last = s;
            }
        }
        if (!last) {
            throw Error(fmt::format("{} is before the first snapshot of {} ({})", at,
                                    analysis.history.dir, format_day(days.front())));
        }
        what =
            fmt::format("the end of {} (commit {})", at, analysis.history.snapshots[*last].commit);
        return git::resolve_commit(analysis.repo.get(), analysis.labels.commits[*last]);
    }
    auto commit = git::resolve_commit(analysis.repo.get(), at);
    what = fmt::format("'{}' (commit {})", at, *git_commit_id(commit.get()));
    return commit;
}

/// The file's tracks in the order of the pretty view committed with it, each with its
/// links and length: when every track of the view is one of the file's lines and every
/// line one of the view's tracks (a multiset: a line may be there twice). Otherwise (no
/// view, or a view that does not match) nothing, and the file's order is shown.
std::optional<std::vector<writers::LinkedTrack>>
link_tracks(const engine::Analysis& analysis, git::ObjectReader& reader, const git_oid& commit,
            std::string_view id, const plain::PlainFile& file, git::ObjectBytes& bytes,
            pretty::View& view) {
    const auto found = analysis.pretty->find(commit, id, file.name, reader, analysis.repo.get());
    if (!found) {
        return std::nullopt;
    }
    bytes = reader.read_blob(found->blob, "{}/{} at commit {}", analysis.pretty->dir(), found->file,
                             commit);
    if (found->form == pretty::Form::markdown && pretty::linked_playlist(bytes.view()) != id) {
        return std::nullopt; // the view of another playlist that had this name
    }
    view.parse(bytes.view(), found->form);
    std::multimap<std::string_view, std::size_t> lines;
    for (std::size_t i = 0; i < file.tracks.size(); ++i) {
        lines.emplace(file.tracks[i].text, i);
    }
    std::vector<writers::LinkedTrack> linked;
    std::string line;
    for (const auto& track : view.tracks()) {
        view.plain_line(track, line);
        const auto at = lines.find(line);
        if (at == lines.end()) {
            return std::nullopt;
        }
        writers::LinkedTrack each{at->second, track.name,      {}, track.album,
                                  track.url,  track.album_url, {}, track.duration_ms};
        // The view's artists joined, as the line has them: a view into the file's line.
        const std::string_view text = file.tracks[at->second].text;
        each.artists = text.substr(track.name.size() + 4,
                                   text.size() - track.name.size() - track.album.size() - 8);
        for (const auto& artist : view.artists(track)) {
            each.artist_links.emplace_back(artist.name, artist.url);
        }
        linked.push_back(std::move(each));
        lines.erase(at);
    }
    if (!lines.empty()) {
        return std::nullopt;
    }
    return linked;
}

} // namespace

ExitCode run_snapshot(const std::vector<std::string>& args) {
    HistoryOptions history;
    std::string id;
    std::string at;
    std::string format = "text";
    po::options_description description;
    add_history_options(description, history,
                        {.playlist = false, .key = false, .cache = false, .links = true});
    auto option = description.add_options();
    option("at", po::value(&at)->value_name("DATE|REV")->required(),
           "a date (YYYY-MM-DD: the playlist at the end of that day) or a revision");
    option("format",
           one_of(&format, {"text", "csv", "json"})->value_name("FORMAT")->default_value(format),
           "text (the file's lines), csv or json");
    if (!parse_command_line_with_argument(args, description, "snapshot",
                                          "ID|PATH|NAME --at DATE|REV [options]", "the playlist",
                                          id)) {
        return ExitCode::ok;
    }
    // A date that does not exist (2019-02-30) is a mistake, not a revision to look up.
    const bool date_shaped = at.size() == 10 && at[4] == '-' && at[7] == '-' &&
                             std::all_of(at.begin(), at.end(),
                                         [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
    if (date_shaped && !parse_day(at)) {
        throw Error::usage("--at '{}' is not a valid date (expected YYYY-MM-DD)\n"
                           "Try 'gh-analyze snapshot --help'.",
                           at);
    }
    history.playlists = {id};
    const engine::Analysis analysis = engine::analyse(history);
    id = analysis.selected.front(); // (it may have been named by its path or name)
    std::string what;
    const git::Commit commit = commit_at(analysis, at, what);
    // Read as the walk reads it: through replaced objects, as git shows the commit.
    git::ObjectReader reader(analysis.repo.get(), analysis.packs, analysis.rewrites);
    const auto blob = history::file_at(reader, analysis.repo.get(), *git_commit_id(commit.get()),
                                       analysis.history.dir, id);
    if (!blob) {
        fail("playlist {} did not exist at {}: no file {}/{} there", id, what, analysis.history.dir,
             id);
    }
    const git::ObjectBytes content =
        reader.read_blob(*blob, "{}/{} at {}", analysis.history.dir, id, what);
    const plain::PlainFile file = plain::parse_plain_file(content.view());
    const std::string commit_id = git::hex(*git_commit_id(commit.get()));
    git::ObjectBytes view_bytes; // the view's texts point into it
    pretty::View view;
    std::optional<std::vector<writers::LinkedTrack>> linked;
    if (analysis.pretty) {
        linked =
            link_tracks(analysis, reader, *git_commit_id(commit.get()), id, file, view_bytes, view);
        if (!linked && analysis.pretty->seen() && !file.tracks.empty()) {
            note("no pretty view in {} at {} has exactly the file's tracks: they are shown in "
                 "the file's order, without links",
                 analysis.pretty->dir(), what);
        }
    }
    start_pager(history.pager);
    write_stdout(writers::render_snapshot(id, commit_id, file,
                                          format == "json"  ? writers::SnapshotFormat::json
                                          : format == "csv" ? writers::SnapshotFormat::csv
                                                            : writers::SnapshotFormat::text,
                                          linked ? &*linked : nullptr));
    return ExitCode::ok;
}

} // namespace gh::commands
