#include "cache/stints_codec.hpp"

#include "cache/cache.hpp"
#include "cache/encoding.hpp"
#include "util/atomic_file.hpp"
#include "util/mapped_file.hpp"

#include <stdexcept>

namespace gh::cache {

namespace {

constexpr std::string_view k_magic = "gh-analyze stints\n";

/// An end that is none: the stint is still open.
constexpr std::uint32_t k_open = 0xffffffff;

} // namespace

std::optional<std::map<std::string, SavedStints>>
read_stints(const std::filesystem::path& path, const std::string& describe, std::size_t snapshots) {
    const auto file = MappedFile::open(path);
    if (!file) {
        return std::nullopt;
    }
    detail::Reader in = detail::checked_body(file->bytes(), k_magic, "gh-analyze stints file");
    if (in.integer<std::uint32_t>() != k_format_version) {
        throw std::runtime_error("written by another version of gh-analyze");
    }
    if (in.text() != describe) {
        throw std::runtime_error("made with other settings");
    }
    std::map<std::string, SavedStints> playlists;
    const auto count = in.count(12);
    for (std::uint32_t p = 0; p < count; ++p) {
        SavedStints saved;
        saved.id = in.text();
        saved.versions = in.integer<std::uint32_t>();
        saved.snapshots.resize(in.count(13));
        for (auto& snapshot : saved.snapshots) {
            snapshot.snapshot = in.integer<std::uint32_t>();
            snapshot.track_lines = in.integer<std::uint32_t>();
            snapshot.keys = in.integer<std::uint32_t>();
            snapshot.deleted = in.integer<std::uint8_t>() != 0;
            if (snapshot.snapshot >= snapshots) {
                throw std::runtime_error("a version of " + saved.id +
                                         " in a snapshot that does not exist");
            }
        }
        if (saved.snapshots.size() != saved.versions) {
            throw std::runtime_error("the stints of " + saved.id + " do not fit their versions");
        }
        saved.stints.resize(in.count(13));
        for (auto& stint : saved.stints) {
            stint.row = in.integer<std::uint32_t>();
            stint.start = in.integer<std::uint32_t>();
            if (const auto end = in.integer<std::uint32_t>(); end != k_open) {
                stint.end = end;
            }
            stint.first_fill = in.integer<std::uint8_t>() != 0;
            if (stint.start >= snapshots ||
                (stint.end && (*stint.end <= stint.start || *stint.end >= snapshots))) {
                throw std::runtime_error("a stint of " + saved.id +
                                         " that does not fit the history");
            }
        }
        const std::string id = saved.id;
        if (!playlists.emplace(id, std::move(saved)).second) {
            throw std::runtime_error("the playlist " + id + " is there twice");
        }
    }
    if (!in.at_end()) {
        throw std::runtime_error("unexpected bytes at the end");
    }
    return playlists;
}

void write_stints(const std::filesystem::path& path, const std::string& describe,
                  const std::vector<const SavedStints*>& playlists) {
    AtomicFileWriter file(path);
    detail::Checksum sum;
    detail::Writer out(file, sum);
    out.bytes() = k_magic;
    out.integer<std::uint32_t>(k_format_version);
    out.text(describe);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(playlists.size()));
    for (const SavedStints* saved : playlists) {
        out.text(saved->id);
        out.integer<std::uint32_t>(saved->versions);
        out.integer<std::uint32_t>(static_cast<std::uint32_t>(saved->snapshots.size()));
        for (const auto& snapshot : saved->snapshots) {
            out.integer<std::uint32_t>(snapshot.snapshot);
            out.integer<std::uint32_t>(snapshot.track_lines);
            out.integer<std::uint32_t>(snapshot.keys);
            out.integer<std::uint8_t>(snapshot.deleted ? 1 : 0);
        }
        out.integer<std::uint32_t>(static_cast<std::uint32_t>(saved->stints.size()));
        for (const auto& stint : saved->stints) {
            out.integer<std::uint32_t>(stint.row);
            out.integer<std::uint32_t>(stint.start);
            out.integer<std::uint32_t>(stint.end ? *stint.end : k_open);
            out.integer<std::uint8_t>(stint.first_fill ? 1 : 0);
        }
        if (out.bytes().size() >= (1u << 20)) {
            out.flush();
        }
    }
    out.flush();
    detail::Writer trailer;
    trailer.integer<std::uint64_t>(sum.finish());
    file.write(trailer.bytes());
    file.commit();
}

} // namespace gh::cache
