#pragma once

// What the fuzz targets share: a way to report a broken invariant, a scratch directory
// for the targets that need files, and splitting an input into parts.

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

/// Stops the process when `condition` is false, naming it, so that the fuzzer reports the
/// input (an assert would be compiled out of an optimised build).
#define GH_FUZZ_REQUIRE(condition)                                                                 \
    ((condition) ? void() : gh::fuzz::broken_invariant(#condition, __FILE__, __LINE__))

namespace gh::fuzz {

[[noreturn]] void broken_invariant(const char* condition, const char* file, int line);

/// The fuzzer's input as text, which is how the parsers take their bytes.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Initialises libgit2 as gh-analyze does, without libgit2's object cache: the targets
/// write objects of their own, and a cache would only grow over millions of runs.
void initialize_libgit2();

/// A directory of the process's own, made on first use and removed at exit: under
/// /dev/shm when there is one, so that rewriting files on every run costs no disk.
const std::filesystem::path& scratch_dir();

/// Replaces the file at `path` with `bytes`.
void write_file(const std::filesystem::path& path, std::string_view bytes);

/// The parts of `input` between occurrences of `separator` (one part when there is none).
std::vector<std::string_view> split(std::string_view input, std::string_view separator);

} // namespace gh::fuzz
