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

/// The mode a new file gets (0666 less the umask). umask can only be read by setting
/// it, so it is read once, before any thread writes files.
mode_t creation_mode() {
    static const mode_t mode = [] {
        const mode_t mask = umask(0);
        umask(mask);
        return static_cast<mode_t>(0666 & ~mask);
    }();
    return mode;
}

} // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : m_path(std::move(path)) {
    m_temporary =
        (m_path.parent_path() / ("." + m_path.filename().string() + ".tmp-XXXXXX")).string();
    m_fd = mkstemp(m_temporary.data());
    if (m_fd < 0) {
        fail("cannot create a temporary file next to {}: {}", m_path.string(),
             std::strerror(errno));
    }
}

AtomicFileWriter::~AtomicFileWriter() {
    if (m_fd >= 0) {
        close(m_fd);
        unlink(m_temporary.c_str());
    }
}

void AtomicFileWriter::give_up(std::string_view doing) {
    const int saved = errno;
    close(m_fd);
    m_fd = -1;
    unlink(m_temporary.c_str());
    fail("{} {}: {}", doing, m_path.string(), std::strerror(saved));
}

void AtomicFileWriter::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            give_up("cannot write");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void AtomicFileWriter::commit() {
    if (fchmod(m_fd, creation_mode()) != 0) {
        give_up("cannot set the permissions of");
    }
    if (close(m_fd) != 0) {
        m_fd = -1;
        const int saved = errno;
        unlink(m_temporary.c_str());
        fail("cannot write {}: {}", m_path.string(), std::strerror(saved));
    }
    m_fd = -1;
    if (std::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
        const int saved = errno;
        unlink(m_temporary.c_str());
        fail("cannot replace {}: {}", m_path.string(), std::strerror(saved));
    }
}

bool write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    if (holds(path, content)) {
        return false;
    }
    AtomicFileWriter writer(path);
    writer.write(content);
    writer.commit();
    return true;
}

} // namespace gh
