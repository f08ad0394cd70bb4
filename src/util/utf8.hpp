#pragma once

#include <string_view>

namespace gh {

/// True when `text` is well-formed UTF-8 (no stray continuation bytes, overlong forms,
/// surrogates or truncated sequences).
bool is_valid_utf8(std::string_view text);

} // namespace gh
