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

/// Writes `text` to stderr as it is. A diagnostic that cannot be shown (stderr closed,
/// full, or a pipe nobody reads) is dropped: it must never stop the work it reports on,
/// so this neither throws nor lets SIGPIPE end the process.
void write_diagnostic(std::string_view text) noexcept;

/// Writes `gh-analyze: <prefix><message>` and a newline to stderr (see
/// write_diagnostic), control characters escaped.
void print_diagnostic(std::string_view prefix, std::string_view message) noexcept;

/// What becomes of warnings and notes: shown (the default); `quiet`: neither is shown,
/// and one line at the end counts the warnings; `strict`: warnings are shown as errors,
/// and a run that had any fails (see warnings_fail_the_run).
struct DiagnosticMode {
    bool quiet = false;
    bool strict = false;
};
/// Sets the mode at the start of a run, and forgets the warnings reported before.
void set_diagnostic_mode(DiagnosticMode mode) noexcept;
DiagnosticMode diagnostic_mode() noexcept;

/// Records a warning and shows it as the mode says. The same message is shown once: a
/// repeat is only counted. Thread-safe.
void report_warning(std::string_view message) noexcept;

/// How many warnings were reported (repeats included).
std::size_t warning_count() noexcept;

/// The end of a run: with --quiet, the one line that counts the warnings not shown;
/// the same for repeats that were not shown again. Returns true when --strict makes the
/// warnings fail the run.
bool finish_diagnostics() noexcept;

/// Prints `gh-analyze: warning: <message>` on stderr, control characters escaped (see
/// report_warning).
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) noexcept {
    try {
        report_warning(fmt::format(format, std::forward<Args>(args)...));
    } catch (...) { // formatting ran out of memory: the warning is lost, not the run
    }
}

/// Prints `gh-analyze: <message>` on stderr: a summary, not a problem (not with --quiet).
template <typename... Args>
void note(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (diagnostic_mode().quiet) {
        return;
    }
    try {
        print_diagnostic("", fmt::format(format, std::forward<Args>(args)...));
    } catch (...) {
    }
}

/// Opens /dev/null on whichever of stdin, stdout and stderr is closed, as git does:
/// otherwise the next file the process opens would take that descriptor, and messages
/// meant for stderr would be written into it.
void open_standard_descriptors() noexcept;

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

/// Wraps `text` in an ANSI colour (e.g. "32" green) when `enabled`.
std::string colored(std::string_view text, std::string_view code, bool enabled);

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
