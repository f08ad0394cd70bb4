#include "commands/command.hpp"

#include "util/closest_names.hpp"

#include <algorithm>
#include <array>

namespace gh::commands {

namespace {

constexpr std::array k_commands{
    Command{"cumulative", "every track ever in each playlist, with first-seen and removed dates",
            run_cumulative},
    Command{"history", "each version of one playlist: tracks added and removed, renames",
            run_history},
    Command{"snapshot", "one playlist as it was on a date or at a revision", run_snapshot},
    Command{"churn", "turnover, survival and similarity per playlist, or over time", run_churn},
    Command{"export", "the whole history as SQLite, CSV or JSON Lines tables", run_export},
    Command{"report", "the whole history as a static site with charts", run_report},
    Command{"track", "every playlist a track has been in, with each stint's dates", run_track},
    Command{"validate", "check playlist files (a pre-commit hook): format, order, encoding",
            run_validate},
    Command{"completion", "print a bash or zsh completion script", run_completion},
};

thread_local CommandSpec* t_describing = nullptr;

} // namespace

CommandSpec* spec_being_described() {
    return t_describing;
}

CommandSpec describe(const Command& command) {
    CommandSpec spec;
    t_describing = &spec;
    try {
        command.run({});
    } catch (...) {
        t_describing = nullptr;
        throw;
    }
    t_describing = nullptr;
    return spec;
}

std::span<const Command> all_commands() {
    return k_commands;
}

const Command* find_command(std::string_view name) {
    const auto found = std::find_if(k_commands.begin(), k_commands.end(),
                                    [&](const Command& command) { return command.name == name; });
    return found == k_commands.end() ? nullptr : &*found;
}

const Command* nearest_command(std::string_view name) {
    std::vector<std::string_view> names;
    for (const Command& command : k_commands) {
        names.push_back(command.name);
    }
    const auto nearest = nearest_name(name, names);
    return nearest ? find_command(*nearest) : nullptr;
}

} // namespace gh::commands
