#pragma once

#include <string_view>

namespace gh {

/// True when `name` can be used as a file name on its own without surprises: 1 to 200
/// bytes of letters, digits, '_', '-' and '.', not starting with '.' or '-'. Playlist
/// ids are 22 base62 characters; anything else found in a tree is refused, not written.
bool is_safe_file_name(std::string_view name);

} // namespace gh
