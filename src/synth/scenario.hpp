#pragma once

#include <filesystem>
#include <string_view>

namespace gh::synth {

/// Turns a scenario file into a repository at `path`. A scenario is a small history
/// written by hand, for tests; its format (fixtures/scenarios/README.md):
///
///     # comments, such as a picture of the history
///     commit NAME [parents=A,B] time=2021-01-01T12:00:00Z
///     put ID [nonl]          the file's lines follow, each as "| text"
///     | Name                 ("\| text" reads \t, \\ and \xNN escapes)
///     end
///     delete ID
///     mkdir NAME | symlink NAME TARGET
///     readme TEXT            change a file outside the playlist directory
///     take NAME              start from another commit's playlist directory
///     head NAME              HEAD (branch main) points here; default: the last commit
///
/// A commit starts from its first parent's directory. Errors name the scenario line.
void build_scenario(std::string_view scenario, const std::filesystem::path& path,
                    std::string_view origin = "scenario");

} // namespace gh::synth
