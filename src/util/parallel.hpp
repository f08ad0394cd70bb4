#pragma once

#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace gh {

/// The number of threads to use for `work` items when `requested` (0: one per processor).
unsigned thread_count(unsigned requested, std::size_t work);

/// Calls `task(thread, item)` for every item in [0, count) on `threads` threads, the
/// calling thread included (it is thread 0), taking items in order as threads become free.
/// `task` must not throw. Returns when all items are done.
template <typename Task>
void run_parallel(std::size_t count, unsigned threads, Task&& task) {
    std::atomic<std::size_t> next{0};
    const auto work = [&](unsigned thread) {
        for (std::size_t item; (item = next++) < count;) {
            task(thread, item);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) {
        pool.emplace_back(work, t);
    }
    work(0);
    for (auto& thread : pool) {
        thread.join();
    }
}

} // namespace gh
