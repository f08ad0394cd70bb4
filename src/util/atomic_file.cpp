#include "util/atomic_file.hpp"

#include "util/error.hpp"
#include "util/parse_number.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace gh {

namespace {

/// True when the open file `fd` holds exactly `content`.
bool holds(int fd, std::string_view content) {
    struct stat status {};
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
        static_cast<std::uintmax_t>(status.st_size) != content.size()) {
        return false;
    }
    std::string existing(content.size(), '\0');
    std::size_t done = 0;
    while (done < existing.size()) {
        const ssize_t n =
            pread(fd, existing.data() + done, existing.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return existing == content;
}

FileDescriptor open_existing(const std::filesystem::path& path) {
    int fd;
    do {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    return FileDescriptor(fd);
}

/// The umask. It can only be read by setting it, so it is read once, before any thread
/// writes files.
mode_t creation_mask() {
    static const mode_t mask = [] {
        const mode_t value = umask(0);
        umask(value);
        return value;
    }();
    return mask;
}

/// The mode a new file gets: 0666 less the umask.
mode_t creation_mode() {
    return static_cast<mode_t>(0666 & ~creation_mask());
}

/// Writes all of `bytes` to `fd`; false (with errno set) when a write fails.
bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

/// `.<name>.tmp-<pid>-XXXXXX` beside `path`, for mkostemp and mkdtemp.
std::string temporary_name(const std::filesystem::path& path) {
    // Appended piece by piece: GCC 12 warns wrongly about "." + name at -O3 (-Wrestrict).
    std::string name = ".";
    name += path.filename().string();
    name += ".tmp-";
    name += std::to_string(getpid());
    name += "-XXXXXX";
    return (path.parent_path() / name).string();
}

} // namespace

FileReleaser::~FileReleaser() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) {
        m_thread.join(); // it returns once it has closed everything
    }
}

void FileReleaser::release(int fd) {
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (!m_thread.joinable()) {
            try {
                m_thread = std::thread([this] { run(); });
            } catch (const std::system_error&) {
                m_held = k_max_held; // no thread: files are let go of where they are replaced
            }
        }
        if (m_held < k_max_held) {
            ++m_held;
            m_fds.push_back(fd);
            wake = m_fds.size() >= m_batch;
            fd = -1;
        }
    }
    if (fd >= 0) {
        ::close(fd); // as many are held as the process should keep open: this one waits here
    }
    if (wake) {
        m_wake.notify_one();
    }
}

void FileReleaser::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_stopping || m_fds.size() >= m_batch; });
        if (m_fds.empty()) {
            return; // stopping (a batch is never empty), and nothing left
        }
        std::vector<int> fds;
        fds.swap(m_fds);
        lock.unlock();
        for (const int fd : fds) {
            ::close(fd);
        }
        lock.lock();
        m_held -= fds.size();
    }
}

TemporaryFile::TemporaryFile(std::filesystem::path path) : m_path(std::move(path)) {
    m_temporary = temporary_name(m_path);
    m_fd.reset(mkostemp(m_temporary.data(), O_CLOEXEC));
    if (!m_fd) {
        fail("cannot create a temporary file next to {}: {}", m_path.string(),
             std::strerror(errno));
    }
    // Without the lock (a file system that has none), it is still known by its process id.
    flock(m_fd.get(), LOCK_EX | LOCK_NB);
    if (fchmod(m_fd.get(), creation_mode()) != 0) {
        give_up("cannot set the permissions of a temporary file for");
    }
}

TemporaryFile::~TemporaryFile() {
    if (m_fd) {
        unlink(m_temporary.c_str()); // while it is locked: no one else removes it
    }
}

void TemporaryFile::give_up(std::string_view doing) {
    const int saved = errno;
    unlink(m_temporary.c_str());
    m_fd.reset();
    fail("{} {}: {}", doing, m_path.string(), std::strerror(saved));
}

void TemporaryFile::commit() {
    // Closed first, so that an error the file system reports only at close (NFS, say)
    // leaves the target as it was. Unlocked until it is renamed, it is still not taken for
    // stale: its process is alive.
    if (!m_fd.close()) {
        const int saved = errno;
        unlink(m_temporary.c_str());
        fail("cannot write {}: {}", m_path.string(), std::strerror(saved));
    }
    if (std::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
        const int saved = errno;
        unlink(m_temporary.c_str());
        fail("cannot replace {}: {}", m_path.string(), std::strerror(saved));
    }
}

