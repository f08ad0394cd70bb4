#include "cache/lock.hpp"

#include "util/error.hpp"
#include "util/terminal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>

namespace gh::cache {

Lock::Lock(const std::filesystem::path& directory) {
    const auto path = directory / "lock";
    m_file.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666));
    if (!m_file) {
        fail("cannot open the cache lock {}: {} (use --no-cache)", path.string(),
             std::strerror(errno));
    }
    if (flock(m_file.get(), LOCK_EX | LOCK_NB) != 0) {
        note("waiting for another gh-analyze run to finish with the cache");
        if (flock(m_file.get(), LOCK_EX) != 0) {
            fail("cannot lock the cache {}: {}", path.string(), std::strerror(errno));
        }
    }
}

} // namespace gh::cache
