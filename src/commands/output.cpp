#include "commands/output.hpp"

#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/file_descriptor.hpp"
#include "util/terminal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gh::commands {

bool stdout_is_terminal() {
    return isatty(STDOUT_FILENO) == 1;
}

bool use_color(std::string_view setting) {
    if (setting == "always") {
        return true;
    }
    if (setting == "never") {
        return false;
    }
    if (setting != "auto") {
        throw Error::usage("unknown --color '{}': expected auto, always or never", setting);
    }
    const char* no_color = std::getenv("NO_COLOR"); // https://no-color.org
    const char* term = std::getenv("TERM");
    if ((no_color && *no_color) || (term && std::string_view(term) == "dumb")) {
        return false;
    }
    return stdout_is_terminal();
}

namespace {

bool g_pager_disabled = false;
pid_t g_pager = -1;

/// At exit: the pager reads the end of the output, and the process ends after it does.
void wait_for_pager() {
    std::fflush(stdout);
    ::close(STDOUT_FILENO);
    int status = 0;
    while (waitpid(g_pager, &status, 0) < 0 && errno == EINTR) {
    }
}

/// True when `program` is an executable file in a directory of PATH.
bool on_path(std::string_view program) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);
        if (::access(fmt::format("{}/{}", dir.empty() ? "." : dir, program).c_str(), X_OK) == 0) {
            return true;
        }
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
    }
    return false;
}

} // namespace

void disable_pager() {
    g_pager_disabled = true;
}

void start_pager(bool allowed) {
    if (!allowed || g_pager_disabled || g_pager >= 0 || !stdout_is_terminal()) {
        return;
    }
    const char* chosen = std::getenv("GH_ANALYZE_PAGER");
    chosen = chosen ? chosen : std::getenv("PAGER");
    // The default pager only where it is installed (a minimal system may not have less).
    if (!chosen && !on_path("less")) {
        return;
    }
    const std::string command = chosen ? chosen : "less";
    if (command.empty() || command == "cat") {
        return;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return; // no pager: the output goes to the terminal as it is
    }
    const FileDescriptor read_end(fds[0]);
    const FileDescriptor write_end(fds[1]);
    // Set here, not in the child: between fork and exec only async-signal-safe calls.
    ::setenv("LESS", "FRX", 0); // as git: quit if one screen, colours, no clearing
    ::setenv("LV", "-c", 0);
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child < 0) {
        return;
    }
    if (child == 0) { // (exec closes both ends: they are close-on-exec; the copy is not)
        ::dup2(read_end.get(), STDIN_FILENO);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::dup2(write_end.get(), STDOUT_FILENO);
    g_pager = child;
    std::atexit(wait_for_pager);
}

std::filesystem::path prepared_directory(std::filesystem::path out,
                                         const std::vector<std::string>& suffixes) {
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error) {
        fail("cannot create output directory {}: {}", out.string(), error.message());
    }
    remove_stale_temporaries(out, [&](std::string_view target) {
        return std::any_of(suffixes.begin(), suffixes.end(),
                           [&](const std::string& suffix) { return target.ends_with(suffix); });
    });
    return out;
}

} // namespace gh::commands
