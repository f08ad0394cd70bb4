// The research commands through their entry points, on generated histories: snapshot
// against `git show`, export against the cumulative tables and the files themselves.

#include "commands/command.hpp"
#include "plain/plain_file.hpp"
#include "support/reference.hpp"
#include "support/repo.hpp"
#include "synth/generator.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sstream>

namespace gh {
namespace {

std::filesystem::path generated(const test::TempDir& dir, std::uint64_t seed, int days = 20) {
    return test::generated_archive(dir, seed, 5, days, 8);
}

using test::lines_of;

using test::run_command;

TEST(SnapshotCommand, TracksEqualWhatGitShowHoldsAtEverySnapshot) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        test::TempDir dir;
        const auto repo = generated(dir, seed);
        const std::string q = test::shell_quote(repo.string());
        std::size_t checked = 0;
        for (const auto& commit : test::git_log_snapshots(repo, "HEAD", "playlists/plain")) {
            for (const auto& entry :
                 lines_of(test::run("git -C " + q + " ls-tree " + commit + " playlists/plain/"))) {
                // "<mode> <type> <id>\t<path>": only files
                if (entry.rfind("100644 blob", 0) != 0) {
                    continue;
                }
                const std::string path = entry.substr(entry.find('\t') + 1);
                const std::string id = path.substr(path.rfind('/') + 1);
                const std::string file = test::run("git -C " + q + " show " + commit + ":" + path);
                std::vector<std::string> expected;
                for (const auto& track : plain::parse_plain_file(file).tracks) {
                    expected.emplace_back(track.text);
                }
                const auto [code, output] = run_command({"snapshot", id, "--repo", repo.string(),
                                                         "--at", commit, "--format", "json", "-q"});
                ASSERT_EQ(code, ExitCode::ok) << id << " at " << commit;
                std::vector<std::string> actual;
                const auto parsed = nlohmann::json::parse(output); // outlives the loop below
                for (const auto& track : parsed["tracks"]) {
                    actual.push_back(track["title"].get<std::string>() + " -- " +
                                     track["artists"].get<std::string>() + " -- " +
                                     track["album"].get<std::string>());
                }
                ASSERT_EQ(actual, expected) << id << " at " << commit << ": " << output;
                ++checked;
            }
        }
        EXPECT_GT(checked, 50u);
    }
}

TEST(SnapshotCommand, DatesBeforeTheFirstSnapshotAndAbsentPlaylistsAreErrors) {
    test::TempDir dir;
    const auto repo = generated(dir, 5);
    EXPECT_EQ(
        run_command({"snapshot", "nope", "--repo", repo.string(), "--at", "HEAD", "-q"}).first,
        ExitCode::data);
    const auto ids = lines_of(test::run("git -C " + test::shell_quote(repo.string()) +
                                        " ls-tree --name-only HEAD playlists/plain/"));
    const std::string id = ids.front().substr(ids.front().rfind('/') + 1);
    EXPECT_EQ(
        run_command({"snapshot", id, "--repo", repo.string(), "--at", "1999-01-01", "-q"}).first,
        ExitCode::data);
    EXPECT_EQ(
        run_command({"snapshot", id, "--repo", repo.string(), "--at", "2030-01-01", "-q"}).first,
        ExitCode::ok);
}

/// Rows of a query, as text.
std::vector<std::vector<std::string>> query(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sql;
    std::vector<std::vector<std::string>> rows;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(statement); ++c) {
            const auto* text = sqlite3_column_text(statement, c);
            row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
        }
        rows.push_back(row);
    }
    sqlite3_finalize(statement);
    return rows;
}