TemporaryDirectory::TemporaryDirectory(std::filesystem::path path) : m_path(std::move(path)) {
    std::string temporary = temporary_name(m_path);
    if (!mkdtemp(temporary.data())) {
        fail("cannot create a temporary directory next to {}: {}", m_path.string(),
             std::strerror(errno));
    }
    m_temporary = temporary;
    m_fd.reset(::open(temporary.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!m_fd || fchmod(m_fd.get(), static_cast<mode_t>(0777 & ~creation_mask())) != 0) {
        const int saved = errno;
        std::error_code ignored;
        std::filesystem::remove_all(m_temporary, ignored);
        fail("cannot prepare a temporary directory next to {}: {}", m_path.string(),
             std::strerror(saved));
    }
    flock(m_fd.get(), LOCK_EX | LOCK_NB);
}

TemporaryDirectory::~TemporaryDirectory() {
    if (!m_committed) {
        std::error_code ignored; // while it is locked: no one else removes it
        std::filesystem::remove_all(m_temporary, ignored);
    }
}

void TemporaryDirectory::write(const std::string& name, std::string_view content) {
    FileDescriptor fd;
    do {
        fd.reset(::openat(m_fd.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                          creation_mode()));
    } while (!fd && errno == EINTR);
    if (!fd) {
        fail("cannot create {}: {}", (m_path / name).string(), std::strerror(errno));
    }
    if (!write_all(fd.get(), content) || !fd.close()) {
        fail("cannot write {}: {}", (m_path / name).string(), std::strerror(errno));
    }
}

void TemporaryDirectory::commit() {
    if (::rename(m_temporary.c_str(), m_path.c_str()) == 0) {
        m_committed = true;
        return;
    }
    if (errno != EEXIST && errno != ENOTEMPTY) {
        fail("cannot rename {} to {}: {}", m_temporary.string(), m_path.string(),
             std::strerror(errno));
    }
    std::error_code error;
    for (std::filesystem::directory_iterator entry(m_temporary, error), end; !error && entry != end;
         entry.increment(error)) {
        const auto target = m_path / entry->path().filename();
        if (::rename(entry->path().c_str(), target.c_str()) != 0) {
            fail("cannot replace {}: {}", target.string(), std::strerror(errno));
        }
    }
    if (error) {
        fail("cannot read {}: {}", m_temporary.string(), error.message());
    }
}

namespace {

/// The process id in a temporary file's name suffix (what follows ".tmp-"), when it has
/// one: "<pid>-XXXXXX" now, "<pid>" for exports of earlier versions.
std::optional<pid_t> writer_of(std::string_view suffix) {
    const auto digits = suffix.substr(0, suffix.find('-'));
    pid_t pid = 0;
    if (!parse_number(digits, pid) || pid <= 0 ||
        (digits.size() != suffix.size() && suffix.size() != digits.size() + 7)) {
        return std::nullopt;
    }
    return pid;
}

bool is_alive(pid_t pid) {
    return kill(pid, 0) == 0 || errno == EPERM;
}

/// Removes `path` if no one holds its lock: its writer is gone.
void remove_if_unlocked(const std::filesystem::path& path) {
    const FileDescriptor fd(
        ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        return;
    }
    struct stat opened {};
    struct stat named {};
    if (fstat(fd.get(), &opened) == 0 && (S_ISREG(opened.st_mode) || S_ISDIR(opened.st_mode)) &&
        flock(fd.get(), LOCK_EX | LOCK_NB) == 0 && lstat(path.c_str(), &named) == 0 &&
        named.st_ino == opened.st_ino && named.st_dev == opened.st_dev) {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored); // a TemporaryDirectory with its files
    }
}

} // namespace

void remove_stale_temporaries(const std::filesystem::path& dir,
                              const std::function<bool(std::string_view target)>& ours) {
    std::error_code error;
    for (std::filesystem::directory_iterator entry(dir, error), end; !error && entry != end;
         entry.increment(error)) {
        const std::string name = entry->path().filename().string();
        const auto marker = name.rfind(".tmp-");
        if (!name.starts_with('.') || marker == std::string::npos || marker < 2 ||
            !ours(std::string_view(name).substr(1, marker - 1))) {
            continue;
        }
        const std::string_view suffix = std::string_view(name).substr(marker + 5);
        const auto pid = writer_of(suffix);
        if (pid ? is_alive(*pid) : suffix.size() != 6) {
            continue; // its writer may still be at work, or it is not one of ours
        }
        remove_if_unlocked(entry->path());
    }
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path, FileReleaser* releaser)
    : m_file(std::move(path)), m_releaser(releaser) {}

void AtomicFileWriter::write(std::string_view bytes) {
    if (!write_all(m_file.fd(), bytes)) {
        m_file.give_up("cannot write");
    }
}

void AtomicFileWriter::commit() {
    if (m_releaser && !m_old) {
        m_old = open_existing(m_file.path());
    }
    m_file.commit();
    if (m_old && m_releaser) {
        m_releaser->release(m_old.release());
    }
}

bool write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           FileReleaser* releaser) {
    FileDescriptor existing = open_existing(path);
    if (existing && holds(existing.get(), content)) {
        return false;
    }
    AtomicFileWriter writer(path, releaser);
    if (existing && releaser) {
        writer.replacing(std::move(existing));
    }
    writer.write(content);
    writer.commit();
    return true;
}

} // namespace gh
