// Generated archives with the bot of an era (src/synth/generator.cpp): what each commit
// holds is checked against the commit's own plain files and against a straightforward
// recomputation over the commits, read back from git.

#include "git/repository.hpp"
#include "plain/track_key.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace gh {
namespace {

using Files = std::map<std::string, std::string>;
using synth::Era;

/// One commit of a generated archive, with the files the bot's directories hold.
struct ArchiveCommit {
    std::string subject;
    std::string date; ///< UTC, as the bot dates it
    Files plain, pretty, cumulative;
};

Files files_in(git_repository* repo, const git_commit* commit, std::string_view dir) {
    Files files;
    const auto tree_id = git::directory_tree_id(repo, commit, dir);
    if (!tree_id) {
        return files;
    }
    const git::Tree tree = git::lookup_tree(repo, *tree_id);
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
        if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
            files[git_tree_entry_name(entry)] =
                git::read_blob(repo, *git_tree_entry_id(entry), git_tree_entry_name(entry));
        }
    }
    return files;
}

/// Every commit of HEAD's history, parents before children.
std::vector<ArchiveCommit> archive_commits(const std::filesystem::path& path) {
    const auto repo = test::open(path);
    std::vector<ArchiveCommit> commits;
    std::istringstream lines(test::run("git -C " + test::shell_quote(path.string()) +
                                       " log --topo-order --reverse --format='%H %ct %s'"));
    std::string id;
    std::int64_t time = 0;
    while (lines >> id >> time) {
        ArchiveCommit commit;
        std::getline(lines >> std::ws, commit.subject);
        commit.date = format_day(static_cast<std::int32_t>(time / 86400));
        const git::Commit object = git::resolve_commit(repo.get(), id);
        commit.plain = files_in(repo.get(), object.get(), "playlists/plain");
        commit.pretty = files_in(repo.get(), object.get(), "playlists/pretty");
        commit.cumulative = files_in(repo.get(), object.get(), "playlists/cumulative");
        commits.push_back(std::move(commit));
    }
    return commits;
}

/// The commits of the bot's daily runs, whose files all come from one state of the
/// generator's playlists (hand edits and bad runs aside).
std::vector<ArchiveCommit> bot_snapshots(const std::filesystem::path& path) {
    auto commits = archive_commits(path);
    commits.erase(std::remove_if(commits.begin(), commits.end(),
                                 [](const ArchiveCommit& commit) {
                                     return commit.subject.rfind("Daily snapshot", 0) != 0;
                                 }),
                  commits.end());
    return commits;
}

synth::GeneratorOptions options_for(Era era, bool quirks, std::uint64_t seed = 4) {
    synth::GeneratorOptions options;
    options.seed = seed;
    options.playlists = 10;
    options.days = 40;
    options.tracks = 12;
    options.quirks = quirks;
    options.era = era;
    return options;
}

/// The plain file's track lines (SPEC: lines after the first with ` -- ` twice), sorted.
std::vector<std::string> plain_tracks(const std::string& file) {
    std::vector<std::string> tracks;
    const auto lines = test::lines_of(file);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto first = lines[i].find(" -- ");
        if (first != std::string::npos && lines[i].find(" -- ", first + 4) != std::string::npos) {
            tracks.push_back(lines[i]);
        }
    }
    std::sort(tracks.begin(), tracks.end());
    return tracks;
}

/// The rows of a markdown table: the lines after its `|---|` line.
std::vector<std::string> table_rows(const std::string& file) {
    const auto lines = test::lines_of(file);
    const auto separator = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return line.rfind("|---|", 0) == 0;
    });
    std::vector<std::string> rows;
    for (auto line = separator == lines.end() ? separator : separator + 1;
         line != lines.end() && line->rfind("| ", 0) == 0; ++line) {
        rows.push_back(*line);
    }
    return rows;
}

