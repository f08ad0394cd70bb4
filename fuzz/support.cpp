#include "support.hpp"

#include "git/handles.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <git2/sys/alloc.h>
#include <string>
#include <unistd.h>

namespace gh::fuzz {

void broken_invariant(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, condition);
    std::abort();
}

namespace {

/// libgit2 allocates what a damaged object's header claims, gigabytes say, before it finds
/// out that the data is not there. Untouched, such memory costs nothing in a normal build,
/// but the fuzzer would report the allocation itself, and filling and growing hundreds of
/// megabytes under AddressSanitizer takes longer than a run may; so larger requests are
/// refused, as a machine short of memory would, and libgit2 reports the object as
/// unreadable. No object of an input of a few kilobytes inflates to more.
constexpr std::size_t k_most_libgit2_allocates = std::size_t{16} << 20;

/// True when `count` items of `size` bytes are more than libgit2 may have.
bool too_large(std::size_t count, std::size_t size) {
    return size != 0 && count > k_most_libgit2_allocates / size;
}

void* capped_malloc(std::size_t n, const char*, int) {
    return too_large(n, 1) ? nullptr : std::malloc(n);
}
void* capped_calloc(std::size_t count, std::size_t size, const char*, int) {
    return too_large(count, size) ? nullptr : std::calloc(count, size);
}
char* capped_strdup(const char* text, const char*, int) {
    return ::strdup(text);
}
char* capped_strndup(const char* text, std::size_t n, const char*, int) {
    return ::strndup(text, n);
}
char* capped_substrdup(const char* text, std::size_t n, const char*, int) {
    auto* copy = static_cast<char*>(std::malloc(n + 1));
    if (copy) {
        std::memcpy(copy, text, n);
        copy[n] = '\0';
    }
    return copy;
}
void* capped_realloc(void* data, std::size_t n, const char*, int) {
    return too_large(n, 1) ? nullptr : std::realloc(data, n);
}
void* capped_reallocarray(void* data, std::size_t count, std::size_t size, const char*, int) {
    return too_large(count, size) ? nullptr : std::realloc(data, count * size);
}
void* capped_mallocarray(std::size_t count, std::size_t size, const char*, int) {
    return too_large(count, size) ? nullptr : std::malloc(count * size);
}

} // namespace

void initialize_libgit2() {
    static git_allocator allocator{capped_malloc,       capped_calloc,      capped_strdup,
                                   capped_strndup,      capped_substrdup,   capped_realloc,
                                   capped_reallocarray, capped_mallocarray, std::free};
    gh::git::initialize();
    git_libgit2_opts(GIT_OPT_SET_ALLOCATOR, &allocator);
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
}

namespace {

/// A new directory, in memory when the machine has /dev/shm.
std::filesystem::path make_scratch_dir() {
    std::string base = "/dev/shm";
    if (::access(base.c_str(), W_OK) != 0) {
        const char* tmp = std::getenv("TMPDIR");
        base = tmp && *tmp ? tmp : "/tmp";
    }
    std::string name = base + "/gh-analyze-fuzz-XXXXXX";
    if (!::mkdtemp(name.data())) {
        std::perror("gh-analyze fuzz: mkdtemp");
        std::abort();
    }
    return name;
}

} // namespace

const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = make_scratch_dir();
    // Registered once `dir` exists, so that it runs before `dir` is destroyed.
    static const bool removed_at_exit = std::atexit([] {
                                            std::error_code ignored;
                                            std::filesystem::remove_all(dir, ignored);
                                        }) == 0;
    (void)removed_at_exit;
    return dir;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file.flush()) {
        std::fprintf(stderr, "gh-analyze fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
}

std::vector<std::string_view> split(std::string_view input, std::string_view separator) {
    std::vector<std::string_view> parts;
    for (auto at = input.find(separator); at != std::string_view::npos;
         at = input.find(separator)) {
        parts.push_back(input.substr(0, at));
        input.remove_prefix(at + separator.size());
    }
    parts.push_back(input);
    return parts;
}

} // namespace gh::fuzz