/// Exports `repo` and checks the database against the reference tables and the files;
/// `min_snapshots` is how many snapshot rows at least are checked against the files.
void expect_export_consistent(const test::TempDir& dir, const std::filesystem::path& repo,
                              std::size_t min_snapshots) {
    const auto file = dir.path() / "history.sqlite";
    ASSERT_EQ(
        run_command({"export", "--repo", repo.string(), "--sqlite", file.string(), "-q"}).first,
        ExitCode::ok);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);

    // Every foreign key holds.
    EXPECT_TRUE(query(db, "PRAGMA foreign_key_check").empty());
    // The tracks are the cumulative rows, field for field.
    const auto rows = test::reference_rows(repo, "HEAD", "playlists/plain");
    const auto exported =
        query(db, "SELECT playlist, key, title, artists, album, added, added_commit, "
                  "last_seen, last_seen_commit, coalesce(removed, ''), "
                  "coalesce(removed_commit, ''), stints, days_present FROM tracks "
                  "ORDER BY playlist, key");
    ASSERT_EQ(exported.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        EXPECT_EQ(exported[i],
                  (std::vector<std::string>{r.playlist, r.key, r.title, r.artists, r.album, r.added,
                                            r.added_commit, r.last_seen, r.last_seen_commit,
                                            r.removed, r.removed_commit, std::to_string(r.stints),
                                            std::to_string(r.days_present)}));
    }
    // Memberships per key equal its stints; open memberships are exactly the present tracks.
    EXPECT_TRUE(query(db, "SELECT t.playlist, t.key FROM tracks t LEFT JOIN memberships m "
                          "ON m.playlist = t.playlist AND m.key = t.key GROUP BY t.playlist, t.key "
                          "HAVING count(m.key) != t.stints")
                    .empty());
    EXPECT_TRUE(query(db,
                      "SELECT 1 FROM tracks t WHERE (t.removed IS NULL) != EXISTS (SELECT 1 FROM "
                      "memberships m WHERE m.playlist = t.playlist AND m.key = t.key AND "
                      "m.end_commit IS NULL)")
                    .empty());
    // A stint's days add up to days_present.
    EXPECT_TRUE(
        query(db, "SELECT 1 FROM tracks t WHERE t.days_present != (SELECT sum(julianday("
                  "coalesce(m.end_date, (SELECT date FROM commits ORDER BY position DESC LIMIT 1)))"
                  " - julianday(m.start_date)) FROM memberships m WHERE m.playlist = t.playlist "
                  "AND m.key = t.key)")
            .empty());
    // Snapshot sizes equal the files.
    const std::string q = test::shell_quote(repo.string());
    std::size_t checked = 0;
    for (const auto& row :
         query(db, "SELECT playlist, commit_id, track_lines FROM snapshots WHERE deleted = 0")) {
        const std::string content = test::run(
            "git -C " + q + " show " + test::shell_quote(row[1] + ":playlists/plain/" + row[0]));
        EXPECT_EQ(std::to_string(plain::parse_plain_file(content).tracks.size()), row[2])
            << row[0] << " at " << row[1];
        ++checked;
    }
    EXPECT_GE(checked, min_snapshots);
    sqlite3_close(db);
}

TEST(ExportCommand, DatabaseIsConsistentWithTablesAndFiles) {
    test::TempDir dir;
    expect_export_consistent(dir, generated(dir, 11, 30), 30);
}

TEST(ExportCommand, EmptyAndMissingFieldsAreEmptyTextNotNull) {
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, test::read_file(test::source_dir() / "fixtures/scenarios/quirks.scenario"));
    expect_export_consistent(dir, repo, 10);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((dir.path() / "history.sqlite").c_str(), &db, SQLITE_OPEN_READONLY,
                              nullptr),
              SQLITE_OK);
    EXPECT_EQ(query(db, "SELECT title, artists, album FROM tracks WHERE key = ' --  -- '"),
              (std::vector<std::vector<std::string>>{{"", "", ""}}));
    EXPECT_EQ(query(db, "SELECT count(*) FROM tracks WHERE title = '' OR artists = '' OR "
                        "album = ''"),
              (std::vector<std::vector<std::string>>{{"3"}}));
    sqlite3_close(db);
}

/// The records of an RFC 4180 file (CRLF line ends, quoted fields), written to be
/// obviously correct rather than fast.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            record.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(record));
            record.clear();
            ++i;
        } else {
            field += c;
        }
    }
    EXPECT_TRUE(field.empty() && record.empty()) << "the file does not end with CRLF";
    return records;
}

