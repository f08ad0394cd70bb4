#include "util/file_names.hpp"

#include "util/utf8.hpp"

#include <algorithm>

namespace gh {

bool is_safe_file_name(std::string_view name) {
    if (name.empty() || name.size() > 200 || name.front() == '.' || name.front() == '-') {
        return false;
    }
    return is_valid_utf8(name) && std::none_of(name.begin(), name.end(), [](char c) {
               const auto byte = static_cast<unsigned char>(c);
               return byte < 0x20 || byte == 0x7f || c == '/' || c == '\\';
           });
}

} // namespace gh
