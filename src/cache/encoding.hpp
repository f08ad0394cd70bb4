#pragma once

// The byte layer of the cache's files: the terminals of docs/CACHE-FORMAT.md, "Notation"
// (little-endian integers, varints and zigzag, length-prefixed texts, object ids) and the
// XXH3 checksums. Defined here, in the header, because tables are read and written a
// number at a time: every call must be inlined into the loops of the codecs.

#include "util/atomic_file.hpp"

#include <cstdint>
#include <cstring>
#include <git2.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

// Header-only: the hash is inlined where the bytes are.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace gh::cache::detail {

/// Detects a damaged or truncated file (not a defence against tampering): XXH3, fast
/// enough (tens of gigabytes a second) to run over the whole file on every load, and
/// computed as the bytes stream out.
class Checksum {
  public:
    Checksum() { XXH3_64bits_reset(&m_state); }
    void update(std::string_view bytes) {
        XXH3_64bits_update(&m_state, bytes.data(), bytes.size());
    }
    std::uint64_t finish() const { return XXH3_64bits_digest(&m_state); }

  private:
    XXH3_state_t m_state;
};

/// The checksum of `bytes` at once.
inline std::uint64_t checksum(std::string_view bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

/// Appends values in a fixed little-endian layout; with a file attached, streams them
/// into it a megabyte at a time, keeping the checksum of everything written.
class Writer {
  public:
    Writer() = default;
    Writer(AtomicFileWriter& file, Checksum& sum) : m_file(&file), m_sum(&sum) {}

    template <typename Integer>
    void integer(Integer value) {
        static_assert(std::is_integral_v<Integer>);
        char bytes[sizeof(Integer)];
        for (std::size_t i = 0; i < sizeof(Integer); ++i) {
            bytes[i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
        }
        m_bytes.append(bytes, sizeof bytes);
    }
    void text(std::string_view value) {
        integer<std::uint32_t>(static_cast<std::uint32_t>(value.size()));
        if (m_file && value.size() >= 4096) {
            flush(); // large payloads go straight out, uncopied
            m_sum->update(value);
            m_file->write(value);
            return;
        }
        m_bytes += value;
        if (m_file && m_bytes.size() >= (1u << 20)) {
            flush();
        }
    }
    void oid(const git_oid& id) {
        m_bytes.append(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
    }
    /// Seven bits a byte, low bits first: most numbers of a table take one or two bytes.
    void varint(std::uint64_t value) {
        char bytes[10];
        std::size_t n = 0;
        for (; value >= 0x80; value >>= 7) {
            bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
        }
        bytes[n++] = static_cast<char>(value);
        m_bytes.append(bytes, n);
    }
    void signed_varint(std::int64_t value) {
        varint((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
    }
    void flush() {
        m_sum->update(m_bytes);
        m_file->write(m_bytes);
        m_bytes.clear();
    }
    std::string& bytes() { return m_bytes; }

  private:
    std::string m_bytes;
    AtomicFileWriter* m_file = nullptr;
    Checksum* m_sum = nullptr;
};

/// Reads what Writer wrote; any read past the end means the file is damaged.
class Reader {
  public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

    template <typename Integer>
    Integer integer() {
        const auto raw = take(sizeof(Integer));
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < sizeof(Integer); ++i) {
            value |= static_cast<std::uint64_t>(static_cast<unsigned char>(raw[i])) << (8 * i);
        }
        return static_cast<Integer>(value);
    }
    std::string text() { return std::string(text_view()); }
    std::string_view text_view() { return take(integer<std::uint32_t>()); }
    std::uint64_t varint() {
        if (m_bytes.size() >= 10) { // cannot run past the end: no checks a byte
            const auto* p = reinterpret_cast<const unsigned char*>(m_bytes.data());
            std::uint64_t value = 0;
            for (int i = 0; i < 10; ++i) {
                value |= static_cast<std::uint64_t>(p[i] & 0x7f) << (7 * i);
                if (!(p[i] & 0x80)) {
                    m_bytes.remove_prefix(static_cast<std::size_t>(i) + 1);
                    return value;
                }
            }
            throw std::runtime_error("a number too long");
        }
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const auto byte = static_cast<unsigned char>(take(1)[0]);
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80)) {
                return value;
            }
        }
        throw std::runtime_error("a number too long");
    }
    std::int64_t signed_varint() {
        const std::uint64_t value = varint();
        return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
    }
    std::uint32_t small(std::uint64_t limit) {
        const std::uint64_t value = varint();
        if (value > limit) {
            throw std::runtime_error("a number out of range");
        }
        return static_cast<std::uint32_t>(value);
    }
    std::string_view bytes(std::size_t size) { return take(size); }
    git_oid oid() {
        git_oid id;
        std::memcpy(id.id, take(GIT_OID_RAWSZ).data(), GIT_OID_RAWSZ);
        return id;
    }
    /// A count of items that each take at least `item_size` bytes, checked against what is left.
    std::uint32_t count(std::size_t item_size) {
        return checked_count(integer<std::uint32_t>(), item_size);
    }
    std::uint32_t varint_count(std::size_t item_size) {
        return checked_count(small(UINT32_MAX), item_size);
    }
    bool at_end() const { return m_bytes.empty(); }
    /// Where the next read starts.
    const char* position() const { return m_bytes.data(); }

  private:
    std::uint32_t checked_count(std::uint32_t n, std::size_t item_size) const {
        if (static_cast<std::uint64_t>(n) * item_size > m_bytes.size()) {
            throw std::runtime_error("a count larger than the file");
        }
        return n;
    }
    std::string_view take(std::size_t size) {
        if (size > m_bytes.size()) {
            throw std::runtime_error("the file ends early");
        }
        const auto taken = m_bytes.substr(0, size);
        m_bytes.remove_prefix(size);
        return taken;
    }
    std::string_view m_bytes;
};

/// The body of a file written as `magic`, body, XXH3-64 checksum of both: a reader of the
/// body after the magic. Throws std::runtime_error naming what is wrong (`what` is the
/// kind of file expected).
inline Reader checked_body(std::string_view bytes, std::string_view magic, std::string_view what) {
    if (bytes.size() < magic.size() + 12 || !bytes.starts_with(magic)) {
        throw std::runtime_error("not a " + std::string(what));
    }
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    Reader trailer(bytes.substr(bytes.size() - 8));
    if (trailer.integer<std::uint64_t>() != checksum(body)) {
        throw std::runtime_error("damaged or truncated (checksum mismatch)");
    }
    return Reader(body.substr(magic.size()));
}

} // namespace gh::cache::detail
