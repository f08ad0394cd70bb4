#pragma once

#include "writers/sqlite_export.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gh::writers {

/// The six tables of an export (README "export"), defined once: SQLite, CSV and JSON
/// Lines write these rows and columns, so the formats cannot drift apart.
struct Column {
    std::string_view name;
    bool integer = false;  ///< false: text
    bool nullable = false; ///< NULL (empty in CSV, null in JSON) is allowed
};

/// A value of a row: NULL, text or an integer.
using Value = std::variant<std::monostate, std::string_view, std::int64_t>;

struct ExportTable {
    std::string_view name;
    std::span<const Column> columns;
};

/// Every export table, in the order they are written (referenced tables first).
std::span<const ExportTable> export_tables();

/// Receives the rows of each table in turn.
class RowSink {
  public:
    virtual ~RowSink() = default;
    virtual void begin_table(const ExportTable& table) = 0;
    /// One row, a value per column. `what` describes the row for an error message.
    virtual void row(std::span<const Value> values, const std::function<std::string()>& what) = 0;
    virtual void end_table() = 0;
};

/// Sends every row of the export of `commits` and `playlists` to `sink`.
void emit_rows(const std::vector<CommitRow>& commits,
               const std::vector<tables::PlaylistHistory>& playlists,
               const std::vector<tables::IdChange>& id_changes, RowSink& sink);

/// Writes `DIR/<table>.csv` (RFC 4180, a header line; NULL is an empty field) or
/// `DIR/<table>.jsonl` (one JSON object a line; NULL is null), each file atomically.
enum class LinesFormat { csv, jsonl };
void write_table_files(const std::filesystem::path& dir, LinesFormat format,
                       const std::vector<CommitRow>& commits,
                       const std::vector<tables::PlaylistHistory>& playlists,
                       const std::vector<tables::IdChange>& id_changes);

} // namespace gh::writers
