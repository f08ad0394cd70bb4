#include "commands/options.hpp"

#include "commands/command.hpp"
#include "util/closest_names.hpp"
#include "util/error.hpp"
#include "util/parse_number.hpp"

#include <algorithm>
#include <iostream>
#include <utility>

namespace po = boost::program_options;

namespace gh::commands {

namespace {

/// The thread count of --jobs: a whole number from 1 to k_max_jobs, in decimal (Boost
/// would read "-1" as the largest unsigned number).
unsigned parse_jobs(const std::string& text) {
    constexpr unsigned k_max_jobs = 1024;
    unsigned jobs = 0;
    if (!parse_number(text, jobs) || jobs < 1 || jobs > k_max_jobs) {
        throw po::error(fmt::format("--jobs '{}': expected a number of threads from 1 to {}", text,
                                    k_max_jobs));
    }
    return jobs;
}

} // namespace

OneOf::OneOf(std::string* value, std::vector<std::string> words)
    : po::typed_value<std::string>(value), m_words(std::move(words)) {}

void OneOf::xparse(boost::any& value, const std::vector<std::string>& tokens) const {
    const std::string token = tokens.empty() ? std::string() : tokens.front();
    if (std::find(m_words.begin(), m_words.end(), token) != m_words.end()) {
        value = token;
        return;
    }
    std::string expected = m_words.front();
    for (std::size_t i = 1; i < m_words.size(); ++i) {
        expected += i + 1 == m_words.size() ? " or " : ", ";
        expected += m_words[i];
    }
    // Boost fills in the option's name as it was meant (--format for --form).
    po::error_with_option_name error("unknown %canonical_option% '%value%': expected " + expected);
    error.set_substitute("value", token);
    throw error;
}

OneOf* one_of(std::string* value, std::vector<std::string> words) {
    return new OneOf(value, std::move(words));
}

void add_history_options(po::options_description& options, HistoryOptions& values,
                         SharedOptions shared) {
    values.use_cache = shared.cache;
    values.links = shared.links;
    auto option = options.add_options();
    option("repo", po::value(&values.repo)->value_name("DIR"),
           "repository to analyse (default: the one containing the current directory)");
    option("rev", po::value(&values.rev)->value_name("REV")->default_value(values.rev),
           "analyse the history reachable from this revision");
    option("dir", po::value(&values.dir)->value_name("PATH")->default_value(values.dir),
           "directory of plain playlist files");
    if (shared.playlist) {
        option("playlist", po::value(&values.playlists)->value_name("ID")->composing(),
               "only this playlist: its id, its path or its name (repeatable; default: all)");
    }
    option("tz", po::value(&values.tz)->value_name("ZONE")->default_value(values.tz),
           "time zone of the dates, an IANA name such as Europe/Berlin");
    if (shared.key) {
        option("key",
               one_of(&values.key, {"line", "title-artists"})
                   ->value_name("MODE")
                   ->default_value(values.key),
               "track key: 'line' (the whole line lowercased, the archive's key) or "
               "'title-artists' (album variants collapse into one row)");
    }
    option("quiet,q", po::bool_switch(&values.quiet),
           "no progress, notes or warnings on stderr: errors, and one line counting warnings");
    option("strict", po::bool_switch(&values.strict),
           "warnings are errors (exit 3): a shallow clone, skipped entries, skipped playlists");
    option("jobs,j",
           po::value<std::string>()->value_name("N")->notifier(
               [&values](const std::string& text) { values.jobs = parse_jobs(text); }),
           "threads that read, build and write tables (default: one per processor)");
    if (shared.pager) {
        option("no-pager",
               po::bool_switch()->notifier([&values](bool off) { values.pager = !off; }),
               "do not send a terminal's output through a pager ($GH_ANALYZE_PAGER, $PAGER, "
               "less)");
    }
    if (shared.cache) {
        option("no-cache",
               po::bool_switch()->notifier([&values](bool off) { values.use_cache = !off; }),
               "neither read nor update the cache under <git-dir>/gh-analyze/");
    }
    if (shared.links) {
        option("pretty-dir", po::value(&values.pretty_dir)->value_name("PATH"),
               "directory of the pretty views that links and lengths are read from (default: "
               "'pretty' beside --dir)");
        option("no-links",
               po::bool_switch()->notifier([&values](bool off) { values.links = !off; }),
               "read no pretty views: rows without links and lengths (faster)");
    }
    option("verify-objects", po::bool_switch(&values.verify_objects),
           "re-hash every object read and compare it with its id (slower; git does not)");
}

bool parse_command_line(const std::vector<std::string>& args,
                        const po::options_description& options, std::string_view command,
                        std::string_view usage,
                        const po::positional_options_description* positional,
                        const po::options_description* visible) {
    po::options_description help;
    help.add_options()("help,h", "show this help");
    if (CommandSpec* spec = spec_being_described()) { // for completion and the man page
        const auto newline = usage.find('\n');
        spec->usage = std::string(usage.substr(0, newline));
        if (newline != std::string_view::npos) {
            spec->more = std::string(usage.substr(newline));
            spec->more.erase(0, spec->more.find_first_not_of('\n'));
        }
        const po::options_description* shown = visible ? visible : &options;
        for (const po::options_description* list : {shown, &std::as_const(help)}) {
            for (const auto& option : list->options()) {
                const std::string shortcut =
                    option->canonical_display_name(po::command_line_style::allow_dash_for_short);
                const auto* choice = dynamic_cast<const OneOf*>(option->semantic().get());
                spec->options.push_back(OptionSpec{
                    option->long_name(),
                    shortcut.size() == 2 && shortcut[0] == '-' ? shortcut[1] : '\0',
                    option->semantic()->max_tokens() > 0 ? option->semantic()->name()
                                                         : std::string(),
                    option->description(), choice ? choice->words() : std::vector<std::string>()});
            }
        }
        return false;
    }
    po::options_description all;
    all.add(options).add(help);
    po::variables_map values;
    try {
        auto parser = po::command_line_parser(args).options(all);
        if (positional) {
            parser.positional(*positional);
        } else {
            parser.positional(po::positional_options_description());
        }
        po::store(parser.run(), values);
        if (values.count("help")) {
            // One flat list: nested groups would print with blank lines between them.
            po::options_description shown("Options");
            for (const auto& option : (visible ? *visible : options).options()) {
                shown.add(option);
            }
            shown.add(help.options().front());
            std::cout << "Usage: gh-analyze " << command << ' ' << usage
                      << (usage.ends_with('\n') ? "\n" : "\n\n") << shown << '\n';
            return false;
        }
        po::notify(values);
    } catch (const po::unknown_option& error) {
        // As for a mistyped command: the nearest option this command has.
        std::vector<std::string> names{"help"};
        for (const auto& option : (visible ? *visible : options).options()) {
            if (!option->long_name().empty()) {
                names.push_back(option->long_name());
            }
        }
        const std::vector<std::string_view> views(names.begin(), names.end());
        std::string typed = error.get_option_name();
        typed.erase(0, typed.find_first_not_of('-'));
        typed = typed.substr(0, typed.find('='));
        const auto nearest = nearest_name(typed, views);
        throw Error::usage("{}{}\nTry 'gh-analyze {} --help'.", error.what(),
                           nearest ? fmt::format(", did you mean '--{}'?", *nearest) : "", command);
    } catch (const po::error& error) {
        throw Error::usage("{}\nTry 'gh-analyze {} --help'.", error.what(), command);
    }
    return true;
}

bool parse_command_line_with_argument(const std::vector<std::string>& args,
                                      const po::options_description& options,
                                      std::string_view command, std::string_view usage,
                                      std::string_view name, std::string& value) {
    po::options_description hidden;
    hidden.add_options()("argument", po::value(&value));
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("argument", 1);
    if (!parse_command_line(args, all, command, usage, &positional, &options)) {
        return false;
    }
    if (value.empty()) { // (Boost would call it "the option '--argument'")
        throw Error::usage("missing {}: gh-analyze {} {}\nTry 'gh-analyze {} --help'.", name,
                           command, usage.substr(0, usage.find('\n')), command);
    }
    return true;
}

} // namespace gh::commands
