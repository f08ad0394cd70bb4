#include "writers/export_tables.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "writers/table_writer.hpp"

#include <array>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace gh::writers {

namespace {

constexpr Column text(std::string_view name) {
    return {name, false, false};
}
constexpr Column optional_text(std::string_view name) {
    return {name, false, true};
}
constexpr Column integer(std::string_view name) {
    return {name, true, false};
}
constexpr Column optional_integer(std::string_view name) {
    return {name, true, true};
}

constexpr std::array k_commits{text("id"), integer("position"), text("date"), integer("time")};
constexpr std::array k_playlists{text("id"), text("name"), text("description"), integer("versions"),
                                 integer("deleted")};
constexpr std::array k_snapshots{text("playlist"), text("commit_id"), integer("track_lines"),
                                 integer("size"), integer("deleted")};
constexpr std::array k_tracks{text("playlist"),
                              text("key"),
                              text("title"),
                              text("artists"),
                              text("album"),
                              text("added"),
                              text("added_commit"),
                              text("last_seen"),
                              text("last_seen_commit"),
                              optional_text("removed"),
                              optional_text("removed_commit"),
                              integer("stints"),
                              integer("days_present"),
                              optional_text("track_url"),
                              optional_text("artist_urls"),
                              optional_text("album_url"),
                              optional_integer("length_seconds")};
constexpr std::array k_memberships{text("playlist"),
                                   text("key"),
                                   text("start_commit"),
                                   text("start_date"),
                                   optional_text("end_commit"),
                                   optional_text("end_date"),
                                   integer("first_fill")};

constexpr std::array k_id_changes{
    text("old_id"),       text("new_id"),          text("name"),         text("deleted_commit"),
    text("deleted_date"), text("appeared_commit"), text("appeared_date")};

constexpr std::array k_tables{
    ExportTable{"commits", k_commits},         ExportTable{"playlists", k_playlists},
    ExportTable{"snapshots", k_snapshots},     ExportTable{"tracks", k_tracks},
    ExportTable{"memberships", k_memberships}, ExportTable{"id_changes", k_id_changes},
};

/// The text of `commit` (its date or id, by `field`), or NULL when there is none.
template <typename Field>
Value optional(const CommitRow* commit, Field field) {
    return commit ? Value(std::string_view(field(*commit))) : Value();
}

const std::string& date_of(const CommitRow& commit) {
    return commit.date;
}
const std::string& id_of(const CommitRow& commit) {
    return commit.id;
}

} // namespace

std::span<const ExportTable> export_tables() {
    return k_tables;
}

void emit_rows(const std::vector<CommitRow>& commits,
               const std::vector<tables::PlaylistHistory>& playlists,
               const std::vector<tables::IdChange>& id_changes, RowSink& sink) {
    const auto at = [&](std::uint32_t s) -> const CommitRow& { return commits.at(s); };
    sink.begin_table(k_tables[0]);
    for (std::size_t i = 0; i < commits.size(); ++i) {
        const std::array<Value, k_commits.size()> row{commits[i].id, static_cast<std::int64_t>(i),
                                                      commits[i].date, commits[i].time};
        sink.row(row, [&] { return fmt::format("commit {}", commits[i].id); });
    }
    sink.end_table();

    sink.begin_table(k_tables[1]);
    for (const auto& p : playlists) {
        const auto& t = p.table;
        const std::array<Value, k_playlists.size()> row{t.id, t.name, t.description,
                                                        static_cast<std::int64_t>(t.versions),
                                                        static_cast<std::int64_t>(t.deleted)};
        sink.row(row, [&] { return fmt::format("playlist {}", t.id); });
    }
    sink.end_table();

    sink.begin_table(k_tables[2]);
    for (const auto& p : playlists) {
        for (const auto& s : p.snapshots) {
            const std::array<Value, k_snapshots.size()> row{
                p.table.id, at(s.snapshot).id, static_cast<std::int64_t>(s.track_lines),
                static_cast<std::int64_t>(s.keys), static_cast<std::int64_t>(s.deleted)};
            sink.row(row, [&] {
                return fmt::format("the version of playlist {} at commit {}", p.table.id,
                                   at(s.snapshot).id);
            });
        }
    }
    sink.end_table();

    sink.begin_table(k_tables[3]);
    std::string urls;
    // A row's links are NULL when no pretty view gave it any (and each url when it had none).
    const auto link = [](const tables::TrackRow& r, std::string_view url) {
        return r.linked && !url.empty() ? Value(url) : Value();
    };
    for (const auto& p : playlists) {
        for (const auto& r : p.table.rows) {
            const CommitRow* removed = r.removed ? &at(*r.removed) : nullptr;
            const std::array<Value, k_tracks.size()> row{
                p.table.id,
                r.key,
                r.title,
                r.artists,
                r.album,
                at(r.added).date,
                at(r.added).id,
                at(r.last_seen).date,
                at(r.last_seen).id,
                optional(removed, date_of),
                optional(removed, id_of),
                static_cast<std::int64_t>(r.stints),
                static_cast<std::int64_t>(r.days_present),
                link(r, r.track_url),
                r.linked ? Value(artist_urls(r, urls)) : Value(),
                link(r, r.album_url),
                r.length_ms ? Value(static_cast<std::int64_t>(*r.length_ms / 1000)) : Value()};
            sink.row(row, [&] {
                return fmt::format("track '{} -- {} -- {}' of playlist {}", r.title, r.artists,
                                   r.album, p.table.id);
            });
        }
    }
    sink.end_table();

    sink.begin_table(k_tables[4]);
    for (const auto& p : playlists) {
        for (const auto& m : p.memberships) {
            const CommitRow* ended = m.end ? &at(*m.end) : nullptr;
            const std::array<Value, k_memberships.size()> row{
                p.table.id,
                m.key,
                at(m.start).id,
                at(m.start).date,
                optional(ended, id_of),
                optional(ended, date_of),
                static_cast<std::int64_t>(m.first_fill)};
            sink.row(row, [&] {
                return fmt::format("a stint of '{}' in playlist {} from commit {}", m.key,
                                   p.table.id, at(m.start).id);
            });
        }
    }
    sink.end_table();

    sink.begin_table(k_tables[5]);
    for (const auto& change : id_changes) {
        const std::array<Value, k_id_changes.size()> row{change.from,
                                                         change.to,
                                                         change.name,
                                                         at(change.deleted).id,
                                                         at(change.deleted).date,
                                                         at(change.appeared).id,
                                                         at(change.appeared).date};
        sink.row(row, [&] {
            return fmt::format("the id change of playlist {} to {}", change.from, change.to);
        });
    }
    sink.end_table();
}