/// A 2019-2021 row's Title, Artist(s) and Album cells as a plain line: links become their
/// text. Names hold `|` and `[`, so links are found by their urls before cells are split.
std::string line_of_cells(const std::string& cells) {
    static const std::regex link(
        R"(\[(.*?)\]\(https://open\.spotify\.com/(?:track|artist|album)/\w{22}\))");
    std::vector<std::string> texts;
    std::string marked;
    auto from = cells.cbegin();
    for (std::sregex_iterator at(cells.begin(), cells.end(), link), end; at != end; ++at) {
        marked.append(from, (*at)[0].first);
        marked += "\x01" + std::to_string(texts.size()) + "\x02";
        texts.push_back((*at)[1]);
        from = (*at)[0].second;
    }
    marked.append(from, cells.cend());
    std::string line;
    for (std::size_t start = 0, cell = 0; cell < 3; ++cell) {
        const auto end = cell < 2 ? marked.find(" | ", start) : marked.size();
        EXPECT_NE(end, std::string::npos) << cells;
        line += (cell > 0 ? " -- " : "") + marked.substr(start, end - start);
        start = end + 3;
    }
    static const std::regex mark("\x01(\\d+)\x02");
    std::string unmarked;
    from = line.cbegin();
    for (std::sregex_iterator at(line.begin(), line.end(), mark), end; at != end; ++at) {
        unmarked.append(from, (*at)[0].first);
        unmarked += texts[std::stoul((*at)[1])];
        from = (*at)[0].second;
    }
    return unmarked.append(from, line.cend());
}

std::string name_line(const std::string& plain) {
    return plain.substr(0, plain.find('\n'));
}

TEST(SynthGenerator, WithoutAnEraTheArchiveIsAsBefore) {
    test::TempDir dir;
    synth::GeneratorOptions options;
    options.seed = 5;
    options.playlists = 12;
    options.days = 60;
    options.quirks = true;
    synth::generate_archive(dir.path() / "archive", options);
    const std::string q = test::shell_quote((dir.path() / "archive").string());
    // The commit made by the generator before it had eras: the bot must draw nothing from
    // the generator's random stream, so that archives without an era do not change.
    EXPECT_EQ(test::run("git -C " + q + " rev-parse HEAD"),
              "9bf7f6af7e8a17e6862c039e324b061e2762b280\n");
    EXPECT_EQ(test::run("git -C " + q + " ls-tree --name-only HEAD playlists/"),
              "playlists/plain\n");
    EXPECT_EQ(test::run("git -C " + q + " remote"), "");
}

TEST(SynthGenerator, SameSeedSameRepository) {
    for (const Era era : {Era::y2021, Era::current}) {
        test::TempDir dir;
        std::vector<std::string> heads;
        for (const std::uint64_t seed : {7, 7, 8}) {
            const auto path = dir.path() / std::to_string(heads.size());
            synth::generate_archive(path, options_for(era, true, seed));
            heads.push_back(
                test::run("git -C " + test::shell_quote(path.string()) + " rev-parse HEAD"));
        }
        EXPECT_EQ(heads[0], heads[1]);
        EXPECT_NE(heads[0], heads[2]);
    }
}

TEST(SynthGenerator, OriginRemoteIsTheGithubName) {
    test::TempDir dir;
    auto options = options_for(Era::y2021, false);
    options.github = "someone/fork-archive";
    synth::generate_archive(dir.path() / "archive", options);
    const std::string q = test::shell_quote((dir.path() / "archive").string());
    EXPECT_EQ(test::run("git -C " + q + " remote get-url origin"),
              "https://github.com/someone/fork-archive.git\n");
    const auto commits = archive_commits(dir.path() / "archive");
    EXPECT_NE(commits.back().pretty.begin()->second.find(
                  "(https://github.githistory.xyz/someone/fork-archive/blob/main/playlists/plain/"),
              std::string::npos);
}

