#include "units.h"

#include <cmath>
#include <map>

namespace mmusim {

bool parse_byte_size(const std::string& text, std::uint64_t& bytes) {
  static const std::map<std::string, double> kUnits = {
      {"", 1},         {"B", 1},        {"KiB", 0x1p10}, {"MiB", 0x1p20}, {"GiB", 0x1p30},
      {"TiB", 0x1p40}, {"K", 0x1p10},   {"M", 0x1p20},   {"G", 0x1p30},   {"T", 0x1p40}};
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) {
    return false;
  }
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  const auto unit = kUnits.find(text.substr(used));
  if (unit == kUnits.end() || !std::isfinite(number)) return false;
  const double total = number * unit->second;
  if (total != std::floor(total) || total >= 0x1p64) return false;
  bytes = static_cast<std::uint64_t>(total);
  return true;
}

}  // namespace mmusim