/// Exports `repo` to SQLite, CSV and JSON Lines at once, and checks that the three hold
/// the same tables: every column of every row, NULL as an empty CSV field and JSON null,
/// numbers as JSON numbers.
void expect_formats_agree(const test::TempDir& dir, const std::filesystem::path& repo) {
    const auto file = dir.path() / "all.sqlite";
    const auto csv = dir.path() / "csv";
    const auto jsonl = dir.path() / "jsonl";
    ASSERT_EQ(run_command({"export", "--repo", repo.string(), "--sqlite", file.string(), "--csv",
                           csv.string(), "--jsonl", jsonl.string(), "-q"})
                  .first,
              ExitCode::ok);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    std::size_t tables = 0;
    for (const std::string table : {"commits", "playlists", "snapshots", "tracks", "memberships"}) {
        ++tables;
        // The columns in schema order, with whether each holds integers.
        std::vector<std::string> columns;
        std::vector<bool> integer;
        for (const auto& info : query(db, "PRAGMA table_info(" + table + ")")) {
            columns.push_back(info[1]);
            integer.push_back(info[2] == "INTEGER");
        }
        std::string select = "SELECT ";
        for (std::size_t c = 0; c < columns.size(); ++c) {
            select += (c > 0 ? ", " : "") + columns[c] + " IS NULL, " + columns[c];
        }
        const auto rows = query(db, select + " FROM " + table + " ORDER BY rowid");
        const auto records = parse_csv(test::read_file(csv / (table + ".csv")));
        ASSERT_EQ(records.size(), rows.size() + 1) << table;
        EXPECT_EQ(records.front(), columns) << table;
        const auto json_lines = lines_of(test::read_file(jsonl / (table + ".jsonl")));
        ASSERT_EQ(json_lines.size(), rows.size()) << table;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const auto object = nlohmann::json::parse(json_lines[r]);
            ASSERT_EQ(object.size(), columns.size()) << table << " row " << r;
            for (std::size_t c = 0; c < columns.size(); ++c) {
                const bool null = rows[r][2 * c] == "1";
                const std::string& value = rows[r][2 * c + 1];
                EXPECT_EQ(records[r + 1].at(c), null ? "" : value) << table << '.' << columns[c];
                const auto& json = object.at(columns[c]);
                if (null) {
                    EXPECT_TRUE(json.is_null()) << table << '.' << columns[c];
                } else if (integer[c]) {
                    EXPECT_EQ(json.get<std::int64_t>(), std::stoll(value))
                        << table << '.' << columns[c];
                } else {
                    EXPECT_EQ(json.get<std::string>(), value) << table << '.' << columns[c];
                }
            }
        }
    }
    EXPECT_EQ(tables, 5u);
    // first_fill marks exactly the stints begun by each playlist's first version with tracks.
    EXPECT_TRUE(query(db, "SELECT 1 FROM memberships m WHERE m.first_fill != (m.start_commit = "
                          "(SELECT s.commit_id FROM snapshots s JOIN commits c ON c.id = "
                          "s.commit_id WHERE s.playlist = m.playlist AND s.size > 0 "
                          "ORDER BY c.position LIMIT 1))")
                    .empty());
    EXPECT_FALSE(query(db, "SELECT 1 FROM memberships WHERE first_fill = 0").empty());
    sqlite3_close(db);
}

TEST(ExportCommand, CsvAndJsonLinesHoldTheDatabasesTables) {
    {
        test::TempDir dir;
        expect_formats_agree(dir, generated(dir, 12, 30));
    }
    test::TempDir dir;
    expect_formats_agree(
        dir, test::make_scenario_repo(
                 dir, test::read_file(test::source_dir() / "fixtures/scenarios/quirks.scenario")));
}

TEST(ChurnCommand, TheFirstFillIsNotAdditionsEvenAfterAnEmptyFile) {
    // A playlist registered as an empty file, then filled, then changed: churn's additions
    // and the export's stints not marked first_fill are the same count.
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(dir, R"(commit one time=2021-03-01T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
end
commit two parents=one time=2021-03-02T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
| Registered
|
|
| a -- x -- y
| b -- x -- y
| c -- x -- y
end
commit three parents=two time=2021-03-03T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
| Registered
|
|
| a -- x -- y
| d -- x -- y
end
)");
    const auto [code, json] = run_command({"churn", "--repo", repo.string(), "--format", "json"});
    ASSERT_EQ(code, ExitCode::ok);
    const auto rows = nlohmann::json::parse(json);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["additions"], 1);
    EXPECT_EQ(rows[0]["removals"], 2);
    EXPECT_EQ(rows[0]["name"], "Registered");
    const auto file = dir.path() / "h.sqlite";
    ASSERT_EQ(
        run_command({"export", "--repo", repo.string(), "--sqlite", file.string(), "-q"}).first,
        ExitCode::ok);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    EXPECT_EQ(query(db, "SELECT count(*) FROM memberships WHERE NOT first_fill"),
              (std::vector<std::vector<std::string>>{{"1"}}));
    sqlite3_close(db);
}

TEST(HistoryCommand, EveryVersionWithItsAdditionsAndRemovalsEscaped) {
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(
        dir, test::read_file(test::source_dir() / "fixtures/scenarios/basic.scenario"));
    const auto [code, text] = run_command(
        {"history", "37i9dQZF1DX4WYpdgoIcn6", "--repo", repo.string(), "--color", "always"});
    ASSERT_EQ(code, ExitCode::ok);
    EXPECT_NE(text.find("\033[32m  + Bell\\x07Title -- Control -- Chars\033[0m"), std::string::npos)
        << text;
    EXPECT_EQ(text.find('\a'), std::string::npos); // the bell is never sent to the terminal
    const auto [json_code, json] = run_command({"history", "37i9dQZF1DXcBWIGoYBM5M", "--repo",
                                                repo.string(), "--format", "json", "--reverse"});
    const auto changes = nlohmann::json::parse(json)["changes"];
    ASSERT_EQ(changes.size(), 3u); // d1, d2, d4
    EXPECT_EQ(changes[1]["removed"][0]["title"], "bad guy");
    EXPECT_EQ(changes[1]["added"][0]["title"], "ΟΔΟΣ");
    EXPECT_EQ(changes[2]["added"][0]["title"], "bad guy"); // re-added
    EXPECT_EQ(changes[2]["removed"][0]["title"], "Pipe | Dream");
    const auto [since_code, since] =
        run_command({"history", "37i9dQZF1DXcBWIGoYBM5M", "--repo", repo.string(), "--format",
                     "json", "--since", "2021-03-02", "--until", "2021-03-03"});
    EXPECT_EQ(nlohmann::json::parse(since)["changes"].size(), 1u);
}

