#include "writers/json_document.hpp"

namespace gh::writers {

std::string json_document(const nlohmann::ordered_json& document) {
    return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

nlohmann::ordered_json track_json(std::string_view title, std::string_view artists,
                                  std::string_view album) {
    return {{"title", title}, {"artists", artists}, {"album", album}};
}

} // namespace gh::writers
