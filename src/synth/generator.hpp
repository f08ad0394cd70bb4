#pragma once

#include "synth/bot.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace gh::synth {

/// The shape of a generated archive. The same options and seed always give the same
/// repository, byte for byte.
struct GeneratorOptions {
    std::uint64_t seed = 1;
    int playlists = 12;
    int days = 90;
    int tracks = 40;          ///< tracks per playlist at the start
    double churn = 0.05;      ///< fraction of a playlist's tracks replaced when it changes
    double change_rate = 0.6; ///< chance that a playlist changes on a given day
    bool quirks = false;      ///< add the real archive's quirks (see generator.cpp)
    std::int64_t start_time = 1577880000; ///< 2020-01-01 12:00:00 UTC
    std::string dir = "playlists/plain";
    /// With an era, each commit also holds the bot's pretty views and cumulative tables of
    /// that era, computed from the generator's own playlists; without, there are none.
    std::optional<Era> era;
    /// The archive's GitHub name (OWNER/REPO): the views link it, the origin remote names it.
    std::string github = "example/playlist-archive";
};

/// What was generated, for messages.
struct GeneratedArchive {
    std::size_t commits = 0;
    std::size_t merges = 0;
    std::size_t playlists = 0;
    /// Track lines added plus track lines removed over the whole history.
    std::size_t changed_lines = 0;
};

/// Generates an archive's history at `path` (see ArchiveWriter for what may be there).
GeneratedArchive generate_archive(const std::filesystem::path& path,
                                  const GeneratorOptions& options);

/// A deterministic 64-bit generator (splitmix64): the standard distributions differ
/// between library versions, and generated archives must not.
class Random {
  public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next();
    /// Uniform in [0, bound).
    std::uint64_t below(std::uint64_t bound) { return bound == 0 ? 0 : next() % bound; }
    /// True with probability `p`.
    bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

  private:
    std::uint64_t m_state;
};

} // namespace gh::synth
