// gh-analyze: analyses the git history of playlist archives.

#include "commands/command.hpp"
#include "commands/output.hpp"
#include "util/error.hpp"
#include "util/terminal.hpp"

#include <cstdio>
#include <exception>
#include <fmt/format.h>
#include <string>
#include <vector>

#ifndef GH_ANALYZE_VERSION
#define GH_ANALYZE_VERSION "unknown"
#endif

namespace {

void print_help() {
    fmt::print("Usage: gh-analyze <command> [options]\n"
               "       gh-analyze --no-pager <command> [options]\n\n"
               "Analyses the git history of a playlist archive (one plain file per playlist\n"
               "under playlists/plain, committed daily).\n\nCommands:\n");
    for (const auto& command : gh::commands::all_commands()) {
        fmt::print("  {:<12} {}\n", command.name, command.summary);
    }
    fmt::print("\nRun 'gh-analyze <command> --help' for a command's options.\n"
               "Exit codes: 0 ok, 1 findings (validate), 2 usage error, 3 repository or data\n"
               "error (nothing written), 4 done but some playlists were skipped (see stderr).\n");
}

const gh::commands::Command& command_named(const std::string& name) {
    const auto* command = gh::commands::find_command(name);
    if (!command) {
        const auto* nearest = gh::commands::nearest_command(name);
        const std::string hint =
            nearest ? fmt::format(", did you mean '{}'?", nearest->name) : std::string();
        throw gh::Error::usage("unknown command '{}'{}\nTry 'gh-analyze --help'.", name, hint);
    }
    return *command;
}

gh::ExitCode dispatch(const std::vector<std::string>& args) {
    if (args.size() >= 2 && args[0] == "help") { // as git: the command's own help
        return command_named(args[1]).run({"--help"});
    }
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_help();
        return args.empty() ? gh::ExitCode::usage : gh::ExitCode::ok;
    }
    if (args[0] == "--no-pager" || args[0] == "-P") { // as git --no-pager COMMAND
        gh::commands::disable_pager();
        return dispatch(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    if (args[0] == "--man") { // the build writes gh-analyze.1 with this
        fmt::print("{}", gh::commands::man_page());
        return gh::ExitCode::ok;
    }
    if (args[0] == "--version") {
        fmt::print("gh-analyze {}\n", GH_ANALYZE_VERSION);
        return gh::ExitCode::ok;
    }
    return command_named(args[0]).run(std::vector<std::string>(args.begin() + 1, args.end()));
}

} // namespace

int main(int argc, char** argv) {
    gh::open_standard_descriptors();
    try {
        const gh::ExitCode code = dispatch(std::vector<std::string>(argv + 1, argv + argc));
        // Warnings that came after the output was written still fail a --strict run.
        const bool failed = gh::finish_diagnostics() &&
                            (code == gh::ExitCode::ok || code == gh::ExitCode::incomplete);
        return static_cast<int>(failed ? gh::ExitCode::data : code);
    } catch (const gh::Error& error) {
        gh::print_diagnostic("error: ", error.what());
        return static_cast<int>(error.code());
    } catch (const std::exception& error) {
        gh::print_diagnostic("error: ", error.what());
        return static_cast<int>(gh::ExitCode::data);
    }
}
