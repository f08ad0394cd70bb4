#include "support/repo.hpp"

#include "commands/command.hpp"
#include "git/repository.hpp"
#include "synth/generator.hpp"
#include "synth/scenario.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>

namespace gh::test {

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gh-analyze-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
        throw std::runtime_error("cannot create a temporary directory");
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

std::filesystem::path make_scenario_repo(const TempDir& dir, std::string_view scenario) {
    const auto path = dir.path() / "repo";
    synth::build_scenario(scenario, path, "test scenario");
    return path;
}

std::pair<ExitCode, std::string> run_command(const std::vector<std::string>& args) {
    testing::internal::CaptureStdout();
    ExitCode code = ExitCode::ok;
    try {
        code = commands::find_command(args.front())->run({args.begin() + 1, args.end()});
    } catch (const Error& error) {
        code = error.code();
    }
    return {code, testing::internal::GetCapturedStdout()};
}

git::Repository open(const std::filesystem::path& path) {
    return git::open_repository(path);
}

std::string run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        throw std::runtime_error("cannot run " + command);
    }
    std::string output;
    std::array<char, 65536> buffer;
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        output.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "command failed (" << status << "): " << command;
    }
    return output;
}

std::string shell_quote(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::filesystem::path source_dir() {
    return GH_ANALYZE_SOURCE_DIR;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::size_t repack_with_deltas(const std::filesystem::path& repo) {
    const std::string q = shell_quote(repo.string());
    run("git -C " + q + " repack -adfq --depth=50 --window=50");
    std::size_t deltas = 0;
    for (const auto& entry : std::filesystem::directory_iterator(repo / ".git/objects/pack")) {
        if (entry.path().extension() != ".idx") {
            continue;
        }
        // "<id> <type> <size> <size in pack> <offset> [<depth> <base id>]"
        for (const auto& line : lines_of(
                 run("git -C " + q + " verify-pack -v " + shell_quote(entry.path().string())))) {
            std::istringstream fields(line);
            std::vector<std::string> words;
            for (std::string word; fields >> word;) {
                words.push_back(word);
            }
            deltas += words.size() == 7 && words[0].size() == 40;
        }
    }
    return deltas;
}

std::filesystem::path generated_archive(const TempDir& dir, std::uint64_t seed, int playlists,
                                        int days, int tracks) {
    const auto repo = dir.path() / "archive";
    synth::GeneratorOptions options;
    options.seed = seed;
    options.playlists = playlists;
    options.days = days;
    options.tracks = tracks;
    options.quirks = true;
    synth::generate_archive(repo, options);
    return repo;
}

} // namespace gh::test
