// gh-analyze-synth: makes playlist archives for the demo, the tests and the benchmarks.

#include "synth/generator.hpp"
#include "synth/scenario.hpp"
#include "util/error.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace {

int run(int argc, char** argv) {
    gh::synth::GeneratorOptions options;
    std::string out;
    std::string scenario;
    std::string era;
    po::options_description description(
        "Usage: gh-analyze-synth --out DIR [options]\n\n"
        "Creates a git repository holding a playlist archive's history: generated from a\n"
        "seed (the same options give the same repository), or from a scenario file.\n\nOptions");
    auto option = description.add_options();
    option("help,h", "show this help");
    option("out", po::value(&out)->value_name("DIR")->required(),
           "where to create the repository (replaced if an earlier run made it)");
    option("scenario", po::value(&scenario)->value_name("FILE"),
           "build this scenario file instead");
    option("seed", po::value(&options.seed)->default_value(options.seed), "random seed");
    option("playlists", po::value(&options.playlists)->default_value(options.playlists),
           "playlists");
    option("days", po::value(&options.days)->default_value(options.days), "daily snapshots");
    option("tracks", po::value(&options.tracks)->default_value(options.tracks),
           "tracks per playlist at the start");
    option("churn", po::value(&options.churn)->default_value(options.churn),
           "fraction of a playlist's tracks replaced when it changes");
    option("change-rate", po::value(&options.change_rate)->default_value(options.change_rate),
           "chance that a playlist changes on a given day");
    option("quirks", po::bool_switch(&options.quirks),
           "add the real archive's quirks: merges carrying snapshots on their second parent, "
           "skewed clocks, renames, deletions and re-adds, empty files, duplicates, multi-line "
           "descriptions, a sorted header, a directory inside the playlist directory; with --era "
           "also replaced ids, a name moving to another id and names that need escaping");
    option("era", po::value(&era)->value_name("2021|current"),
           "act as the archive's bot of that era: every commit also holds the pretty views and "
           "the bot's own cumulative tables, in that era's layout (for tests: such archives are "
           "many times larger)");
    option("github",
           po::value(&options.github)->value_name("OWNER/REPO")->default_value(options.github),
           "the archive's GitHub name: the views' githistory links name it, and (with --era) "
           "the origin remote");
    po::variables_map values;
    try {
        po::store(po::parse_command_line(argc, argv, description), values);
        if (values.count("help")) {
            std::cout << description << '\n';
            return 0;
        }
        po::notify(values);
    } catch (const po::error& error) {
        fmt::print(stderr, "gh-analyze-synth: error: {}\nTry 'gh-analyze-synth --help'.\n",
                   error.what());
        return 2;
    }
    if (!scenario.empty()) {
        std::ifstream file(scenario, std::ios::binary);
        if (!file) {
            throw gh::Error(fmt::format("cannot read scenario {}", scenario));
        }
        std::ostringstream text;
        text << file.rdbuf();
        gh::synth::build_scenario(text.str(), out, scenario);
        return 0;
    }
    if (options.playlists < 1 || options.days < 1 || options.tracks < 0) {
        fmt::print(stderr, "gh-analyze-synth: error: --playlists and --days must be at least 1\n");
        return 2;
    }
    if (era == "2021") {
        options.era = gh::synth::Era::y2021;
    } else if (era == "current") {
        options.era = gh::synth::Era::current;
    } else if (!era.empty()) {
        fmt::print(stderr,
                   "gh-analyze-synth: error: --era must be 2021 or current, not '{}'\n"
                   "Try 'gh-analyze-synth --help'.\n",
                   era);
        return 2;
    }
    const auto archive = gh::synth::generate_archive(out, options);
    fmt::print(stderr,
               "gh-analyze-synth: {} playlists, {} commits ({} merges), {} changed track lines "
               "in {}\n",
               archive.playlists, archive.commits, archive.merges, archive.changed_lines, out);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        fmt::print(stderr, "gh-analyze-synth: error: {}\n", error.what());
        return 3;
    }
}
