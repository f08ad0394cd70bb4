#include "util/file_names.hpp"

#include <algorithm>

namespace gh {

bool is_safe_file_name(std::string_view name) {
    if (name.empty() || name.size() > 200 || name.front() == '.' || name.front() == '-') {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    });
}

} // namespace gh