TEST(SynthGenerator, PrettyViews2021HoldTheTracksOfThePlainFiles) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::y2021, true));
    const std::regex line_one(
        R"(pretty - \[cumulative\]\(/playlists/cumulative/(.+)\) - \[plain\]\(/playlists/plain/)"
        R"((\w{22})\) \(\[githistory\]\(https://github\.githistory\.xyz/example/playlist-archive/)"
        R"(blob/main/playlists/plain/\2\)\))");
    std::size_t views = 0;
    std::size_t local = 0;
    std::size_t unsorted = 0;
    for (const auto& commit : bot_snapshots(dir.path() / "archive")) {
        for (const auto& [file, view] : commit.pretty) {
            std::smatch links;
            const std::string first = view.substr(0, view.find('\n'));
            ASSERT_TRUE(std::regex_match(first, links, line_one)) << first;
            const std::string plain = commit.plain.at(links[2]);
            const std::string name = name_line(plain);
            EXPECT_EQ(file, name + ".md");
            EXPECT_EQ(links[1], std::regex_replace(name, std::regex(" "), "%20") + ".md");
            std::vector<std::string> lines;
            const auto rows = table_rows(view);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const std::string number = fmt::format("| {} | ", i + 1);
                ASSERT_EQ(rows[i].rfind(number, 0), 0u) << rows[i];
                const auto length = rows[i].rfind(" | ", rows[i].size() - 3);
                lines.push_back(
                    line_of_cells(rows[i].substr(number.size(), length - number.size())));
                local += rows[i].find(" | [", number.size() - 3) != number.size() - 3;
            }
            unsorted += !std::is_sorted(lines.begin(), lines.end());
            std::sort(lines.begin(), lines.end());
            EXPECT_EQ(lines, plain_tracks(plain)) << commit.subject << ' ' << file;
            ++views;
        }
    }
    EXPECT_GT(views, 300u);
    EXPECT_GT(local, 0u) << "local files are written bare";
    EXPECT_GT(unsorted, views / 2) << "pretty views list tracks in playlist order";
}

/// Per name (2019-2021) or per id (current), the rows' Added and Removed dates by key.
using Dates = std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>>;

/// SPEC's 2019-2021 rules, applied to each commit's plain files in turn.
Dates recompute_2021(const std::vector<ArchiveCommit>& commits) {
    Dates tables;
    for (const auto& commit : commits) {
        for (const auto& [id, plain] : commit.plain) {
            auto& rows = tables[name_line(plain)];
            std::set<std::string> keys;
            for (const auto& line : plain_tracks(plain)) {
                keys.insert(plain::python_lower(line));
            }
            for (auto& [key, dates] : rows) {
                if (keys.count(key) == 0 && dates.second.empty()) {
                    dates.second = commit.date;
                }
            }
            for (const auto& key : keys) {
                auto& dates = rows.try_emplace(key, commit.date, "").first->second;
                dates.second.clear();
            }
        }
    }
    return tables;
}

/// A row of a 2019-2021 cumulative view: its key and its Added and Removed cells.
struct Row2021 {
    std::string key, added, removed;
};

std::vector<Row2021> rows_2021(const std::string& table) {
    std::vector<Row2021> rows;
    for (const auto& row : table_rows(table)) {
        // | Title | Artist(s) | Album | Length | Added | Removed |
        const auto removed_at = row.rfind(" | ", row.size() - 3);
        const auto added_at = row.rfind(" | ", removed_at - 1);
        const auto length_at = row.rfind(" | ", added_at - 1);
        rows.push_back({plain::python_lower(line_of_cells(row.substr(2, length_at - 2))),
                        row.substr(added_at + 3, removed_at - added_at - 3),
                        row.substr(removed_at + 3, row.size() - removed_at - 5)});
    }
    return rows;
}

TEST(SynthGenerator, Cumulative2021IsRecomputedFromTheCommits) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::y2021, false));
    const auto commits = archive_commits(dir.path() / "archive");
    const Dates expected = recompute_2021(commits);
    Dates actual;
    std::size_t removed = 0;
    for (const auto& [file, table] : commits.back().cumulative) {
        EXPECT_NE(table.back(), '\n');
        std::string previous_key;
        for (const auto& row : rows_2021(table)) {
            EXPECT_LT(previous_key, row.key) << "rows in key order";
            previous_key = row.key;
            actual[file.substr(0, file.size() - 3)][row.key] = {row.added, row.removed};
            removed += !row.removed.empty();
        }
    }
    EXPECT_EQ(actual, expected);
    EXPECT_GT(removed, 50u);
}

