#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace gh {

/// Writes a file so that readers see the old file or the new one, never a half-written
/// one: the bytes go to a temporary file in the same directory, which `commit` renames
/// over the target. A writer destroyed without `commit` removes its temporary file.
class AtomicFileWriter {
  public:
    explicit AtomicFileWriter(std::filesystem::path path);
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
    ~AtomicFileWriter();

    void write(std::string_view bytes);
    void commit();

  private:
    [[noreturn]] void give_up(std::string_view doing);

    std::filesystem::path m_path;
    std::string m_temporary;
    int m_fd = -1;
};

/// Replaces `path` with `content` atomically (see AtomicFileWriter). A file that already
/// holds exactly `content` is left untouched (its modification time too), and false is
/// returned.
bool write_file_atomically(const std::filesystem::path& path, std::string_view content);

} // namespace gh
