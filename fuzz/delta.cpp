// Fuzzes the pack reader's delta application against a small reference of git's delta
// format (gitformat-pack.txt, "Deltified representation"), written for clarity.

#include "git/object_reader.hpp"
#include "support.hpp"

#include <optional>
#include <string>

namespace {

/// The reference: reads the instructions one at a time, checking every read.
class ReferenceDelta {
  public:
    explicit ReferenceDelta(std::string_view delta) : m_rest(delta) {}

    std::optional<std::string> apply(std::string_view base) {
        const auto base_size = size();
        const auto result_size = size();
        if (!base_size || !result_size || *base_size != base.size()) {
            return std::nullopt;
        }
        std::string result;
        while (!m_rest.empty()) {
            const unsigned op = next();
            std::string_view piece;
            if (op & 0x80) {
                const std::uint64_t offset = bytes_for(op, 4);
                std::uint64_t length = bytes_for(op >> 4, 3);
                if (m_truncated) {
                    return std::nullopt;
                }
                length = length == 0 ? 0x10000 : length;
                if (offset + length > base.size()) {
                    return std::nullopt;
                }
                piece = base.substr(offset, length);
            } else if (op != 0 && op <= m_rest.size()) {
                piece = m_rest.substr(0, op);
                m_rest.remove_prefix(op);
            } else {
                return std::nullopt; // 0 is reserved; or the inserted bytes are missing
            }
            if (result.size() + piece.size() > *result_size) {
                return std::nullopt;
            }
            result += piece;
        }
        if (result.size() != *result_size) {
            return std::nullopt;
        }
        return result;
    }

  private:
    unsigned next() {
        if (m_rest.empty()) {
            m_truncated = true;
            return 0;
        }
        const auto byte = static_cast<unsigned char>(m_rest[0]);
        m_rest.remove_prefix(1);
        return byte;
    }

    /// Little-endian bytes, present only where `mask`'s low `count` bits are set.
    std::uint64_t bytes_for(unsigned mask, int count) {
        std::uint64_t value = 0;
        for (int i = 0; i < count; ++i) {
            if (mask & (1u << i)) {
                value |= std::uint64_t{next()} << (8 * i);
            }
        }
        return value;
    }

    /// A size: seven bits a byte, low bits first, at most ten bytes (64 bits).
    std::optional<std::uint64_t> size() {
        std::uint64_t value = 0;
        for (int i = 0; i < 10; ++i) {
            const unsigned byte = next();
            if (m_truncated) {
                return std::nullopt;
            }
            value |= std::uint64_t{byte & 0x7fu} << (7 * i);
            if (!(byte & 0x80)) {
                return value;
            }
        }
        return std::nullopt;
    }

    std::string_view m_rest;
    bool m_truncated = false;
};

} // namespace

/// The input: two bytes giving the base's length (big-endian), the base, then the delta.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    std::string_view input = gh::fuzz::as_text(data + 2, size - 2);
    const std::string_view base = input.substr(0, std::size_t{data[0]} << 8 | data[1]);
    input.remove_prefix(base.size());
    const std::string_view delta = input;

    const gh::git::ObjectBytes ours = gh::git::apply_delta(base, delta);
    const auto reference = ReferenceDelta(delta).apply(base);
    GH_FUZZ_REQUIRE(static_cast<bool>(ours) == reference.has_value());
    if (reference) {
        GH_FUZZ_REQUIRE(ours.view() == *reference);
    }
    return 0;
}
