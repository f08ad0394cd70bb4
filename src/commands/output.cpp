#include "commands/output.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
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
    return stdout_is_terminal();
}

std::string colored(std::string_view text, std::string_view code, bool enabled) {
    return enabled ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
}

} // namespace gh::commands