namespace {

/// Collects one table's file in memory; it is written atomically when the table ends.
class LinesSink final : public RowSink {
  public:
    LinesSink(std::filesystem::path dir, LinesFormat format)
        : m_dir(std::move(dir)), m_format(format) {}

    void begin_table(const ExportTable& table) override {
        m_table = &table;
        m_text.clear();
        if (m_format == LinesFormat::csv) {
            for (std::size_t i = 0; i < table.columns.size(); ++i) {
                m_text += i > 0 ? "," : "";
                m_text += table.columns[i].name;
            }
            m_text += "\r\n";
        }
    }

    void row(std::span<const Value> values, const std::function<std::string()>&) override {
        if (m_format == LinesFormat::csv) {
            for (std::size_t i = 0; i < values.size(); ++i) {
                m_text += i > 0 ? "," : "";
                if (const auto* text = std::get_if<std::string_view>(&values[i])) {
                    m_text += csv_field(*text);
                } else if (const auto* number = std::get_if<std::int64_t>(&values[i])) {
                    m_text += fmt::format("{}", *number);
                }
            }
            m_text += "\r\n";
            return;
        }
        nlohmann::ordered_json object;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const std::string name(m_table->columns[i].name);
            if (const auto* text = std::get_if<std::string_view>(&values[i])) {
                object[name] = std::string(*text);
            } else if (const auto* number = std::get_if<std::int64_t>(&values[i])) {
                object[name] = *number;
            } else {
                object[name] = nullptr;
            }
        }
        // Bytes that are not UTF-8 cannot be JSON strings; they become U+FFFD here only.
        m_text += object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        m_text += '\n';
    }

    void end_table() override {
        write_file_atomically(m_dir / fmt::format("{}.{}", m_table->name,
                                                  m_format == LinesFormat::csv ? "csv" : "jsonl"),
                              m_text);
    }

  private:
    std::filesystem::path m_dir;
    LinesFormat m_format;
    const ExportTable* m_table = nullptr;
    std::string m_text;
};

} // namespace

void write_table_files(const std::filesystem::path& dir, LinesFormat format,
                       const std::vector<CommitRow>& commits,
                       const std::vector<tables::PlaylistHistory>& playlists,
                       const std::vector<tables::IdChange>& id_changes) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        fail("cannot create output directory {}: {}", dir.string(), error.message());
    }
    const std::string_view extension = format == LinesFormat::csv ? ".csv" : ".jsonl";
    remove_stale_temporaries(dir, [&](std::string_view target) {
        for (const auto& table : k_tables) {
            if (target == fmt::format("{}{}", table.name, extension)) {
                return true;
            }
        }
        return false;
    });
    LinesSink sink(dir, format);
    emit_rows(commits, playlists, id_changes, sink);
}

} // namespace gh::writers
