#pragma once

#include <unistd.h>
#include <utility>

namespace gh {

/// An open file descriptor, closed when it goes out of scope: an error path cannot leak it.
/// Where a close can fail in a way that matters (a file just written), call `close` and
/// check it; the destructor ignores the result.
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) noexcept : m_fd(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) {
            reset(std::exchange(other.m_fd, -1));
        }
        return *this;
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }

    int get() const noexcept { return m_fd; }
    explicit operator bool() const noexcept { return m_fd >= 0; }

    /// Gives the descriptor up without closing it.
    int release() noexcept { return std::exchange(m_fd, -1); }

    /// Closes the descriptor held, if any, and holds `fd` instead.
    void reset(int fd = -1) noexcept {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = fd;
    }

    /// Closes the descriptor now; false (with errno set) when close reports an error.
    bool close() noexcept { return m_fd < 0 || ::close(std::exchange(m_fd, -1)) == 0; }

  private:
    int m_fd = -1;
};

} // namespace gh
