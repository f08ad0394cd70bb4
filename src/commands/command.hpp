#pragma once

#include "util/error.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gh::commands {

/// One subcommand: the table below is the single place from which `--help` is printed.
struct Command {
    std::string_view name;
    std::string_view summary;
    ExitCode (*run)(const std::vector<std::string>& args);
};

/// One option of a command, as its --help lists it.
struct OptionSpec {
    std::string long_name;
    char short_name = 0;              ///< 0: none
    std::string value;                ///< the value's name (DIR, FILE, ...); empty for a switch
    std::string help;                 ///< the description --help prints
    std::vector<std::string> choices; ///< the words it takes, when they are fixed (OneOf)
};

/// A command's usage line and options: the one source of --help, the shell completions
/// and the man page.
struct CommandSpec {
    std::string usage; ///< what follows "gh-analyze COMMAND" (its first line)
    std::string more;  ///< text --help prints after the usage line, if any
    std::vector<OptionSpec> options;
};

/// The usage and options of `command`, taken from the command itself: it is run in a
/// mode in which parsing its command line records them and stops (see parse_command_line).
CommandSpec describe(const Command& command);

/// While `describe` runs, where parse_command_line records the spec; null otherwise.
CommandSpec* spec_being_described();

/// Every subcommand, in the order `gh-analyze --help` lists them.
std::span<const Command> all_commands();

/// The command named `name`, or null.
const Command* find_command(std::string_view name);

/// The command whose name is nearest to `name` (by edit distance), or null when none is close.
const Command* nearest_command(std::string_view name);

ExitCode run_cumulative(const std::vector<std::string>& args);
ExitCode run_validate(const std::vector<std::string>& args);
ExitCode run_history(const std::vector<std::string>& args);
ExitCode run_snapshot(const std::vector<std::string>& args);
ExitCode run_churn(const std::vector<std::string>& args);
ExitCode run_export(const std::vector<std::string>& args);
ExitCode run_report(const std::vector<std::string>& args);
ExitCode run_track(const std::vector<std::string>& args);
ExitCode run_completion(const std::vector<std::string>& args);

/// The man page gh-analyze(1), in roff, from the command table and each command's spec.
std::string man_page();

} // namespace gh::commands
