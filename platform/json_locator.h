#pragma once
// Finds the line of every object key in a JSON text ("a.b.c" -> line), so that a config
// error can say `file:line`. nlohmann::json keeps no positions; the text is scanned
// after nlohmann has accepted it, so this scanner only has to follow valid JSON.

#include <map>
#include <string>

namespace mmusim {

std::map<std::string, std::size_t> locate_keys(const std::string& json_text);

}  // namespace mmusim
