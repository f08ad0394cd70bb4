#pragma once

#include <string_view>

namespace gh {

/// True when `name` can be used as a file name on its own without surprises: 1 to 200
/// bytes of well-formed UTF-8 with no '/', '\\' or control characters, not "." or "..",
/// not starting with '.' (hidden, and where temporary files go) or '-' (read as an
/// option by other tools). Playlist ids are 22 base62 characters; hand-made files have
/// names like "The Other List", which are fine; anything else found in a tree is
/// refused, not written.
bool is_safe_file_name(std::string_view name);

} // namespace gh
