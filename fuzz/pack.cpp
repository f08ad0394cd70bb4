// Fuzzes the pack reader end to end: the input's pieces become the entries of a version-2
// pack, framed well enough (header, index, CRCs, checksums) to get past the index checks,
// and every object is read back, from the packs and through libgit2 alone.

#include "git/handles.hpp"
#include "git/object_reader.hpp"
#include "support.hpp"

#include <array>
#include <openssl/evp.h>
#include <set>
#include <zlib.h>

namespace {

using namespace gh::git;

/// Separates the pack's entries in the input.
constexpr std::string_view k_entry_separator = "@@entry@@";
/// The most entries a pack gets: entry i's id is 20 bytes of value i + 1.
constexpr std::size_t k_most_entries = 64;
/// Every how many entries one is found through the index's table of 64-bit offsets.
constexpr std::size_t k_large_offset_every = 4;

/// Ids that a fuzzed ref-delta can name easily (the entries' real ids would be hashes).
git_oid entry_id(std::size_t index) {
    git_oid id;
    std::memset(id.id, static_cast<int>(index + 1), GIT_OID_RAWSZ);
    return id;
}

/// Packs and indexes write their numbers big-endian.
void append_be32(std::string& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xff);
    }
}

void append_be64(std::string& out, std::uint64_t value) {
    append_be32(out, static_cast<std::uint32_t>(value >> 32));
    append_be32(out, static_cast<std::uint32_t>(value));
}

/// Packs and indexes end with the SHA-1 of what comes before.
std::array<unsigned char, GIT_OID_RAWSZ> sha1(std::string_view bytes) {
    std::array<unsigned char, GIT_OID_RAWSZ> digest{};
    unsigned length = 0;
    if (!EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha1(), nullptr)) {
        std::abort();
    }
    return digest;
}

void append_checksum(std::string& out) {
    const auto digest = sha1(out);
    out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
}

/// A pack and its index, as git writes them to objects/pack/.
struct PackFiles {
    std::string pack;
    std::string index;
    std::vector<std::uint64_t> offsets; ///< of each entry in the pack
};

/// Frames `entries` as a version-2 pack and index that pass every check of the readers
/// (CRCs and checksums included), so that the fuzzed bytes are the entries themselves.
PackFiles frame(const std::vector<std::string_view>& entries) {
    PackFiles files;
    files.pack = "PACK";
    append_be32(files.pack, 2);
    append_be32(files.pack, static_cast<std::uint32_t>(entries.size()));
    auto& offsets = files.offsets;
    for (const auto entry : entries) {
        offsets.push_back(files.pack.size());
        files.pack += entry;
    }
    append_checksum(files.pack);

    auto& index = files.index;
    index = "\377tOc";
    append_be32(index, 2);
    for (unsigned first = 0; first < 256; ++first) { // ids are sorted by their first byte
        std::uint32_t up_to = 0;
        while (up_to < entries.size() && entry_id(up_to).id[0] <= first) {
            ++up_to;
        }
        append_be32(index, up_to);
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        index.append(reinterpret_cast<const char*>(entry_id(i).id), GIT_OID_RAWSZ);
    }
    for (const auto entry : entries) {
        append_be32(
            index, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(entry.data()),
                                                    static_cast<uInt>(entry.size()))));
    }
    std::string large;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i % k_large_offset_every == k_large_offset_every - 1) {
            append_be32(index, 0x80000000u | static_cast<std::uint32_t>(large.size() / 8));
            append_be64(large, offsets[i]);
        } else {
            append_be32(index, static_cast<std::uint32_t>(offsets[i]));
        }
    }
    index += large;
    index.append(files.pack, files.pack.size() - GIT_OID_RAWSZ, GIT_OID_RAWSZ);
    append_checksum(index);
    return files;
}

/// A bare repository that holds nothing but the pack written for each run.
const std::filesystem::path& repository_dir() {
    static const std::filesystem::path dir = [] {
        gh::fuzz::initialize_libgit2();
        Repository repo;
        const auto root = gh::fuzz::scratch_dir() / "repo.git";
        check(git_repository_init(out(repo), root.c_str(), 1), "creating {}", root.string());
        return root;
    }();
    return dir;
}

/// Where PackSet finds the packs.
std::filesystem::path objects_dir() {
    return repository_dir() / "objects";
}

/// Replaces the previous run's pack with `files`, named by its checksum as git names packs
/// (so that no cached handle of libgit2's can mistake it for the previous one).
void write_pack(const PackFiles& files) {
    const auto dir = objects_dir() / "pack";
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    std::filesystem::create_directories(dir);
    const auto checksum = sha1(files.pack); // any name unique to the content will do
    git_oid name;
    std::memcpy(name.id, checksum.data(), GIT_OID_RAWSZ);
    const auto base = dir / ("pack-" + hex(name));
    gh::fuzz::write_file(base.string() + ".pack", files.pack);
    gh::fuzz::write_file(base.string() + ".idx", files.index);
}

