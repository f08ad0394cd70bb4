#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

namespace gh {

/// A whole file mapped read-only into memory: large files are read without copying.
class MappedFile {
  public:
    /// The file, or null when it does not exist or cannot be read.
    static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

  private:
    MappedFile(void* data, std::size_t size) : m_data(data), m_size(size) {}
    void* m_data;
    std::size_t m_size;
};

} // namespace gh
