#include "writers/sqlite_export.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <sqlite3.h>

namespace gh::writers {

namespace {

constexpr std::string_view k_schema = R"sql(
CREATE TABLE commits (
    id TEXT PRIMARY KEY,          -- full commit id
    position INTEGER NOT NULL UNIQUE, -- order of the history (parents first)
    date TEXT NOT NULL,           -- YYYY-MM-DD in the chosen time zone
    time INTEGER NOT NULL         -- committer time, seconds since 1970 (UTC)
);
CREATE TABLE playlists (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    versions INTEGER NOT NULL,
    deleted INTEGER NOT NULL      -- 1 when the file is absent at the analysed revision
);
CREATE TABLE snapshots (          -- one row per version of a playlist's file
    playlist TEXT NOT NULL REFERENCES playlists(id),
    commit_id TEXT NOT NULL REFERENCES commits(id),
    track_lines INTEGER NOT NULL, -- track lines in the file (duplicates too)
    size INTEGER NOT NULL,        -- distinct tracks present
    deleted INTEGER NOT NULL,
    PRIMARY KEY (playlist, commit_id)
);
CREATE TABLE tracks (             -- the cumulative table: one row per (playlist, key)
    playlist TEXT NOT NULL REFERENCES playlists(id),
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    artists TEXT NOT NULL,
    album TEXT NOT NULL,
    added TEXT NOT NULL,
    added_commit TEXT NOT NULL REFERENCES commits(id),
    last_seen TEXT NOT NULL,
    last_seen_commit TEXT NOT NULL REFERENCES commits(id),
    removed TEXT,
    removed_commit TEXT REFERENCES commits(id),
    stints INTEGER NOT NULL,
    days_present INTEGER NOT NULL,
    PRIMARY KEY (playlist, key)
);
CREATE TABLE memberships (        -- one row per stint of a track in a playlist
    playlist TEXT NOT NULL,
    key TEXT NOT NULL,
    start_commit TEXT NOT NULL REFERENCES commits(id),
    start_date TEXT NOT NULL,
    end_commit TEXT REFERENCES commits(id),   -- the version that no longer had it; NULL while present
    end_date TEXT,
    PRIMARY KEY (playlist, key, start_commit),
    FOREIGN KEY (playlist, key) REFERENCES tracks(playlist, key)
);
CREATE INDEX tracks_by_key ON tracks(key);
CREATE INDEX tracks_by_added ON tracks(added);
CREATE INDEX memberships_by_start ON memberships(start_date);
CREATE INDEX memberships_by_key ON memberships(key, playlist);
CREATE INDEX snapshots_by_commit ON snapshots(commit_id);
)sql";

struct DatabaseCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

void check(sqlite3* db, int code, std::string_view doing) {
    if (code != SQLITE_OK && code != SQLITE_DONE && code != SQLITE_ROW) {
        fail("{}: {}", doing, sqlite3_errmsg(db));
    }
}

/// A prepared INSERT whose parameters are bound in order and which runs on `run`.
class Insert {
  public:
    Insert(sqlite3* db, std::string_view sql) : m_db(db) {
        sqlite3_stmt* raw = nullptr;
        check(db, sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr),
              fmt::format("preparing '{}'", sql));
        m_statement.reset(raw);
    }
    Insert& text(std::string_view value) {
        // An empty view may have no data at all, which SQLite would bind as NULL.
        check(m_db,
              sqlite3_bind_text(m_statement.get(), ++m_index, value.data() ? value.data() : "",
                                static_cast<int>(value.size()), SQLITE_TRANSIENT),
              "binding a value");
        return *this;
    }
    Insert& optional_text(const std::optional<std::string_view>& value) {
        if (!value) {
            check(m_db, sqlite3_bind_null(m_statement.get(), ++m_index), "binding a value");
            return *this;
        }
        return text(*value);
    }
    Insert& integer(std::int64_t value) {
        check(m_db, sqlite3_bind_int64(m_statement.get(), ++m_index, value), "binding a value");
        return *this;
    }
    /// Inserts the row; a failure names `what` it was (a function, so that the message
    /// is only formatted when needed).
    template <typename What>
    void run(const What& what) {
        const int status = sqlite3_step(m_statement.get());
        if (status != SQLITE_DONE) {
            fail("inserting {}: {}", what(), sqlite3_errmsg(m_db));
        }
        sqlite3_reset(m_statement.get());
        m_index = 0;
    }

