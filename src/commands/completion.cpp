// gh-analyze completion bash|zsh, and the man page: both written from the command table
// and each command's own options, the same source as --help.

#include "commands/command.hpp"
#include "commands/options.hpp"
#include "util/terminal.hpp"

#include <fmt/format.h>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// The value's name without the default --help shows after it ("REV (=HEAD)" -> "REV").
std::string value_name(const OptionSpec& option) {
    return option.value.substr(0, option.value.find(' '));
}

/// Every command with its spec, in the order of the command table.
std::vector<std::pair<const Command*, CommandSpec>> all_specs() {
    std::vector<std::pair<const Command*, CommandSpec>> specs;
    for (const Command& command : all_commands()) {
        specs.emplace_back(&command, describe(command));
    }
    return specs;
}

std::string bash_script() {
    std::string commands;
    std::string cases;
    for (const auto& [command, spec] : all_specs()) {
        commands += fmt::format("{}{}", commands.empty() ? "" : " ", command->name);
        std::string words;
        std::string values;
        for (const auto& option : spec.options) {
            words += fmt::format(" --{}", option.long_name);
            if (option.short_name) {
                words += fmt::format(" -{}", option.short_name);
            }
            if (option.value.empty()) {
                continue;
            }
            const std::string name = value_name(option);
            const std::string fixed = fmt::format("{}", fmt::join(option.choices, " "));
            const std::string action =
                !fixed.empty()   ? fmt::format("COMPREPLY=($(compgen -W '{}' -- \"$cur\"))", fixed)
                : name == "DIR"  ? std::string("COMPREPLY=($(compgen -d -- \"$cur\"))")
                : name == "FILE" ? std::string("COMPREPLY=($(compgen -f -- \"$cur\"))")
                                 : std::string("COMPREPLY=()");
            values += fmt::format("        {}--{}) {}; return ;;\n",
                                  option.short_name ? fmt::format("-{}|", option.short_name) : "",
                                  option.long_name, action);
        }
        cases += fmt::format("    {})\n      case $prev in\n{}      esac\n      opts='{}' ;;\n",
                             command->name, values, words.substr(1));
    }
    return fmt::format(R"(# bash completion for gh-analyze, written by 'gh-analyze completion bash'.
_gh_analyze() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} command= i opts
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${{COMP_WORDS[i]}} in
      --no-pager | -P) ;;
      *) command=${{COMP_WORDS[i]}}; break ;;
    esac
  done
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W '{} help --help --version --no-pager' -- "$cur"))
    return
  fi
  case $command in
{}    help) COMPREPLY=($(compgen -W '{}' -- "$cur")); return ;;
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ $command == validate ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -F _gh_analyze gh-analyze
)",
                       commands, cases, commands);
}

/// Text inside a zsh _arguments spec: brackets and colons would end its parts.
std::string zsh_quote(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') {
            out += '\\';
        }
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out;
}

std::string zsh_script() {
    std::string commands;
    std::string cases;
    for (const auto& [command, spec] : all_specs()) {
        commands += fmt::format("    '{}:{}'\n", command->name, zsh_quote(command->summary));
        std::string arguments;
        for (const auto& option : spec.options) {
            const std::string help = zsh_quote(option.help.substr(0, option.help.find('\n')));
            std::string value;
            if (!option.value.empty()) {
                const std::string name = value_name(option);
                const std::string fixed = fmt::format("{}", fmt::join(option.choices, " "));
                value = fmt::format(":{}:{}", zsh_quote(name),
                                    !fixed.empty()   ? fmt::format("({})", fixed)
                                    : name == "DIR"  ? std::string("_directories")
                                    : name == "FILE" ? std::string("_files")
                                                     : std::string(" "));
            }
            if (option.short_name) {
                arguments += fmt::format("        '(-{0} --{1})'{{-{0},--{1}}}'[{2}]{3}' \\\n",
                                         option.short_name, option.long_name, help, value);
            } else {
                arguments +=
                    fmt::format("        '--{}[{}]{}' \\\n", option.long_name, help, value);
            }
        }
        const std::string_view rest = command->name == "validate" ? "'*:file:_files'"
                                      : spec.usage.starts_with("ID")
                                          ? "'1:playlist (id, path or name): '"
                                          : "";
        cases += fmt::format("    {})\n      _arguments -s \\\n{}        {} ;;\n", command->name,
                             arguments, rest);
    }
    return fmt::format(R"(#compdef gh-analyze
# zsh completion for gh-analyze, written by 'gh-analyze completion zsh'.
_gh_analyze() {{
  local -a commands
  commands=(
{}  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'gh-analyze command' commands
    return
  fi
  local command=${{words[2]}}
  shift words
  (( CURRENT-- ))
  case $command in
{}  esac
}}
_gh_analyze "$@"
)",
                       commands, cases);
}

