#include "util/terminal.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <set>
#include <unistd.h>

namespace gh {

std::string escape_control(std::string_view text, bool keep_newlines) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 || byte == 0x7f) && !(keep_newlines && c == '\n')) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

void write_diagnostic(std::string_view text) noexcept {
    // SIGPIPE is blocked on this thread while it writes; one raised by the write is taken
    // back before it is unblocked.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    sigset_t previous;
    const bool blocked = pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous) == 0;
    std::fflush(stderr);
    bool broken_pipe = false;
    while (!text.empty()) {
        const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            broken_pipe = errno == EPIPE;
            break;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (blocked) {
        if (broken_pipe && !sigismember(&previous, SIGPIPE)) {
            const timespec now{};
            while (sigtimedwait(&pipe_signal, nullptr, &now) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
}

void print_diagnostic(std::string_view prefix, std::string_view message) noexcept {
    try {
        write_diagnostic(fmt::format("gh-analyze: {}{}\n", prefix, escape_control(message, true)));
    } catch (...) { // out of memory: the message is lost, not the run
    }
}

namespace {

struct Diagnostics {
    std::mutex mutex;
    DiagnosticMode mode;
    std::set<std::string, std::less<>> shown;
    std::size_t count = 0;
    std::size_t repeats = 0;
};

Diagnostics& diagnostics() {
    static Diagnostics state;
    return state;
}

} // namespace

void set_diagnostic_mode(DiagnosticMode mode) noexcept {
    auto& state = diagnostics();
    const std::lock_guard lock(state.mutex);
    state.mode = mode;
    // A new run (tests run several in one process) starts with none reported.
    state.shown.clear();
    state.count = 0;
    state.repeats = 0;
}

DiagnosticMode diagnostic_mode() noexcept {
    const std::lock_guard lock(diagnostics().mutex);
    return diagnostics().mode;
}

void report_warning(std::string_view message) noexcept {
    auto& state = diagnostics();
    const std::lock_guard lock(state.mutex);
    ++state.count;
    try {
        if (!state.shown.emplace(message).second) {
            ++state.repeats;
            return;
        }
    } catch (...) { // out of memory: shown, perhaps again
    }
    if (state.mode.strict) {
        print_diagnostic("error: ", message);
    } else if (!state.mode.quiet) {
        print_diagnostic("warning: ", message);
    }
}

std::size_t warning_count() noexcept {
    const std::lock_guard lock(diagnostics().mutex);
    return diagnostics().count;
}

bool finish_diagnostics() noexcept {
    auto& state = diagnostics();
    const std::lock_guard lock(state.mutex);
    const auto plural = [](std::size_t n) { return n == 1 ? "" : "s"; };
    try {
        if (state.mode.strict && state.count > 0) {
            print_diagnostic("error: ", fmt::format("{} warning{}, which --strict makes errors",
                                                    state.count, plural(state.count)));
        } else if (state.mode.quiet && state.count > 0) {
            print_diagnostic("", fmt::format("{} warning{} not shown (run without --quiet to "
                                             "see them)",
                                             state.count, plural(state.count)));
        } else if (state.repeats > 0) {
            print_diagnostic("", fmt::format("{} repeated warning{} not shown again", state.repeats,
                                             plural(state.repeats)));
        }
    } catch (...) {
    }
    return state.mode.strict && state.count > 0;
}

void open_standard_descriptors() noexcept {
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            const int null = ::open("/dev/null", O_RDWR);
            if (null >= 0 && null != fd) { // the lowest free descriptor, normally `fd`
                dup2(null, fd);
                close(null);
            }
        }
    }
}

bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

void Progress::update(std::string_view stage, std::size_t done, std::size_t total) {
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(100)) {
        return;
    }
    m_last = now;
    m_drawn = true;
    try {
        write_diagnostic(total > 0 ? fmt::format("\r\033[K{}: {}/{}", stage, done, total)
                                   : fmt::format("\r\033[K{}: {}", stage, done));
    } catch (...) {
    }
}

void Progress::clear() {
    if (m_drawn) {
        write_diagnostic("\r\033[K");
        m_drawn = false;
    }
}

void write_stdout(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
        fail("cannot write to standard output: {}", std::strerror(errno));
    }
}

std::string colored(std::string_view text, std::string_view code, bool enabled) {
    return enabled ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
}

} // namespace gh

namespace gh {

PhaseTimer::PhaseTimer()
    : m_enabled(std::getenv("GH_ANALYZE_TIMING") != nullptr),
      m_start(std::chrono::steady_clock::now()) {}

void PhaseTimer::lap(std::string_view phase) {
    if (!m_enabled) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    note("timing: {:<12} {:8.1f} ms", phase,
         std::chrono::duration<double, std::milli>(now - m_start).count());
    m_start = now;
}

} // namespace gh
