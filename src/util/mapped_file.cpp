#include "util/mapped_file.hpp"

#include "util/file_descriptor.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gh {

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& path) {
    const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        return nullptr;
    }
    struct stat status {};
    if (fstat(fd.get(), &status) != 0) {
        return nullptr;
    }
    const auto size = static_cast<std::size_t>(status.st_size);
    void* data = nullptr;
    if (size > 0) {
        data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
        if (data == MAP_FAILED) {
            return nullptr;
        }
    }
    // (the mapping stays valid once the descriptor is closed)
    return std::shared_ptr<const MappedFile>(new MappedFile(data, size));
}

MappedFile::~MappedFile() {
    if (m_data) {
        munmap(m_data, m_size);
    }
}

} // namespace gh