/// Text for roff: a backslash is written \e, and a line may not begin with . or '.
std::string roff(std::string_view text) {
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) {
            out += "\\&";
        }
        out += c == '\\' ? std::string("\\e") : c == '-' ? std::string("\\-") : std::string(1, c);
        line_start = c == '\n';
    }
    return out;
}

} // namespace

std::string man_page() {
    std::string out = ".TH GH-ANALYZE 1 \"\" \"gh-analyze\" \"User Commands\"\n"
                      ".SH NAME\n"
                      "gh-analyze \\- analyse the git history of a playlist archive\n"
                      ".SH SYNOPSIS\n"
                      ".B gh-analyze\n"
                      "[\\fB\\-\\-no\\-pager\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
                      ".SH DESCRIPTION\n"
                      "gh-analyze reads the git history of a playlist archive (one plain file "
                      "per playlist under playlists/plain, committed daily) and rebuilds what "
                      "it knows: every track ever in each playlist, when it was first seen and "
                      "removed, its stints, and statistics of change.\n"
                      ".SH COMMANDS\n";
    for (const auto& [command, spec] : all_specs()) {
        out += fmt::format(".SS \"{} {}\"\n{}\n", command->name, roff(spec.usage),
                           roff(command->summary));
        if (!spec.more.empty()) {
            out += fmt::format(".PP\n.nf\n{}\n.fi\n", roff(spec.more));
        }
        for (const auto& option : spec.options) {
            out += fmt::format(".TP\n\\fB\\-\\-{}\\fR", roff(option.long_name));
            if (option.short_name) {
                out += fmt::format(", \\fB\\-{}\\fR", option.short_name);
            }
            if (!option.value.empty()) {
                out += fmt::format(" \\fI{}\\fR", roff(option.value));
            }
            out += fmt::format("\n{}\n", roff(option.help));
        }
    }
    out += ".SH ENVIRONMENT\n"
           ".TP\n.B GH_ANALYZE_PAGER\\fR, \\fBPAGER\n"
           "The pager for output to a terminal (default: less, with LESS=FRX unless LESS is "
           "set); empty or cat for none.\n"
           ".TP\n.B NO_COLOR\n"
           "When set and not empty, no colour unless \\-\\-color always.\n"
           ".TP\n.B GH_ANALYZE_TIMING\n"
           "When set, how long each phase of a run took, on stderr.\n"
           ".SH EXIT STATUS\n"
           "0 ok; 1 findings (validate); 2 usage error; 3 repository or data error (nothing "
           "written); 4 done, but some playlists were skipped (each named on stderr).\n"
           ".SH SEE ALSO\n"
           ".BR git (1)\n";
    return out;
}

ExitCode run_completion(const std::vector<std::string>& args) {
    std::string shell;
    const po::options_description none;
    if (!parse_command_line_with_argument(
            args, none, "completion",
            "bash|zsh\n\nPrints a completion script. For bash: eval \"$(gh-analyze completion "
            "bash)\" in ~/.bashrc;\nfor zsh: gh-analyze completion zsh > a directory of $fpath, "
            "as _gh-analyze.",
            "the shell", shell)) {
        return ExitCode::ok;
    }
    if (shell == "bash") {
        write_stdout(bash_script());
    } else if (shell == "zsh") {
        write_stdout(zsh_script());
    } else {
        throw Error::usage("unknown shell '{}': expected bash or zsh\n"
                           "Try 'gh-analyze completion --help'.",
                           shell);
    }
    return ExitCode::ok;
}

} // namespace gh::commands
