#pragma once

#include "engine/analysis.hpp"

#include <boost/any.hpp>
#include <boost/program_options.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gh::commands {

/// The options every history command takes (SPEC "Commands"): what the engine is asked,
/// and how the output is shown.
struct HistoryOptions : engine::Options {
    bool pager = true; ///< a terminal's output goes through a pager
};

/// The value of an option that takes one of a few fixed words. Boost checks it while it
/// parses ("unknown --format 'x': expected md, csv, tsv or json"), and the shell
/// completions offer the words (OptionSpec::choices).
class OneOf : public boost::program_options::typed_value<std::string> {
  public:
    OneOf(std::string* value, std::vector<std::string> words);
    const std::vector<std::string>& words() const { return m_words; }
    void xparse(boost::any& value, const std::vector<std::string>& tokens) const override;

  private:
    std::vector<std::string> m_words;
};

/// A new OneOf storing into `value`, for an options_description (which owns it).
OneOf* one_of(std::string* value, std::vector<std::string> words);

/// Which of the shared options a command has: each command lists and accepts only the
/// options it uses.
struct SharedOptions {
    bool playlist = true; ///< --playlist (commands about one playlist take its ID instead)
    bool key = true;      ///< --key
    bool cache = true;    ///< --no-cache (only commands that use the cache)
    bool pager = true;    ///< --no-pager (only commands that write to stdout)
    bool links = false;   ///< --pretty-dir and --no-links (commands whose rows show links)
};

/// Adds --repo, --rev, --dir, --tz, --quiet, --jobs, --verify-objects and those of
/// --playlist, --key, --no-cache, --no-pager, --pretty-dir and --no-links that `shared`
/// asks for to `options`.
void add_history_options(boost::program_options::options_description& options,
                         HistoryOptions& values, SharedOptions shared = {});

/// Parses `args` against `options` (throwing a usage Error that names the command).
/// Returns false when --help was given, after printing `usage` and the options.
/// `positional` names the options that bare arguments fill; `visible` is what --help
/// lists when some options are hidden (default: all of `options`).
bool parse_command_line(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options, std::string_view command,
    std::string_view usage,
    const boost::program_options::positional_options_description* positional = nullptr,
    const boost::program_options::options_description* visible = nullptr);

/// parse_command_line for a command that takes one argument (a playlist, a shell), called
/// `name` in messages: it fills `value`, and its absence is a usage error.
bool parse_command_line_with_argument(const std::vector<std::string>& args,
                                      const boost::program_options::options_description& options,
                                      std::string_view command, std::string_view usage,
                                      std::string_view name, std::string& value);

} // namespace gh::commands
