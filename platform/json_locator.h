#pragma once
// Finds the line of every object key in a JSON text ("a.b.c" -> line), so that a config
// error can say `file:line`. nlohmann::json keeps no positions; the text is scanned
// after nlohmann has accepted it, so this scanner only has to follow valid JSON.

#include <map>
#include <string>

namespace mmusim {

struct KeyLines {
  std::map<std::string, std::size_t> lines;
  // The first key given twice in one object ("" if none), where, and where it was first.
  std::string duplicate;
  std::size_t duplicate_line = 0;
  std::size_t first_line = 0;
};

KeyLines locate_keys(const std::string& json_text);

// The line of the first '{' or '[' nested deeper than `max_depth` (strings skipped), or
// 0: checked before parsing, so that no input costs more than a bounded depth.
std::size_t line_nested_deeper_than(const std::string& text, unsigned max_depth);

}  // namespace mmusim
