#pragma once

// The lock file, `<git-dir>/gh-analyze/lock` (docs/CACHE-FORMAT.md, "The lock file").

#include "util/file_descriptor.hpp"

#include <filesystem>

namespace gh::cache {

/// An exclusive lock on a directory, held while the object exists (an flock on its empty
/// file `lock`), so that two runs cannot interleave their reads and writes there: a second
/// run waits for the first.
class Lock {
  public:
    /// Creates `<directory>/lock` if it is missing and takes the lock, waiting (with a
    /// note) while another process holds it; throws gh::Error when it cannot.
    explicit Lock(const std::filesystem::path& directory);

  private:
    FileDescriptor m_file; ///< closing it releases the lock
};

} // namespace gh::cache
