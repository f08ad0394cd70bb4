#include "util/closest_names.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace gh {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

} // namespace

std::vector<std::string_view> closest_names(std::string_view name,
                                            std::span<const std::string_view> candidates,
                                            std::size_t count) {
    const auto lower = [](std::string_view text) {
        std::string out(text);
        for (char& c : out) {
            c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        }
        return out;
    };
    const std::string wanted = lower(name);
    const std::size_t limit = std::max<std::size_t>(2, wanted.size() / 3);
    std::vector<std::pair<std::size_t, std::string_view>> close;
    for (const std::string_view candidate : candidates) {
        const std::string folded = lower(candidate);
        const std::size_t distance =
            folded.starts_with(wanted) && !wanted.empty() ? 0 : edit_distance(wanted, folded);
        if (distance <= limit) {
            close.emplace_back(distance, candidate);
        }
    }
    std::stable_sort(close.begin(), close.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string_view> result;
    for (const auto& [distance, candidate] : close) {
        if (result.size() == count) {
            break;
        }
        if (std::find(result.begin(), result.end(), candidate) == result.end()) {
            result.push_back(candidate);
        }
    }
    return result;
}

std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> candidates) {
    const auto closest = closest_names(name, candidates, 1);
    return closest.empty() ? std::nullopt : std::optional(closest.front());
}

} // namespace gh
