#include "git/object_reader.hpp"

#include "util/error.hpp"
#include "util/mapped_file.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <libdeflate.h>
#include <mutex>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unordered_set>

namespace gh::git {

// Formats as git's Documentation/gitformat-pack.txt describes them.
namespace {

constexpr std::size_t k_hash = GIT_OID_RAWSZ;
constexpr int k_ofs_delta = 6;
constexpr int k_ref_delta = 7;
/// Chains deeper than this are left to libgit2: git writes at most 50 unless told
/// otherwise (at most 4095), and each level is a stack frame here (a few hundred bytes,
/// a few kilobytes with sanitizers), so a damaged or hostile pack cannot exhaust a stack.
constexpr int k_max_depth = 1000;
/// Larger objects (or a damaged size) are left to libgit2.
constexpr std::uint64_t k_max_object_size = std::uint64_t{1} << 32;

/// Past this many packs, prefetching is not worth its lookups (see PackSet::prefetch).
constexpr std::size_t k_most_packs_to_prefetch = 4;

std::uint32_t big_endian_32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

std::uint64_t big_endian_64(const unsigned char* p) {
    return (std::uint64_t{big_endian_32(p)} << 32) | big_endian_32(p + 4);
}

/// Reads the size varint at the start of delta instructions.
std::optional<std::uint64_t> delta_size(const unsigned char*& p, const unsigned char* end) {
    std::uint64_t size = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
        const unsigned char byte = *p++;
        size |= std::uint64_t{byte & 0x7fu} << shift;
        if (!(byte & 0x80)) {
            return size;
        }
    }
    return std::nullopt;
}

} // namespace

ObjectBytes apply_delta(std::string_view base, std::string_view delta) {
    const auto* p = reinterpret_cast<const unsigned char*>(delta.data());
    const auto* const end = p + delta.size();
    const auto base_size = delta_size(p, end);
    const auto result_size = delta_size(p, end);
    // Each instruction (at least a byte) adds at most the whole base or 127 bytes: a larger
    // size is damage, not worth allocating for.
    if (!base_size || !result_size || *base_size != base.size() ||
        *result_size > k_max_object_size ||
        *result_size >
            static_cast<std::uint64_t>(end - p) * std::max<std::uint64_t>(base.size(), 127)) {
        return {};
    }
    auto result = std::make_shared_for_overwrite<char[]>(*result_size);
    char* out = result.get();
    char* const out_end = out + *result_size;
    while (p < end) {
        const unsigned char op = *p++;
        if (op & 0x80) { // copy from the base
            std::uint64_t offset = 0;
            std::uint64_t size = 0;
            for (int i = 0; i < 4; ++i) {
                if (op & (1u << i)) {
                    if (p == end) {
                        return {};
                    }
                    offset |= std::uint64_t{*p++} << (8 * i);
                }
            }
            for (int i = 0; i < 3; ++i) {
                if (op & (0x10u << i)) {
                    if (p == end) {
                        return {};
                    }
                    size |= std::uint64_t{*p++} << (8 * i);
                }
            }
            if (size == 0) {
                size = 0x10000;
            }
            if (offset > base.size() || size > base.size() - offset ||
                size > static_cast<std::uint64_t>(out_end - out)) {
                return {};
            }
            std::memcpy(out, base.data() + offset, size);
            out += size;
        } else if (op != 0) { // insert the next `op` bytes
            if (op > end - p || op > out_end - out) {
                return {};
            }
            std::memcpy(out, p, op);
            p += op;
            out += op;
        } else {
            return {}; // reserved
        }
    }
    if (out != out_end) {
        return {};
    }
    return ObjectBytes(std::move(result), *result_size);
}

