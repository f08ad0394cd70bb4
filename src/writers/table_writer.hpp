#pragma once

#include "tables/cumulative.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gh::writers {

enum class Format { markdown, csv, tsv, json };

/// A row's artists' urls, one per artist in order, separated by spaces (urls have none;
/// an artist without one leaves its place empty), written into `urls`.
std::string_view artist_urls(const tables::TrackRow& row, std::string& urls);

/// A length as `M:SS`, or `H:MM:SS` from an hour on (whole seconds).
std::string format_length(std::uint32_t milliseconds);

/// "md", "csv", "tsv" or "json"; nothing for anything else.
std::optional<Format> parse_format(std::string_view name);

/// The file name extension of a format, without the dot.
std::string_view extension(Format format);

/// What a writer shows of each snapshot (defined beside the Calendar it labels).
using tables::SnapshotLabels;

/// Where the markdown header's links point (the archive's own layout).
struct MarkdownLinks {
    std::string plain_dir;  ///< e.g. "playlists/plain"
    std::string pretty_dir; ///< e.g. "playlists/pretty"; empty when there is none
};

/// Renders one document holding `tables`: for csv and tsv one header and every row;
/// for json one object, or an array of objects when there are several tables; for
/// markdown the archive's cumulative layout, tables one after the other.
std::string render(const std::vector<const tables::PlaylistTable*>& tables,
                   const SnapshotLabels& labels, Format format, const MarkdownLinks& links);

/// Escapes text for a markdown table cell the way the archive does (a backslash before
/// every character markdown could interpret, `|` included); control characters become
/// their visible Unicode control pictures so that nothing reaches a terminal raw.
std::string escape_markdown(std::string_view text);

/// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

/// One RFC 4180 record: each field as csv_field writes it, separated by commas, ended by
/// CRLF.
std::string csv_record(const std::vector<std::string>& fields);

/// One TSV field: backslash, tab, CR and LF written as `\\`, `\t`, `\r`, `\n`.
std::string tsv_field(std::string_view text);

} // namespace gh::writers
