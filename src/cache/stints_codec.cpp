#include "cache/stints_codec.hpp"

#include "cache/cache.hpp"
#include "cache/encoding.hpp"
#include "util/atomic_file.hpp"
#include "util/mapped_file.hpp"

#include <stdexcept>

namespace gh::cache {

namespace {

constexpr std::string_view k_magic = "gh-analyze stints\n";

/// The end of a stint still open; an end is written one more than its snapshot.
constexpr std::uint32_t k_open = 0;

} // namespace

std::optional<StintsFile> read_stints(const std::filesystem::path& path,
                                      const std::string& describe, std::size_t snapshots) {
    StintsFile read;
    read.file = MappedFile::open(path);
    if (!read.file) {
        return std::nullopt;
    }
    read.snapshots = snapshots;
    detail::Reader in = detail::checked_body(read.file->bytes(), k_magic, "gh-analyze stints file");
    if (in.integer<std::uint32_t>() != k_format_version) {
        throw std::runtime_error("written by another version of gh-analyze");
    }
    if (in.text() != describe) {
        throw std::runtime_error("made with other settings");
    }
    const auto count = in.count(12);
    for (std::uint32_t p = 0; p < count; ++p) {
        std::string id = in.text();
        StintsFile::Entry entry;
        entry.versions = in.integer<std::uint32_t>();
        entry.encoded = in.text_view();
        if (!read.playlists.emplace(id, entry).second) {
            throw std::runtime_error("the playlist " + id + " twice");
        }
    }
    if (!in.at_end()) {
        throw std::runtime_error("unexpected bytes at the end");
    }
    return read;
}

SavedStints StintsFile::decode(std::string_view id, const Entry& entry) const {
    const auto fail = [&](std::string_view what) {
        return std::runtime_error("the cache's stints of playlist " + std::string(id) + " " +
                                  std::string(what) + " (delete the cache, or use --no-cache)");
    };
    if (snapshots == 0) {
        throw fail("are for another history");
    }
    SavedStints saved;
    saved.versions = entry.versions;
    try {
        detail::Reader in(entry.encoded);
        const auto last = static_cast<std::uint64_t>(snapshots - 1);
        saved.snapshots.resize(in.count(4));
        for (auto& snapshot : saved.snapshots) {
            snapshot.snapshot = in.small(last);
            snapshot.track_lines = in.small(0xffffffff);
            snapshot.keys = in.small(0xffffffff);
            snapshot.deleted = in.small(1) != 0;
        }
        saved.stints.resize(in.count(4));
        for (auto& stint : saved.stints) {
            stint.row = in.small(0xffffffff);
            stint.start = in.small(last);
            if (const auto end = in.small(last + 1); end != k_open) {
                stint.end = end - 1;
            }
            stint.first_fill = in.small(1) != 0;
            if (stint.end && *stint.end <= stint.start) {
                throw std::runtime_error("a stint that ends before it starts");
            }
        }
        if (!in.at_end() || saved.snapshots.size() != entry.versions) {
            throw std::runtime_error("versions that do not fit");
        }
    } catch (const std::runtime_error& error) {
        throw fail(std::string("cannot be read: ") + error.what());
    }
    return saved;
}

std::string encode_stints(const SavedStints& saved) {
    detail::Writer out;
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(saved.snapshots.size()));
    for (const auto& snapshot : saved.snapshots) {
        out.varint(snapshot.snapshot);
        out.varint(snapshot.track_lines);
        out.varint(snapshot.keys);
        out.varint(snapshot.deleted ? 1 : 0);
    }
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(saved.stints.size()));
    for (const auto& stint : saved.stints) {
        out.varint(stint.row);
        out.varint(stint.start);
        out.varint(stint.end ? std::uint64_t{*stint.end} + 1 : k_open);
        out.varint(stint.first_fill ? 1 : 0);
    }
    return std::move(out.bytes());
}

void write_stints(const std::filesystem::path& path, const std::string& describe,
                  const std::vector<StintsToSave>& playlists) {
    AtomicFileWriter file(path);
    detail::Checksum sum;
    detail::Writer out(file, sum);
    out.bytes() = k_magic;
    out.integer<std::uint32_t>(k_format_version);
    out.text(describe);
    out.integer<std::uint32_t>(static_cast<std::uint32_t>(playlists.size()));
    for (const auto& playlist : playlists) {
        out.text(playlist.id);
        out.integer<std::uint32_t>(playlist.versions);
        out.text(playlist.encoded);
    }
    out.flush();
    detail::Writer trailer;
    trailer.integer<std::uint64_t>(sum.finish());
    file.write(trailer.bytes());
    file.commit();
}

} // namespace gh::cache
