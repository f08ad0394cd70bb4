#pragma once

#include <string>
#include <string_view>

namespace gh::commands {

/// Text safe to print on a terminal: control characters become `\xNN` escapes, so that
/// a title can never move the cursor, change colours or ring the bell.
std::string printable(std::string_view text);

/// How --color=auto|always|never resolves for stdout.
bool use_color(std::string_view setting);

/// Wraps `text` in an ANSI colour (e.g. "32" green) when `enabled`.
std::string colored(std::string_view text, std::string_view code, bool enabled);

/// True when stdout is a terminal.
bool stdout_is_terminal();

} // namespace gh::commands
