#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gh::writers {

/// The text of a JSON document as every command prints it: indented by two spaces, ended
/// by a newline. Bytes that are not UTF-8 cannot be JSON strings; they become U+FFFD here
/// only.
std::string json_document(const nlohmann::ordered_json& document);

/// A track as the JSON of `history` and `snapshot` shows it: its title, artists and album.
nlohmann::ordered_json track_json(std::string_view title, std::string_view artists,
                                  std::string_view album);

} // namespace gh::writers
