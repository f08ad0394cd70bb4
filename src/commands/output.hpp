#pragma once

#include <string>
#include <string_view>

namespace gh::commands {

/// How --color=auto|always|never resolves for stdout.
bool use_color(std::string_view setting);

/// Wraps `text` in an ANSI colour (e.g. "32" green) when `enabled`.
std::string colored(std::string_view text, std::string_view code, bool enabled);

/// True when stdout is a terminal.
bool stdout_is_terminal();

} // namespace gh::commands
