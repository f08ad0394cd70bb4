#pragma once

// A hash index from texts to 32-bit values whose texts are kept elsewhere, and an arena
// that keeps texts at fixed addresses. The table builder looks up every changed line
// twice (as written, then by key); node-based maps cost an allocation per entry and a
// cache miss per probe.

#include "util/hash.hpp"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace gh {

/// Open addressing with linear probing; `text_of(value)` gives a value's text.
class TextIndex {
  public:
    template <typename TextOf>
    std::optional<std::uint32_t> find(std::string_view text, std::uint64_t hash,
                                      const TextOf& text_of) const {
        if (m_slots.empty()) {
            return std::nullopt;
        }
        for (std::size_t at = hash & m_mask;; at = (at + 1) & m_mask) {
            const Slot& slot = m_slots[at];
            if (slot.value == k_empty) {
                return std::nullopt;
            }
            if (slot.hash == hash && text_of(slot.value) == text) {
                return slot.value;
            }
        }
    }

    /// Adds a value whose text is not in the index yet.
    void insert(std::uint64_t hash, std::uint32_t value) {
        if ((m_size + 1) * 2 > m_slots.size()) {
            grow();
        }
        place({hash, value});
        ++m_size;
    }

    std::size_t size() const { return m_size; }
    void clear() {
        m_slots.clear();
        m_mask = 0;
        m_size = 0;
    }

  private:
    static constexpr std::uint32_t k_empty = UINT32_MAX;
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t value = k_empty;
    };

    void place(const Slot& entry) {
        std::size_t at = entry.hash & m_mask;
        while (m_slots[at].value != k_empty) {
            at = (at + 1) & m_mask;
        }
        m_slots[at] = entry;
    }

    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        m_mask = m_slots.size() - 1;
        for (const Slot& slot : old) {
            if (slot.value != k_empty) {
                place(slot);
            }
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

/// Copies of texts at addresses that never change (not even when the arena is moved),
/// and whatever else the texts handed out point into, kept alive as long as the arena.
/// Texts handed out may be read from any thread; adding texts is for one thread at a time.
class TextArena {
  public:
    /// Keeps `owner` alive with the arena (texts handed out that point into it stay valid).
    void keep(std::shared_ptr<const void> owner) { m_kept.push_back(std::move(owner)); }

    std::string_view copy(std::string_view text) { return join({text}); }

    /// One text made of `parts`, one after the other.
    std::string_view join(std::initializer_list<std::string_view> parts) {
        std::size_t size = 0;
        for (const std::string_view part : parts) {
            size += part.size();
        }
        if (size > m_left) {
            const std::size_t chunk = std::max(k_chunk, size);
            m_chunks.push_back(std::make_unique_for_overwrite<char[]>(chunk));
            m_next = m_chunks.back().get();
            m_left = chunk;
        }
        const std::string_view joined(m_next, size);
        for (const std::string_view part : parts) {
            if (!part.empty()) {
                std::memcpy(m_next, part.data(), part.size());
                m_next += part.size();
            }
        }
        m_left -= size;
        return joined;
    }

  private:
    static constexpr std::size_t k_chunk = 32 * 1024;
    std::vector<std::unique_ptr<char[]>> m_chunks;
    std::vector<std::shared_ptr<const void>> m_kept;
    char* m_next = nullptr;
    std::size_t m_left = 0;
};

} // namespace gh