struct PackSet::Pack {
    std::shared_ptr<const MappedFile> index;
    std::shared_ptr<const MappedFile> data;
    std::string data_path; ///< for messages
    std::uint32_t count = 0;
    const unsigned char* fanout = nullptr;
    const unsigned char* hashes = nullptr;
    const unsigned char* crcs = nullptr;
    const unsigned char* offsets = nullptr;
    const unsigned char* large_offsets = nullptr;
    std::size_t large_count = 0;
    /// A hash table of positions in the index (position + 1; 0 is empty), built once many
    /// objects have been looked up: a binary search of a large index costs a cache miss
    /// a step, a probe here one or two.
    mutable std::atomic<std::uint32_t> searches{0};
    mutable std::once_flag hashed;
    mutable std::vector<std::uint32_t> table;
    mutable std::atomic<bool> table_ready{false}; ///< built, and not empty
    static constexpr std::uint32_t k_searches_before_hashing = 4096;

    const unsigned char* bytes() const {
        return reinterpret_cast<const unsigned char*>(data->bytes().data());
    }
    /// Objects end before the pack's trailing checksum.
    std::uint64_t end() const { return data->bytes().size() - k_hash; }

    /// Checks the index's layout (version 2) and the pack's header.
    bool open() {
        const auto idx = index->bytes();
        const auto* p = reinterpret_cast<const unsigned char*>(idx.data());
        constexpr std::size_t header = 8 + 256 * 4;
        if (idx.size() < header + 2 * k_hash || std::memcmp(p, "\377tOc", 4) != 0 ||
            big_endian_32(p + 4) != 2) {
            return false;
        }
        fanout = p + 8;
        for (int i = 1; i < 256; ++i) {
            if (big_endian_32(fanout + 4 * i) < big_endian_32(fanout + 4 * (i - 1))) {
                return false;
            }
        }
        count = big_endian_32(fanout + 4 * 255);
        const std::size_t fixed = header + std::size_t{count} * (k_hash + 4 + 4);
        if (idx.size() < fixed + 2 * k_hash || (idx.size() - fixed - 2 * k_hash) % 8 != 0) {
            return false;
        }
        hashes = p + header;
        crcs = hashes + std::size_t{count} * k_hash;
        offsets = crcs + std::size_t{count} * 4;
        large_offsets = offsets + std::size_t{count} * 4;
        large_count = (idx.size() - fixed - 2 * k_hash) / 8;

        // The index names its pack by the pack's trailing checksum: an index left from
        // another pack would point at other objects.
        const auto pack = data->bytes();
        const auto* q = reinterpret_cast<const unsigned char*>(pack.data());
        return pack.size() >= 12 + k_hash && std::memcmp(q, "PACK", 4) == 0 &&
               (big_endian_32(q + 4) == 2 || big_endian_32(q + 4) == 3) &&
               big_endian_32(q + 8) == count &&
               std::memcmp(p + idx.size() - 2 * k_hash, q + pack.size() - k_hash, k_hash) == 0;
    }

    int compare_at(std::uint32_t position, const git_oid& id) const {
        return std::memcmp(hashes + std::size_t{position} * k_hash, id.id, k_hash);
    }

    static std::uint64_t hash_of(const unsigned char* id) {
        std::uint64_t hash;
        std::memcpy(&hash, id + 4, sizeof hash); // object ids are uniformly distributed
        return hash;
    }

