#pragma once

// The walked history in the state file: `history` of docs/CACHE-FORMAT.md, "The state
// file", which is history::History field for field.

#include "cache/encoding.hpp"
#include "history/history.hpp"

namespace gh::cache::detail {

/// Writes `history` as the state file's `history`.
void write_history(Writer& out, const history::History& history);

/// Reads what write_history wrote; throws std::runtime_error when it is cut short, when a
/// count is larger than the bytes left, or when a version names a snapshot it lacks.
history::History read_history(Reader& in);

} // namespace gh::cache::detail
