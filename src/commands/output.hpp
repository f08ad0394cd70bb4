#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace gh::commands {

/// How --color=auto|always|never resolves for stdout, as git resolves it: `auto` colours
/// a terminal (not TERM=dumb), and NO_COLOR set to anything but "" turns `auto` off.
bool use_color(std::string_view setting);

/// Sends the rest of stdout through a pager when stdout is a terminal, as git does:
/// $GH_ANALYZE_PAGER, else $PAGER, else `less` (with LESS=FRX unless LESS is set, so that
/// output shorter than a screen is printed as it is). An empty pager or `cat` means none.
/// The process waits for the pager when it exits. Does nothing when `allowed` is false,
/// after disable_pager, or when stdout is not a terminal.
void start_pager(bool allowed = true);

/// `gh-analyze --no-pager COMMAND`: no command starts a pager.
void disable_pager();

/// Makes an output directory if need be, and removes the temporary files with one of
/// `suffixes` that a run killed while it wrote there left behind.
std::filesystem::path prepared_directory(std::filesystem::path out,
                                         const std::vector<std::string>& suffixes);

/// True when stdout is a terminal.
bool stdout_is_terminal();

} // namespace gh::commands
