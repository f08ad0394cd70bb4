#pragma once

#include "util/file_descriptor.hpp"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace gh {

/// Lets go of the old versions of replaced files on a thread of its own. Replacing a file
/// frees its old version's blocks, which some file systems do while the replacing thread
/// waits (ext4 mounted with `discard` waits for the disk to discard them, about a
/// millisecond a file). Holding the old version open until this thread closes it moves
/// that wait off the threads that build and write. The destructor waits for every close.
class FileReleaser {
  public:
    /// The thread is woken once `batch` files wait (waking it costs a system call).
    explicit FileReleaser(std::size_t batch = 8) : m_batch(std::max<std::size_t>(batch, 1)) {}
    FileReleaser(const FileReleaser&) = delete;
    FileReleaser& operator=(const FileReleaser&) = delete;
    ~FileReleaser();

    /// Closes `fd` on the releaser's thread (started when first needed); at once, here,
    /// when k_max_held files are held already.
    void release(int fd);
    static constexpr std::size_t k_max_held = 64;

  private:
    void run();

    std::size_t m_batch;
    std::size_t m_held = 0; ///< given to the thread and not closed yet
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<int> m_fds;
    bool m_stopping = false;
    std::thread m_thread;
};

/// The file that will replace `path` once complete: `.<name>.tmp-<pid>-XXXXXX` in the same
/// directory, with the mode a new file gets (0666 less the umask), and locked (flock) for
/// as long as it is open, so that remove_stale_temporaries can tell a file whose writer
/// was killed from one being written. Destroyed without `commit`, it is removed.
class TemporaryFile {
  public:
    explicit TemporaryFile(std::filesystem::path path);
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile();

    int fd() const { return m_fd.get(); }
    const std::string& temporary_path() const { return m_temporary; }
    const std::filesystem::path& path() const { return m_path; }

    /// Closes the temporary file and renames it over `path`.
    void commit();
    /// Removes the temporary file and throws gh::Error "<doing> <path>: <errno's reason>".
    [[noreturn]] void give_up(std::string_view doing);

  private:
    std::filesystem::path m_path;
    std::string m_temporary;
    FileDescriptor m_fd;
};

/// A directory that will become `path` once complete, for files written only when `path`
/// does not exist yet: `.<name>.tmp-<pid>-XXXXXX` beside it, locked while it is open (as
/// TemporaryFile is). Its files are written as they are, not each atomically: until
/// `commit` renames the whole directory into place no reader sees them. Destroyed without
/// `commit`, it is removed with what it holds.
class TemporaryDirectory {
  public:
    explicit TemporaryDirectory(std::filesystem::path path);
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    ~TemporaryDirectory();

    const std::filesystem::path& path() const { return m_path; }
    const std::filesystem::path& temporary_path() const { return m_temporary; }

    /// Writes the new file `name` (a plain name) into the directory. Safe to call from
    /// several threads at once.
    void write(const std::string& name, std::string_view content);
    /// Renames the directory to `path`. When `path` has appeared meanwhile (another run
    /// made it), its files are moved into it one by one instead, each replacing its
    /// namesake atomically.
    void commit();

  private:
    std::filesystem::path m_path;
    std::filesystem::path m_temporary;
    FileDescriptor m_fd; ///< the directory, open for its lock
    bool m_committed = false;
};

/// Removes from `dir` the temporary files of TemporaryFile (and of earlier versions of
/// gh-analyze) and the directories of TemporaryDirectory whose writer is gone: killed
/// before it could remove them. `ours` says
/// which target file names this caller writes there; other files are never touched.
/// Failures are ignored: a stale file is only wasted space.
void remove_stale_temporaries(const std::filesystem::path& dir,
                              const std::function<bool(std::string_view target)>& ours);

/// Writes a file so that readers see the old file or the new one, never a half-written
/// one: the bytes go to a TemporaryFile, which `commit` renames over the target. A writer
/// destroyed without `commit` removes its temporary file.
class AtomicFileWriter {
  public:
    /// With a `releaser`, the file replaced by `commit` is let go of on its thread.
    explicit AtomicFileWriter(std::filesystem::path path, FileReleaser* releaser = nullptr);
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void write(std::string_view bytes);
    void commit();
    /// `fd` is the file being replaced, already open: the writer closes it, or lets its
    /// releaser do so once it is replaced.
    void replacing(FileDescriptor fd) { m_old = std::move(fd); }

  private:
    TemporaryFile m_file;
    FileReleaser* m_releaser = nullptr;
    FileDescriptor m_old; ///< the file being replaced, when it is let go of by m_releaser
};

/// Replaces `path` with `content` atomically (see AtomicFileWriter). A file that already
/// holds exactly `content` is left untouched (its modification time too), and false is
/// returned.
bool write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           FileReleaser* releaser = nullptr);

} // namespace gh
