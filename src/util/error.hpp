#pragma once

#include <fmt/format.h>
#include <stdexcept>
#include <string>

namespace gh {

/// Process exit codes; scripts and hooks depend on them, so they never change meaning.
enum class ExitCode : int {
    ok = 0,
    findings = 1,   ///< validate found errors
    usage = 2,      ///< bad command line
    data = 3,       ///< repository or data error: stopped before writing anything
    incomplete = 4, ///< finished, but some playlists were skipped (reported on stderr)
};

/// The one error type of the project: a message naming the file, commit or playlist,
/// and the exit code that `main` should use for it.
class Error : public std::runtime_error {
  public:
    explicit Error(std::string message, ExitCode code = ExitCode::data)
        : std::runtime_error(std::move(message)), m_code(code) {}

    template <typename... Args>
    static Error usage(fmt::format_string<Args...> format, Args&&... args) {
        return Error(fmt::format(format, std::forward<Args>(args)...), ExitCode::usage);
    }

    ExitCode code() const { return m_code; }

  private:
    ExitCode m_code;
};

/// Throws an Error with a formatted message (the common case: a data error).
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
    throw Error(fmt::format(format, std::forward<Args>(args)...));
}

} // namespace gh
