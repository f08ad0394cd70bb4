#pragma once

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <string>
#include <string_view>

namespace gh {

/// Text safe to print on a terminal: control characters become `\xNN` escapes, so that a
/// file name or title can never move the cursor, change colours or ring the bell.
/// Newlines stay when `keep_newlines` (messages of several lines).
std::string escape_control(std::string_view text, bool keep_newlines = false);

/// Prints `gh-analyze: warning: <message>` on stderr, control characters escaped.
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "gh-analyze: warning: {}\n",
               escape_control(fmt::format(format, std::forward<Args>(args)...), true));
}

/// Prints `gh-analyze: <message>` on stderr: a summary, not a problem.
template <typename... Args>
void note(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "gh-analyze: {}\n",
               escape_control(fmt::format(format, std::forward<Args>(args)...), true));
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
