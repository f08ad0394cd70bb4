#pragma once

#include <charconv>
#include <string_view>
#include <system_error>

namespace gh {

/// Reads all of `text` as a number in decimal: false (and `value` unspecified) when it is
/// empty, holds anything else (a sign on an unsigned type, spaces, a suffix), or does
/// not fit. std::from_chars alone stops at the first character it does not take.
template <typename Number>
bool parse_number(std::string_view text, Number& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

} // namespace gh