TEST(HistoryCommand, NewestFirstWithCountsAndRespelledLines) {
    test::TempDir dir;
    const auto repo = test::make_scenario_repo(dir, R"(commit one time=2021-03-01T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
| Mix
|
|
| Find My Way -- Paul McCartney -- McCartney III
| Other -- x -- y
end
commit two parents=one time=2021-03-02T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
| Mix
|
|
| FIND MY WAY -- Paul McCartney -- McCartney III
| Other -- x -- y
end
commit three parents=two time=2021-03-03T12:00:00Z
put 37i9dQZF1DXcBWIGoYBM5M
| Mix
|
|
| FIND MY WAY -- Paul McCartney -- McCartney III
| New -- x -- y
end
)");
    const auto [code, text] =
        run_command({"history", "37i9dQZF1DXcBWIGoYBM5M", "--repo", repo.string(), "-q"});
    ASSERT_EQ(code, ExitCode::ok);
    // The header names the playlist; the newest version comes first, with its counts.
    EXPECT_TRUE(text.starts_with("playlist 37i9dQZF1DXcBWIGoYBM5M 'Mix': 3 versions\n\n")) << text;
    const auto newest = text.find("2021-03-03 ");
    const auto respelled = text.find("2021-03-02 ");
    const auto oldest = text.find("2021-03-01 ");
    ASSERT_NE(oldest, std::string::npos) << text;
    EXPECT_LT(newest, respelled);
    EXPECT_LT(respelled, oldest);
    EXPECT_NE(text.find("  2 tracks, +1 -1\n  + New -- x -- y\n  - Other -- x -- y\n"),
              std::string::npos)
        << text;
    // A line whose spelling changed is shown, though its key (and so its row) did not.
    EXPECT_NE(text.find("  ~ Find My Way -- Paul McCartney -- McCartney III -> FIND MY WAY -- "
                        "Paul McCartney -- McCartney III\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("the file changed, its tracks did not"), std::string::npos) << text;
    const auto [json_code, json] = run_command({"history", "37i9dQZF1DXcBWIGoYBM5M", "--repo",
                                                repo.string(), "--format", "json", "--reverse"});
    const auto parsed = nlohmann::json::parse(json);
    EXPECT_EQ(parsed["name"], "Mix");
    ASSERT_EQ(parsed["changes"].size(), 3u);
    EXPECT_EQ(parsed["changes"][0]["date"], "2021-03-01"); // --reverse: the oldest first
    ASSERT_EQ(parsed["changes"][1]["respelled"].size(), 1u);
    EXPECT_EQ(parsed["changes"][1]["respelled"][0]["from"]["title"], "Find My Way");
    EXPECT_EQ(parsed["changes"][1]["respelled"][0]["to"]["title"], "FIND MY WAY");
    EXPECT_TRUE(parsed["changes"][2]["respelled"].empty());
    // --since leaves out older versions, yet the respelling is still found against them.
    const auto [since_code, since] = run_command({"history", "37i9dQZF1DXcBWIGoYBM5M", "--repo",
                                                  repo.string(), "--since", "2021-03-02", "-q"});
    EXPECT_NE(since.find("'Mix': 3 versions, 2 shown"), std::string::npos) << since;
    EXPECT_NE(since.find("  ~ Find My Way"), std::string::npos) << since;
}

TEST(ChurnCommand, CsvHasARowPerPlaylistAndATotal) {
    test::TempDir dir;
    const auto repo = generated(dir, 4);
    const auto [code, csv] =
        run_command({"churn", "--repo", repo.string(), "--format", "csv", "-q"});
    ASSERT_EQ(code, ExitCode::ok);
    const auto lines = lines_of(csv);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines.front().rfind("playlist,name,snapshots,first,last,size,tracks_ever", 0), 0u);
    EXPECT_EQ(lines.back().rfind("(all),", 0), 0u);
    const auto [by_code, series] =
        run_command({"churn", "--repo", repo.string(), "--by", "week", "--format", "json", "-q"});
    ASSERT_EQ(by_code, ExitCode::ok);
    const auto parsed = nlohmann::json::parse(series);
    ASSERT_FALSE(parsed.empty());
    EXPECT_TRUE(parsed[0]["size"].is_number());
    EXPECT_EQ(parsed[0]["period"].get<std::string>().substr(4, 2), "-W");
}

} // namespace
} // namespace gh