/// The commits of the quirks that change ids, and the ids each adds and removes.
struct IdChange {
    std::size_t at = 0; ///< index of the commit
    std::string added, removed;
};

IdChange id_change(const std::vector<ArchiveCommit>& commits, std::string_view subject) {
    IdChange change;
    while (change.at < commits.size() && commits[change.at].subject != subject) {
        ++change.at;
    }
    EXPECT_LT(change.at, commits.size()) << subject;
    EXPECT_GT(change.at, 0u) << subject;
    const auto& before = commits[change.at - 1].plain;
    const auto& after = commits[change.at].plain;
    for (const auto& [id, plain] : after) {
        change.added = before.count(id) == 0 ? id : change.added;
    }
    for (const auto& [id, plain] : before) {
        change.removed = after.count(id) == 0 ? id : change.removed;
    }
    return change;
}

/// True when the view has a row first seen before `date` and still present: the table
/// was continued, not started anew.
bool continues(const std::string& table, const std::string& date) {
    const auto rows = rows_2021(table);
    return std::any_of(rows.begin(), rows.end(),
                       [&](const Row2021& row) { return row.added < date && row.removed.empty(); });
}

TEST(SynthGenerator, Tables2021ContinueByNameAcrossIdChanges) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::y2021, true));
    const auto commits = archive_commits(dir.path() / "archive");
    // A broken id deleted, and days later replaced by a new id with the same name line.
    const IdChange deleted = id_change(commits, "Remove broken playlist");
    const IdChange replaced = id_change(commits, "Replace broken playlist id");
    const std::string name = name_line(commits[deleted.at - 1].plain.at(deleted.removed)) + ".md";
    EXPECT_EQ(name_line(commits[replaced.at].plain.at(replaced.added)) + ".md", name);
    EXPECT_EQ(commits[deleted.at].pretty.count(name), 0u);
    for (const auto& row : rows_2021(commits[deleted.at].cumulative.at(name))) {
        EXPECT_FALSE(row.removed.empty()) << "a deleted playlist's rows are removed";
    }
    const std::string& continued = commits[replaced.at].cumulative.at(name);
    EXPECT_NE(continued.find("/playlists/plain/" + replaced.added + ")"), std::string::npos);
    EXPECT_TRUE(continues(continued, commits[deleted.at].date));
    // A name that moves to a new id while the old id carries on under another name.
    const IdChange moved = id_change(commits, "Move a name to a new id");
    const auto& after = commits[moved.at];
    const std::string moved_name = name_line(after.plain.at(moved.added)) + ".md";
    EXPECT_TRUE(continues(after.cumulative.at(moved_name), after.date));
    EXPECT_NE(after.cumulative.at(moved_name).find(moved.added), std::string::npos);
    std::size_t renamed = 0;
    for (const auto& [id, plain] : commits[moved.at - 1].plain) {
        if (name_line(plain) + ".md" == moved_name) {
            const std::string new_name = name_line(after.plain.at(id)) + ".md";
            EXPECT_NE(new_name, moved_name);
            for (const auto& row : rows_2021(after.cumulative.at(new_name))) {
                EXPECT_EQ(row.added, after.date) << "the old id's new name starts a table";
            }
            ++renamed;
        }
    }
    EXPECT_EQ(renamed, 1u);
}

TEST(SynthGenerator, TablesCurrentAreKeptPerId) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::current, true));
    const auto commits = archive_commits(dir.path() / "archive");
    const IdChange deleted = id_change(commits, "Remove broken playlist");
    const IdChange replaced = id_change(commits, "Replace broken playlist id");
    const auto& after = commits[replaced.at];
    EXPECT_EQ(after.pretty.count(deleted.removed + ".json"), 0u);
    EXPECT_EQ(after.pretty.count(deleted.removed + ".md"), 0u);
    const auto old_table = nlohmann::json::parse(after.cumulative.at(deleted.removed + ".json"));
    for (const auto& track : old_table["tracks"]) {
        EXPECT_FALSE(track["date_removed"].is_null()) << "a deleted playlist's rows are removed";
    }
    const auto new_table = nlohmann::json::parse(after.cumulative.at(replaced.added + ".json"));
    EXPECT_EQ(new_table["date_first_scraped"], after.date);
    EXPECT_EQ(new_table["name"], old_table["name"]);
}

