#include "util/parallel.hpp"

#include <algorithm>

namespace gh {

unsigned thread_count(unsigned requested, std::size_t work) {
    const unsigned wanted =
        requested ? requested : std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(
        std::max<std::size_t>(1, std::min<std::size_t>({wanted, work, 64})));
}

} // namespace gh
