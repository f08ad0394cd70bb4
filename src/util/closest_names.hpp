#pragma once

// "Did you mean": the names close to one typed wrongly (a command, an option, a playlist).

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace gh {

/// Of `candidates`, the one nearest to `name` (the first of closest_names), or nothing
/// when none is close: for "did you mean".
std::optional<std::string_view> nearest_name(std::string_view name,
                                             std::span<const std::string_view> candidates);

/// Up to `count` of `candidates` close to `name` (ignoring ASCII case: ones it begins, or
/// within a few edits), the closest first: for "did you mean" with several answers.
std::vector<std::string_view> closest_names(std::string_view name,
                                            std::span<const std::string_view> candidates,
                                            std::size_t count);

} // namespace gh
