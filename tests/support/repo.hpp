#pragma once

// Shared helpers for the tests: temporary directories, repositories built from scenario
// text, and running git itself as an independent oracle.

#include "git/handles.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gh::test {

/// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
  public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

/// Builds `scenario` (see synth/scenario.hpp) into a repository at `dir`/repo.
std::filesystem::path make_scenario_repo(const TempDir& dir, std::string_view scenario);

/// Opens a repository.
git::Repository open(const std::filesystem::path& path);

/// Runs a shell command and returns its standard output; fails the test on a non-zero exit.
std::string run(const std::string& command);

/// Quotes a string for the shell.
std::string shell_quote(std::string_view text);

/// The source tree (for fixtures).
std::filesystem::path source_dir();

/// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

/// The lines of a text, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

/// Repacks `repo` as `git repack -adf --depth=50` does, so that most objects are stored as
/// deltas (the generator writes none); returns how many objects the pack stores as deltas.
std::size_t repack_with_deltas(const std::filesystem::path& repo);

/// Runs a gh-analyze command (its name, then its arguments) as main would: its exit code
/// and its standard output.
std::pair<ExitCode, std::string> run_command(const std::vector<std::string>& args);

/// A generated archive with the real archive's quirks at `dir`/archive.
std::filesystem::path generated_archive(const TempDir& dir, std::uint64_t seed, int playlists,
                                        int days, int tracks = 40);

} // namespace gh::test