/// A track of a pretty JSON as a plain line.
std::string line_of_json(const nlohmann::json& track) {
    std::string artists;
    for (const auto& artist : track["artists"]) {
        artists += (artists.empty() ? "" : ", ") + artist["name"].get<std::string>();
    }
    return fmt::format("{} -- {} -- {}", track["name"].get<std::string>(), artists,
                       track["album"]["name"].get<std::string>());
}

TEST(SynthGenerator, PrettyViewsCurrentHoldTheTracksOfThePlainFiles) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::current, true));
    std::size_t views = 0;
    std::size_t local = 0;
    std::size_t one_artist_with_a_comma = 0;
    std::size_t duplicated = 0;
    for (const auto& commit : bot_snapshots(dir.path() / "archive")) {
        for (const auto& [id, plain] : commit.plain) {
            if (plain.empty()) {
                continue; // registered, not scraped yet: no views
            }
            const auto json = nlohmann::json::parse(commit.pretty.at(id + ".json"));
            std::vector<std::string> lines;
            std::set<std::string> urls;
            for (const auto& track : json["tracks"]) {
                lines.push_back(line_of_json(track));
                local += track["url"].is_null() && track["album"]["url"].is_null();
                duplicated += !track["url"].is_null() && !urls.insert(track["url"]).second;
                for (const auto& artist : track["artists"]) {
                    one_artist_with_a_comma += artist["name"] == "Tyler, The Creator";
                }
            }
            std::sort(lines.begin(), lines.end());
            EXPECT_EQ(lines, plain_tracks(plain)) << commit.subject << ' ' << id;
            EXPECT_EQ(json["unique_name"], name_line(plain));
            const std::string markdown = commit.pretty.at(id + ".md");
            EXPECT_EQ(table_rows(markdown).size(), json["tracks"].size());
            EXPECT_EQ(markdown.substr(0, markdown.find('\n')),
                      fmt::format("pretty - [cumulative](/playlists/cumulative/{0}.md) - "
                                  "[plain](/playlists/plain/{0}) - [githistory](https://"
                                  "github.githistory.xyz/example/playlist-archive/blob/main/"
                                  "playlists/plain/{0})",
                                  id));
            ++views;
        }
    }
    EXPECT_GT(views, 300u);
    EXPECT_GT(local, 0u) << "local files have null urls";
    EXPECT_GT(one_artist_with_a_comma, 0u);
    EXPECT_GT(duplicated, 0u) << "a track twice in a playlist is two pretty rows";
}

/// A row's key in the current era: the track id, or the plain line of a local file.
std::string key_of(const nlohmann::json& track) {
    if (track["url"].is_null()) {
        return line_of_json(track);
    }
    const std::string url = track["url"];
    return url.substr(url.rfind('/') + 1);
}

/// The current era's rules, applied to each commit's pretty JSON in turn; also notes the
/// day each playlist was first scraped.
Dates recompute_current(const std::vector<ArchiveCommit>& commits,
                        std::map<std::string, std::string>& first_scraped) {
    Dates tables;
    for (const auto& commit : commits) {
        for (const auto& [file, view] : commit.pretty) {
            if (file.size() < 5 || file.substr(file.size() - 5) != ".json") {
                continue;
            }
            const std::string id = file.substr(0, file.size() - 5);
            first_scraped.try_emplace(id, commit.date);
            auto& rows = tables[id];
            const auto tracks = nlohmann::json::parse(view)["tracks"];
            std::set<std::string> keys;
            for (const auto& track : tracks) {
                keys.insert(key_of(track));
            }
            for (auto& [key, dates] : rows) {
                if (keys.count(key) == 0 && dates.second.empty()) {
                    dates.second = commit.date;
                }
            }
            for (const auto& track : tracks) {
                const bool dated = !track["added_at"].is_null();
                const std::string added =
                    dated ? track["added_at"].get<std::string>().substr(0, 10) : commit.date;
                auto& dates = rows.try_emplace(key_of(track), added, "").first->second;
                dates.first = dated ? std::min(dates.first, added) : dates.first;
                dates.second.clear();
            }
        }
    }
    return tables;
}

