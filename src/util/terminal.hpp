#pragma once

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <string_view>

namespace gh {

/// Prints `gh-analyze: warning: <message>` on stderr.
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "gh-analyze: warning: {}\n",
               fmt::format(format, std::forward<Args>(args)...));
}

/// Prints `gh-analyze: <message>` on stderr: a summary, not a problem.
template <typename... Args>
void note(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "gh-analyze: {}\n", fmt::format(format, std::forward<Args>(args)...));
}

/// True when stderr is a terminal (where progress may be drawn).
bool stderr_is_terminal();

/// A one-line progress display on stderr, redrawn at most ten times a second, and only
/// when stderr is a terminal: logs and pipes never receive it.
class Progress {
  public:
    explicit Progress(bool enabled) : m_enabled(enabled && stderr_is_terminal()) {}
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress() { clear(); }

    void update(std::string_view stage, std::size_t done, std::size_t total);
    void clear();

  private:
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last{};
};

/// Writes all of `text` to stdout; throws gh::Error when stdout cannot take it.
void write_stdout(std::string_view text);

} // namespace gh

namespace gh {

/// Prints how long each phase took on stderr when GH_ANALYZE_TIMING is set: for
/// profiling and benchmarks, silent otherwise.
class PhaseTimer {
  public:
    PhaseTimer();
    /// Ends the current phase, naming it.
    void lap(std::string_view phase);

  private:
    bool m_enabled;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace gh
