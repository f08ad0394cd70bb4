#include "util/terminal.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
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
    if (total > 0) {
        fmt::print(stderr, "\r\033[K{}: {}/{}", stage, done, total);
    } else {
        fmt::print(stderr, "\r\033[K{}: {}", stage, done);
    }
    std::fflush(stderr);
}

void Progress::clear() {
    if (m_drawn) {
        fmt::print(stderr, "\r\033[K");
        std::fflush(stderr);
        m_drawn = false;
    }
}

void write_stdout(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
        fail("cannot write to standard output: {}", std::strerror(errno));
    }
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
    fmt::print(stderr, "gh-analyze: timing: {:<12} {:8.1f} ms\n", phase,
               std::chrono::duration<double, std::milli>(now - m_start).count());
    m_start = now;
}

} // namespace gh
