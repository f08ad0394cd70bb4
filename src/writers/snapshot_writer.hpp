#pragma once

#include "plain/plain_file.hpp"

#include <string>
#include <string_view>

namespace gh::writers {

/// How a playlist's file is shown: its lines (text, control characters escaped), one CSV
/// record per track, or one JSON document.
enum class SnapshotFormat { text, csv, json };

/// The playlist `id` as `file` holds it; `commit` is the full hex id of the commit the
/// file was read from.
std::string render_snapshot(std::string_view id, std::string_view commit,
                            const plain::PlainFile& file, SnapshotFormat format);

} // namespace gh::writers