TEST(SynthGenerator, CumulativeCurrentIsRecomputedFromThePrettyViews) {
    test::TempDir dir;
    synth::generate_archive(dir.path() / "archive", options_for(Era::current, false));
    const auto commits = archive_commits(dir.path() / "archive");
    std::map<std::string, std::string> first_scraped;
    const Dates expected = recompute_current(commits, first_scraped);
    Dates actual;
    std::size_t before_first_scrape = 0;
    std::size_t removed = 0;
    for (const auto& [file, table] : commits.back().cumulative) {
        if (file.substr(file.size() - 5) != ".json") {
            continue;
        }
        const std::string id = file.substr(0, file.size() - 5);
        const auto json = nlohmann::json::parse(table);
        EXPECT_EQ(json["date_first_scraped"], first_scraped.at(id));
        using Order = std::tuple<std::string, std::vector<std::string>, int, std::string>;
        std::vector<Order> order;
        for (const auto& track : json["tracks"]) {
            const std::string gone = track["date_removed"].is_null() ? "" : track["date_removed"];
            actual[id][key_of(track)] = {track["date_added"], gone};
            before_first_scrape += track["date_added"] < json["date_first_scraped"];
            removed += !gone.empty();
            std::vector<std::string> artists;
            for (const auto& artist : track["artists"]) {
                artists.push_back(plain::python_lower(artist["name"].get<std::string>()));
            }
            order.emplace_back(plain::python_lower(track["name"].get<std::string>()), artists,
                               track["duration_ms"], key_of(track));
        }
        EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << file;
        EXPECT_EQ(table_rows(commits.back().cumulative.at(id + ".md")).size(), order.size());
    }
    EXPECT_EQ(actual, expected);
    EXPECT_GT(before_first_scrape, 50u) << "added_at before the first scrape is kept";
    EXPECT_GT(removed, 50u);
}

TEST(SynthGenerator, LineOneAndFinalNewlineFollowTheEra) {
    for (const Era era : {Era::y2021, Era::current}) {
        test::TempDir dir;
        synth::generate_archive(dir.path() / "archive", options_for(era, true));
        const bool final_newline = era == Era::current;
        const std::regex line_one(
            era == Era::y2021
                ? R"(\[pretty\]\(/playlists/pretty/(.+)\) - cumulative - \[plain\]\(/playlists/)"
                  R"(plain/(\w{22})\) \(\[githistory\]\(https://github\.githistory\.xyz/example/)"
                  R"(playlist-archive/blob/main/playlists/plain/\2\)\))"
                : R"(\[pretty\]\(/playlists/pretty/(\w{22})\.md\) - cumulative - \[plain\]\()"
                  R"(/playlists/plain/\1\) - \[githistory\]\(https://github\.githistory\.xyz/)"
                  R"(example/playlist-archive/blob/main/playlists/plain/\1\))");
        std::size_t files = 0;
        for (const auto& commit : bot_snapshots(dir.path() / "archive")) {
            for (const auto* directory : {&commit.plain, &commit.pretty, &commit.cumulative}) {
                for (const auto& [name, content] : *directory) {
                    if (!content.empty()) {
                        EXPECT_EQ(content.back() == '\n', final_newline) << name;
                        ++files;
                    }
                }
            }
            for (const auto& [name, content] : commit.cumulative) {
                if (name.substr(name.size() - 3) == ".md") {
                    const std::string first = content.substr(0, content.find('\n'));
                    EXPECT_TRUE(std::regex_match(first, line_one)) << first;
                }
            }
        }
        EXPECT_GT(files, 1000u);
    }
}

} // namespace
} // namespace gh
