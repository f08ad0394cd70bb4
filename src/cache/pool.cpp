#include "cache/pool.hpp"

#include "cache/cache.hpp"
#include "util/error.hpp"
#include "util/file_descriptor.hpp"
#include "util/mapped_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace gh::cache::detail {

std::string_view load_pool(const std::filesystem::path& path, std::uint64_t checksum,
                           Saved& saved) {
    saved.pool_file = MappedFile::open(path);
    const auto pool_missing = [&] {
        return std::runtime_error(
            fmt::format("its string pool {} is missing or damaged", path.string()));
    };
    if (!saved.pool_file || saved.pool_file->bytes().size() < saved.pool_size) {
        throw pool_missing();
    }
    const std::string_view pool = saved.pool_file->bytes().substr(0, saved.pool_size);
    auto pool_sum = std::make_shared<PoolChecksum>();
    pool_sum->sum.update(pool);
    if (pool_sum->sum.finish() != checksum) {
        throw pool_missing();
    }
    saved.pool_checksum = std::move(pool_sum);
    return pool;
}

std::uint64_t write_pool(const std::filesystem::path& path,
                         const std::vector<const BuilderToSave*>& adding,
                         const PoolChecksum* appended_to, FileReleaser& releaser) {
    Checksum pool_sum;
    if (!appended_to) {
        AtomicFileWriter pool(path, &releaser);
        for (const BuilderToSave* builder : adding) {
            pool_sum.update(builder->new_texts);
            pool.write(builder->new_texts);
        }
        pool.commit();
        return pool_sum.finish();
    }
    // The checksum goes on from the one loaded (the new texts start where that pool ends):
    // the old bytes are not read again.
    pool_sum = appended_to->sum;
    const FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) {
        fail("cannot write {}: {}", path.string(), std::strerror(errno));
    }
    for (const BuilderToSave* builder : adding) {
        pool_sum.update(builder->new_texts);
        std::string_view left = builder->new_texts;
        auto offset = static_cast<off_t>(builder->new_texts_at);
        while (!left.empty()) {
            const ssize_t n = ::pwrite(fd.get(), left.data(), left.size(), offset);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fail("cannot write {}: {}", path.string(), std::strerror(errno));
            }
            left.remove_prefix(static_cast<std::size_t>(n));
            offset += n;
        }
    }
    return pool_sum.finish();
}

} // namespace gh::cache::detail