  private:
    sqlite3* m_db;
    Statement m_statement;
    int m_index = 0;
};

void exec(sqlite3* db, std::string_view sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string reason = message ? message : "unknown error";
        sqlite3_free(message);
        fail("sqlite: {}", reason);
    }
}

std::string describe_track(std::string_view playlist, const tables::TrackRow& row) {
    return fmt::format("track '{} -- {} -- {}' of playlist {}", row.title, row.artists, row.album,
                       playlist);
}

void insert_all(sqlite3* db, const std::vector<CommitRow>& commits,
                const std::vector<PlaylistExport>& playlists) {
    Insert commit(db, "INSERT INTO commits VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < commits.size(); ++i) {
        commit.text(commits[i].id)
            .integer(static_cast<std::int64_t>(i))
            .text(commits[i].date)
            .integer(commits[i].time)
            .run([&] { return fmt::format("commit {}", commits[i].id); });
    }
    Insert playlist(db, "INSERT INTO playlists VALUES (?, ?, ?, ?, ?)");
    Insert snapshot(db, "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)");
    Insert track(db, "INSERT INTO tracks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Insert membership(db, "INSERT INTO memberships VALUES (?, ?, ?, ?, ?, ?)");
    const auto at = [&](std::uint32_t s) -> const CommitRow& { return commits.at(s); };
    for (const auto& p : playlists) {
        const auto& t = p.table;
        playlist.text(t.id)
            .text(t.name)
            .text(t.description)
            .integer(t.versions)
            .integer(t.deleted)
            .run([&] { return fmt::format("playlist {}", t.id); });
        for (const auto& s : p.snapshots) {
            snapshot.text(t.id)
                .text(at(s.snapshot).id)
                .integer(s.track_lines)
                .integer(s.keys)
                .integer(s.deleted)
                .run([&] {
                    return fmt::format("the version of playlist {} at commit {}", t.id,
                                       at(s.snapshot).id);
                });
        }
        for (const auto& r : t.rows) {
            track.text(t.id)
                .text(r.key)
                .text(r.title)
                .text(r.artists)
                .text(r.album)
                .text(at(r.added).date)
                .text(at(r.added).id)
                .text(at(r.last_seen).date)
                .text(at(r.last_seen).id)
                .optional_text(r.removed ? std::optional<std::string_view>(at(*r.removed).date)
                                         : std::nullopt)
                .optional_text(r.removed ? std::optional<std::string_view>(at(*r.removed).id)
                                         : std::nullopt)
                .integer(r.stints)
                .integer(r.days_present)
                .run([&] { return describe_track(t.id, r); });
        }
        for (const auto& m : p.memberships) {
            membership.text(t.id)
                .text(m.key)
                .text(at(m.start).id)
                .text(at(m.start).date)
                .optional_text(m.end ? std::optional<std::string_view>(at(*m.end).id)
                                     : std::nullopt)
                .optional_text(m.end ? std::optional<std::string_view>(at(*m.end).date)
                                     : std::nullopt)
                .run([&] {
                    return fmt::format("a stint of '{}' in playlist {} from commit {}", m.key, t.id,
                                       at(m.start).id);
                });
        }
    }
}

} // namespace

void write_sqlite(const std::filesystem::path& path, const std::vector<CommitRow>& commits,
                  const std::vector<PlaylistExport>& playlists) {
    const std::string name = path.filename().string();
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    remove_stale_temporaries(dir, [&](std::string_view target) { return target == name; });
    // Made here rather than by SQLite: it gets the umask's mode, and it is locked while
    // it is written, as every temporary file of ours is.
    TemporaryFile temporary(path);
    Database db;
    sqlite3* raw = nullptr;
    const int status =
        sqlite3_open_v2(temporary.temporary_path().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    db.reset(raw);
    if (status != SQLITE_OK) {
        fail("cannot open {}: {}", temporary.temporary_path(),
             raw ? sqlite3_errmsg(raw) : "out of memory");
    }
    exec(db.get(),
         "PRAGMA foreign_keys = ON; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    exec(db.get(), "BEGIN");
    exec(db.get(), k_schema);
    insert_all(db.get(), commits, playlists);
    exec(db.get(), "COMMIT");
    if (sqlite3_close(db.release()) != SQLITE_OK) {
        fail("cannot finish writing {}", temporary.temporary_path());
    }
    temporary.commit();
}

} // namespace gh::writers
