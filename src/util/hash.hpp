#pragma once

// The program's one hash: XXH3-64, for hash tables, the cache's checksums and the names
// of its files. Not a defence against hostile inputs: a collision only costs a probe,
// every match is confirmed by comparing the texts, and a checksum only detects damage.

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL // inlined where it is called: most texts hashed are short lines
#endif
#include <cstdint>
#include <string_view>
#include <xxhash.h>

namespace gh {

/// XXH3-64 of `text`.
inline std::uint64_t hash_text(std::string_view text) noexcept {
    return XXH3_64bits(text.data(), text.size());
}

} // namespace gh
