#include "writers/sqlite_export.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "writers/export_tables.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <optional>
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
    track_url TEXT,               -- from the pretty view of the last commit that had it;
    artist_urls TEXT,             -- NULL when that view had no track with its line
    album_url TEXT,               -- (artist_urls: one per artist, separated by spaces)
    length_seconds INTEGER,
    PRIMARY KEY (playlist, key)
);
CREATE TABLE memberships (        -- one row per stint of a track in a playlist
    playlist TEXT NOT NULL,
    key TEXT NOT NULL,
    start_commit TEXT NOT NULL REFERENCES commits(id),
    start_date TEXT NOT NULL,
    end_commit TEXT REFERENCES commits(id),   -- the version that no longer had it; NULL while present
    end_date TEXT,
    first_fill INTEGER NOT NULL,  -- 1 when it began with the playlist's first version with tracks
    PRIMARY KEY (playlist, key, start_commit),
    FOREIGN KEY (playlist, key) REFERENCES tracks(playlist, key)
);
CREATE TABLE id_changes (         -- a playlist id replaced by another (deleted, and a new id with its name)
    old_id TEXT NOT NULL REFERENCES playlists(id),
    new_id TEXT NOT NULL REFERENCES playlists(id),
    name TEXT NOT NULL,
    deleted_commit TEXT NOT NULL REFERENCES commits(id),  -- the old id's deletion
    deleted_date TEXT NOT NULL,
    appeared_commit TEXT NOT NULL REFERENCES commits(id), -- the new id's first version with the name
    appeared_date TEXT NOT NULL,
    PRIMARY KEY (old_id, new_id)
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

/// A prepared INSERT of one export table's rows.
class Insert {
  public:
    Insert(sqlite3* db, const ExportTable& table) : m_db(db) {
        std::string sql = fmt::format("INSERT INTO {} VALUES (", table.name);
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            sql += i > 0 ? ", ?" : "?";
        }
        sql += ')';
        sqlite3_stmt* raw = nullptr;
        check(db, sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr),
              fmt::format("preparing '{}'", sql));
        m_statement.reset(raw);
    }

    /// Inserts one row; a failure names `what` it was.
    void run(std::span<const Value> values, const std::function<std::string()>& what) {
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int index = static_cast<int>(i) + 1;
            int status = SQLITE_OK;
            if (const auto* text = std::get_if<std::string_view>(&values[i])) {
                // An empty view may have no data at all, which SQLite would bind as NULL.
                status =
                    sqlite3_bind_text(m_statement.get(), index, text->data() ? text->data() : "",
                                      static_cast<int>(text->size()), SQLITE_TRANSIENT);
            } else if (const auto* number = std::get_if<std::int64_t>(&values[i])) {
                status = sqlite3_bind_int64(m_statement.get(), index, *number);
            } else {
                status = sqlite3_bind_null(m_statement.get(), index);
            }
            check(m_db, status, "binding a value");
        }
        if (sqlite3_step(m_statement.get()) != SQLITE_DONE) {
            fail("inserting {}: {}", what(), sqlite3_errmsg(m_db));
        }
        sqlite3_reset(m_statement.get());
    }

  private:
    sqlite3* m_db;
    Statement m_statement;
};

void exec(sqlite3* db, std::string_view sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string reason = message ? message : "unknown error";
        sqlite3_free(message);
        fail("sqlite: {}", reason);
    }
}

/// Inserts the rows of each table with a statement prepared for it.
class SqliteSink final : public RowSink {
  public:
    explicit SqliteSink(sqlite3* db) : m_db(db) {}
    void begin_table(const ExportTable& table) override { m_insert.emplace(m_db, table); }
    void row(std::span<const Value> values, const std::function<std::string()>& what) override {
        m_insert->run(values, what);
    }
    void end_table() override { m_insert.reset(); }

  private:
    sqlite3* m_db;
    std::optional<Insert> m_insert;
};

} // namespace

void write_sqlite(const std::filesystem::path& path, const std::vector<CommitRow>& commits,
                  const std::vector<tables::PlaylistHistory>& playlists,
                  const std::vector<tables::IdChange>& id_changes) {
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
    SqliteSink sink(db.get());
    emit_rows(commits, playlists, id_changes, sink);
    exec(db.get(), "COMMIT");
    if (sqlite3_close(db.release()) != SQLITE_OK) {
        fail("cannot finish writing {}", temporary.temporary_path());
    }
    temporary.commit();
}

} // namespace gh::writers