/// Where the delta at `offset` takes its base from, as both readers find it; nothing for
/// an object that is not a delta, or a base that is not there.
std::optional<std::uint64_t> delta_base(std::string_view pack, std::uint64_t offset,
                                        const std::vector<std::uint64_t>& offsets) {
    const auto byte_at = [&](std::uint64_t at) -> std::optional<unsigned> {
        if (at >= pack.size() - GIT_OID_RAWSZ) {
            return std::nullopt;
        }
        return static_cast<unsigned char>(pack[at]);
    };
    auto byte = byte_at(offset);
    if (offset < 12 || !byte) {
        return std::nullopt;
    }
    const unsigned type = (*byte >> 4) & 7;
    std::uint64_t at = offset + 1;
    for (int shift = 4; *byte & 0x80; ++at, shift += 7) { // the size, of at most 64 bits
        if (shift > 60 || !(byte = byte_at(at))) {
            return std::nullopt;
        }
    }
    if (type == 7) {
        if (at + GIT_OID_RAWSZ > pack.size() - GIT_OID_RAWSZ) {
            return std::nullopt;
        }
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            if (std::memcmp(pack.data() + at, entry_id(i).id, GIT_OID_RAWSZ) == 0) {
                return offsets[i];
            }
        }
        return std::nullopt;
    }
    if (type != 6 || !(byte = byte_at(at++))) {
        return std::nullopt;
    }
    std::uint64_t distance = *byte & 0x7f;
    while (*byte & 0x80) {
        if (distance > (std::uint64_t{1} << 48) || !(byte = byte_at(at++))) {
            return std::nullopt;
        }
        distance = ((distance + 1) << 7) | (*byte & 0x7f);
    }
    return distance == 0 || distance > offset ? std::nullopt : std::optional(offset - distance);
}

/// True when the chain of delta bases from `offset` comes back on itself. libgit2 1.5 then
/// loops for ever; ObjectReader must refuse the object rather than hand it to libgit2
/// (fixtures/fuzz/pack/regression-ref-delta-cycle).
bool cyclic(std::string_view pack, std::uint64_t offset,
            const std::vector<std::uint64_t>& offsets) {
    std::set<std::uint64_t> seen;
    for (std::optional<std::uint64_t> at = offset; at; at = delta_base(pack, *at, offsets)) {
        if (!seen.insert(*at).second) {
            return true;
        }
    }
    return false;
}

/// An object as a reader returned it, or nothing when it was refused.
using Read = std::optional<std::pair<ObjectBytes, git_object_t>>;

/// The object, or nothing when it cannot be read: a damaged object is refused with a
/// gh::Error, and anything else escapes to the fuzzer.
Read read(ObjectReader& reader, const git_oid& id) {
    try {
        return reader.read(id, "object");
    } catch (const gh::Error&) {
        return std::nullopt;
    }
}

/// True when `reader` refuses the object because its chain of deltas loops.
bool refused_as_loop(ObjectReader& reader, const git_oid& id) {
    try {
        reader.read(id, "object");
    } catch (const gh::Error& error) {
        return std::string_view(error.what()).find("chain of deltas loops") !=
               std::string_view::npos;
    }
    return false;
}

/// True when both readers returned the same object (both having returned one).
bool same(const Read& a, const Read& b) {
    return a->second == b->second && a->first.view() == b->first.view();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto entries = gh::fuzz::split(gh::fuzz::as_text(data, size), k_entry_separator);
    entries.resize(std::min(entries.size(), k_most_entries));
    const PackFiles files = frame(entries);
    write_pack(files);

    // A repository handle of its own each run: libgit2 keeps the packs it has opened.
    Repository repo;
    check(git_repository_open_bare(out(repo), repository_dir().c_str()), "opening {}",
          repository_dir().string());
    const auto packs = std::make_shared<const PackSet>(objects_dir());
    ObjectReader reader(repo.get(), packs);
    ObjectReader libgit2_only(repo.get(), nullptr);
    std::vector<git_oid> ids;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        ids.push_back(entry_id(i));
    }
    reader.prefetch(ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const git_oid& id = ids[i];
        if (cyclic(files.pack, files.offsets[i], files.offsets)) {
            // Refused by the reader as a loop, never handed to libgit2, which would follow
            // it for ever (under the allocation cap here it soon fails, which proves nothing).
            GH_FUZZ_REQUIRE(refused_as_loop(reader, id));
            continue;
        }
        const Read first = read(reader, id);
        const Read again = read(reader, id); // from the reader's cache of delta bases, maybe
        GH_FUZZ_REQUIRE(first.has_value() == again.has_value() && (!first || same(first, again)));
        const Read theirs = read(libgit2_only, id);
        GH_FUZZ_REQUIRE(!first || !theirs || same(first, theirs));
    }
    return 0;
}
