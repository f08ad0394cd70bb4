#include "util/atomic_file.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

namespace gh {

namespace {

bool holds(const std::filesystem::path& path, std::string_view content) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error || size != content.size()) {
        return false;
    }
    std::ifstream file(path, std::ios::binary);
    std::string existing(content.size(), '\0');
    return file.read(existing.data(), static_cast<std::streamsize>(existing.size())) &&
           existing == content;
}

mode_t creation_mode() {
    const mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

} // namespace

bool write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    if (holds(path, content)) {
        return false;
    }
    std::string temporary = (path.parent_path() / ("." + path.filename().string() + ".tmp-XXXXXX"));
    const int fd = mkstemp(temporary.data());
    if (fd < 0) {
        fail("cannot create a temporary file next to {}: {}", path.string(), std::strerror(errno));
    }
    const auto give_up = [&](std::string_view doing) {
        const int saved = errno;
        close(fd);
        unlink(temporary.c_str());
        fail("{} {}: {}", doing, path.string(), std::strerror(saved));
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            give_up("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (fchmod(fd, creation_mode()) != 0) {
        give_up("cannot set the permissions of");
    }
    if (close(fd) != 0) {
        const int saved = errno;
        unlink(temporary.c_str());
        fail("cannot write {}: {}", path.string(), std::strerror(saved));
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int saved = errno;
        unlink(temporary.c_str());
        fail("cannot replace {}: {}", path.string(), std::strerror(saved));
    }
    return true;
}

} // namespace gh
