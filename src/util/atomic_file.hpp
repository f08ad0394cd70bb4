#pragma once

#include <filesystem>
#include <string_view>

namespace gh {

/// Replaces `path` with `content` so that readers see the old file or the new one,
/// never a half-written one: the bytes go to a temporary file in the same directory,
/// which is then renamed over `path`. A file that already holds exactly `content` is
/// left untouched (its modification time too), and false is returned.
bool write_file_atomically(const std::filesystem::path& path, std::string_view content);

} // namespace gh