    void build_table() const {
        std::size_t size = 16;
        while (size < 2 * std::size_t{count}) {
            size *= 2;
        }
        table.assign(size, 0);
        for (std::uint32_t position = 0; position < count; ++position) {
            std::size_t slot = hash_of(hashes + std::size_t{position} * k_hash) & (size - 1);
            for (std::size_t probes = 0; table[slot] != 0; ++probes) {
                if (probes == 64) { // ids that are not random: a damaged or made-up index
                    table.clear();
                    return;
                }
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = position + 1;
        }
        table_ready.store(true, std::memory_order_release);
    }

    void prefetch(std::span<const git_oid> ids) const {
        if (!table_ready.load(std::memory_order_acquire)) {
            return;
        }
        const std::size_t mask = table.size() - 1;
        for (const git_oid& id : ids) {
            __builtin_prefetch(&table[hash_of(id.id) & mask]);
        }
        for (const git_oid& id : ids) { // the slots are arriving: on to the index entries
            if (const std::uint32_t position = table[hash_of(id.id) & mask]) {
                __builtin_prefetch(hashes + std::size_t{position - 1} * k_hash);
                __builtin_prefetch(offsets + std::size_t{position - 1} * 4);
            }
        }
        const std::uint64_t size = data->bytes().size();
        for (const git_oid& id : ids) { // and on to the objects' first bytes
            if (const std::uint32_t position = table[hash_of(id.id) & mask]) {
                const std::uint32_t offset = big_endian_32(offsets + std::size_t{position - 1} * 4);
                if (offset < size) { // not a large offset, and in the pack
                    __builtin_prefetch(bytes() + offset);
                }
            }
        }
    }

    std::optional<std::uint32_t> probe(const git_oid& id) const {
        const std::size_t mask = table.size() - 1;
        for (std::size_t slot = hash_of(id.id) & mask;; slot = (slot + 1) & mask) {
            if (table[slot] == 0) {
                return std::nullopt;
            }
            if (compare_at(table[slot] - 1, id) == 0) {
                return table[slot] - 1;
            }
        }
    }

    std::optional<std::uint32_t> position_of(const git_oid& id) const {
        if (searches.load(std::memory_order_relaxed) >= k_searches_before_hashing) {
            std::call_once(hashed, [this] { build_table(); });
            if (!table.empty()) {
                return probe(id);
            }
        } else {
            searches.fetch_add(1, std::memory_order_relaxed);
        }
        const unsigned first = id.id[0];
        std::uint32_t low = first == 0 ? 0 : big_endian_32(fanout + 4 * (first - 1));
        std::uint32_t high = big_endian_32(fanout + 4 * first);
        while (low < high) {
            const std::uint32_t middle = low + (high - low) / 2;
            const int order = compare_at(middle, id);
            if (order == 0) {
                return middle;
            }
            if (order < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return std::nullopt;
    }

    /// The entry's offset and recorded CRC-32.
    std::optional<std::pair<std::uint64_t, std::uint32_t>> find(const git_oid& id) const {
        const auto position = position_of(id);
        if (!position) {
            return std::nullopt;
        }
        const std::uint32_t crc = big_endian_32(crcs + std::size_t{*position} * 4);
        const std::uint32_t offset = big_endian_32(offsets + std::size_t{*position} * 4);
        if (!(offset & 0x80000000u)) {
            return std::pair(std::uint64_t{offset}, crc);
        }
        const std::size_t large = offset & 0x7fffffffu;
        if (large >= large_count) {
            return std::nullopt;
        }
        return std::pair(big_endian_64(large_offsets + large * 8), crc);
    }
};

namespace {

/// The identity of a file as VerifiedIndexes records it; empty when it cannot be read.
std::string file_identity(const std::filesystem::path& path) {
    struct stat status {};
    if (stat(path.c_str(), &status) != 0) {
        return {};
    }
    return fmt::format("{} {} {} {} {}.{:09}", path.filename().string(), status.st_dev,
                       status.st_ino, status.st_size, status.st_mtim.tv_sec,
                       status.st_mtim.tv_nsec);
}

/// True when the file's last 20 bytes are the SHA-1 of the bytes before them (the trailer
/// of pack indexes and packs).
bool trailer_matches(std::string_view file) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    return file.size() >= k_hash &&
           EVP_Digest(file.data(), file.size() - k_hash, digest, &length, EVP_sha1(), nullptr) ==
               1 &&
           length == k_hash && std::memcmp(digest, file.data() + file.size() - k_hash, k_hash) == 0;
}

} // namespace

PackSet::PackSet(const std::filesystem::path& objects_dir, const VerifiedIndexes& known) {
    std::error_code error;
    std::vector<std::filesystem::path> indexes;
    for (const auto& entry : std::filesystem::directory_iterator(objects_dir / "pack", error)) {
        if (entry.path().extension() == ".idx") {
            indexes.push_back(entry.path());
        }
    }
    std::sort(indexes.begin(), indexes.end()); // the same order on every run
    for (const auto& path : indexes) {
        auto pack = std::make_unique<Pack>();
        const std::string identity = file_identity(path);
        pack->index = MappedFile::open(path);
        pack->data_path = std::filesystem::path(path).replace_extension(".pack").string();
        pack->data = MappedFile::open(pack->data_path);
        if (!pack->index || !pack->data || !pack->open() || m_packs.size() >= 0xffff) {
            continue;
        }
        if ((identity.empty() || !known.contains(identity)) &&
            !trailer_matches(pack->index->bytes())) {
            fail("the pack index {} is damaged: its checksum does not match its content (run "
                 "'git fsck'; 'git index-pack' on its pack writes it anew)",
                 path.string());
        }
        if (!identity.empty()) {
            m_verified.insert(identity);
        }
        m_packs.push_back(std::move(pack));
    }
}

PackSet::~PackSet() = default;

void PackSet::prefetch(std::span<const git_oid> ids) const {
    // Each pack touches its own index for every id: with many packs (a repository not
    // repacked for long) that costs more than it saves.
    if (m_packs.size() > k_most_packs_to_prefetch) {
        return;
    }
    for (const auto& pack : m_packs) {
        pack->prefetch(ids);
    }
}

std::optional<PackSet::Location> PackSet::find(const git_oid& id) const {
    for (std::uint32_t i = 0; i < m_packs.size(); ++i) {
        if (const auto found = m_packs[i]->find(id)) {
            return Location{i, found->first, found->second};
        }
    }
    return std::nullopt;
}

ObjectReader::ObjectReader(git_repository* repo, std::shared_ptr<const PackSet> packs,
                           std::shared_ptr<const Rewrites> rewrites)
    : m_packs(std::move(packs)), m_rewrites(rewrites ? std::move(rewrites) : Rewrites::load(repo)) {
    check(git_repository_odb(out(m_odb), repo), "opening object database");
    if (m_packs) {
        m_inflate = libdeflate_alloc_decompressor();
        if (!m_inflate) {
            throw std::bad_alloc();
        }
    }
}

ObjectReader::~ObjectReader() {
    if (m_inflate) {
        libdeflate_free_decompressor(m_inflate);
    }
}

std::pair<ObjectBytes, git_object_t>
ObjectReader::read_with_libgit2(const git_oid& id, const std::function<std::string()>& context) {
    ++m_stats.from_libgit2;
    git_odb_object* raw = nullptr;
    if (const int status = git_odb_read(&raw, m_odb.get(), &id); status < 0) {
        throw_last_error(status, context());
    }
    const std::shared_ptr<git_odb_object> object(raw, git_odb_object_free);
    return {ObjectBytes(std::shared_ptr<const char[]>(
                            object, static_cast<const char*>(git_odb_object_data(raw))),
                        git_odb_object_size(raw)),
            git_odb_object_type(raw)};
}

std::pair<ObjectBytes, git_object_t> ObjectReader::read(const git_oid& wanted,
                                                        std::string_view kind) {
    const git_oid& id = m_rewrites->object(wanted);
    auto object = read_object(id);
    if (!object.first) {
        object = read_with_libgit2(id, [&] {
            return git_oid_equal(&id, &wanted)
                       ? fmt::format("reading {} {}", kind, id)
                       : fmt::format("reading {} {} (replaced by {})", kind, wanted, id);
        });
    }
    return object;
}

namespace {

/// True when `object` is the object `id` names: its bytes hash to it. Damage the inflated
/// bytes do not show (unused bits at the end of a compressed stream) leaves them whole.
bool hashes_to(const git_oid& id, const ObjectBytes& bytes, int type) {
    git_oid hashed;
    return git_odb_hash(&hashed, bytes.view().data(), bytes.size(),
                        static_cast<git_object_t>(type)) == 0 &&
           git_oid_equal(&hashed, &id);
}

} // namespace

std::pair<ObjectBytes, git_object_t> ObjectReader::read_object(const git_oid& id) {
    if (!m_packs) {
        return {};
    }
    const auto where = m_packs->find(id);
    if (!where) {
        return {};
    }
    std::optional<Packed> object;
    try {
        object = read_packed(*where, 0);
    } catch (const std::bad_alloc&) {
        // A size a damaged header claims, still within the bounds checked: libgit2 reads
        // the object (or says what is wrong with it).
    }
    if (!object) {
        // libgit2 says what is wrong, unless the chain of deltas loops: libgit2 1.5 would
        // follow it for ever.
        fail_if_chain_loops(*where);
        return {};
    }
    // An index whose offset leads to another entry (its checksum is verified once, but
    // it may be damaged since), or damaged bytes that still inflate.
    if (where->crc && object->crc != *where->crc && !hashes_to(id, object->bytes, object->type)) {
        fail("reading object {}: the pack entry at offset {} of {} is not the one its index "
             "records (CRC-32 {:08x}, expected {:08x}): the pack or its index is damaged (run "
             "'git fsck')",
             id, where->offset, m_packs->pack(where->pack).data_path, object->crc, *where->crc);
    }
    ++m_stats.from_packs;
    return {std::move(object->bytes), static_cast<git_object_t>(object->type)};
}

std::optional<ObjectReader::EntryHeader> ObjectReader::entry_header(PackSet::Location where) const {
    const auto& pack = m_packs->pack(where.pack);
    const unsigned char* const begin = pack.bytes();
    const std::uint64_t end = pack.end();
    if (where.offset < 12 || where.offset >= end || where.offset >= (std::uint64_t{1} << 48)) {
        return std::nullopt;
    }
    // The type and inflated size, then for deltas where the base is.
    const unsigned char* p = begin + where.offset;
    const unsigned char* const limit = begin + end;
    unsigned char byte = *p++;
    EntryHeader header;
    header.type = (byte >> 4) & 7;
    header.size = byte & 15u;
    for (int shift = 4; byte & 0x80; shift += 7) {
        if (p == limit || shift > 60) {
            return std::nullopt;
        }
        byte = *p++;
        header.size |= std::uint64_t{byte & 0x7fu} << shift;
    }
    if (header.type == k_ofs_delta) {
        if (p == limit) {
            return std::nullopt;
        }
        byte = *p++;
        std::uint64_t distance = byte & 0x7fu;
        while (byte & 0x80) {
            if (p == limit || distance > (std::uint64_t{1} << 48)) {
                return std::nullopt;
            }
            byte = *p++;
            distance = ((distance + 1) << 7) | (byte & 0x7fu);
        }
        if (distance == 0 || distance > where.offset) {
            return std::nullopt;
        }
        header.base = PackSet::Location{where.pack, where.offset - distance, std::nullopt};
    } else if (header.type == k_ref_delta) {
        if (limit - p < static_cast<std::ptrdiff_t>(k_hash)) {
            return std::nullopt;
        }
        git_oid base_id;
        std::memcpy(base_id.id, p, k_hash);
        p += k_hash;
        header.base = m_packs->find(base_id);
        if (!header.base) {
            return std::nullopt; // a thin pack's base outside the packs: libgit2's
        }
    } else if (header.type < GIT_OBJECT_COMMIT || header.type > GIT_OBJECT_TAG) {
        return std::nullopt;
    }
    header.data = p;
    return header;
}

void ObjectReader::fail_if_chain_loops(PackSet::Location where) const {
    // Offset deltas point backwards, but a reference delta may name any entry, itself
    // too: libgit2 1.5 would follow such a loop for ever.
    std::unordered_set<std::uint64_t> seen;
    const std::uint64_t start = where.offset;
    std::optional<PackSet::Location> at = where;
    while (at) {
        if (!seen.insert((std::uint64_t{at->pack} << 48) | at->offset).second) {
            fail("reading the entry at offset {} of {}: its chain of deltas loops back on "
                 "itself: the pack is damaged (run 'git fsck')",
                 start, m_packs->pack(where.pack).data_path);
        }
        const auto header = entry_header(*at);
        if (!header) {
            return;
        }
        at = header->base;
    }
}

std::optional<ObjectReader::Packed> ObjectReader::read_packed(PackSet::Location where, int depth) {
    const std::uint64_t key = (std::uint64_t{where.pack} << 48) | where.offset;
    if (const auto found = m_cached.find(key); found != m_cached.end()) {
        m_recent.splice(m_recent.begin(), m_recent, found->second);
        return found->second->object;
    }
    if (depth > k_max_depth) {
        fail_if_chain_loops(where);
        return std::nullopt; // a chain this deep is libgit2's
    }
    const auto header = entry_header(where);
    if (!header) {
        return std::nullopt;
    }
    const auto& pack = m_packs->pack(where.pack);
    const unsigned char* const begin = pack.bytes();
    const unsigned char* const limit = begin + pack.end();
    const unsigned char* const p = header->data;
    const int type = header->type;
    const std::uint64_t size = header->size;
    const std::optional<PackSet::Location>& base = header->base;
    // Deflate expands at most 1032 times: a larger size is damage, not worth allocating for.
    if (size > k_max_object_size || size > static_cast<std::uint64_t>(limit - p) * 1032 + 1024) {
        return std::nullopt;
    }

    // The compressed data runs to at most the end of the pack; libdeflate stops at the
    // end of the stream and checks its Adler-32.
    // The entry's CRC-32 (what the index records) covers its header and compressed data.
    std::uint32_t crc = 0;
    const auto inflate = [&](char* out) {
        std::size_t read = 0;
        std::size_t written = 0;
        const auto status =
            libdeflate_zlib_decompress_ex(m_inflate, p, limit - p, out, size, &read, &written);
        if (status != LIBDEFLATE_SUCCESS || written != size) {
            return false;
        }
        const unsigned char* const entry = begin + where.offset;
        crc = libdeflate_crc32(0, entry, static_cast<std::size_t>(p + read - entry));
        return true;
    };
    if (!base) {
        auto data = std::make_shared_for_overwrite<char[]>(std::max<std::uint64_t>(size, 1));
        if (!inflate(data.get())) {
            return std::nullopt;
        }
        Packed object{ObjectBytes(std::move(data), size), type, crc};
        remember(key, object);
        return object;
    }
    auto base_object = read_packed(*base, depth + 1);
    if (!base_object) {
        return std::nullopt;
    }
    m_delta.resize(std::max<std::uint64_t>(size, 1));
    if (!inflate(m_delta.data())) {
        return std::nullopt;
    }
    Packed object{apply_delta(base_object->bytes.view(), std::string_view(m_delta.data(), size)),
                  base_object->type, crc};
    if (!object.bytes) {
        return std::nullopt;
    }
    remember(key, object);
    return object;
}

void ObjectReader::remember(std::uint64_t key, const Packed& object) {
    if (object.bytes.size() > k_cache_budget / 2) {
        return; // one huge object would push out everything else
    }
    m_recent.push_front(Cached{key, object});
    m_cached[key] = m_recent.begin();
    m_cached_bytes += object.bytes.size();
    while (m_cached_bytes > k_cache_budget) {
        m_cached_bytes -= m_recent.back().object.bytes.size();
        m_cached.erase(m_recent.back().key);
        m_recent.pop_back();
    }
}

} // namespace gh::git
