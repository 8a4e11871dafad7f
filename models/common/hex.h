#pragma once
// A number as reports print it: "0x1a2b".

#include <cstdint>
#include <sstream>
#include <string>

namespace mmusim {

inline std::string hex(std::uint64_t x) {
  std::ostringstream s;
  s << "0x" << std::hex << x;
  return s.str();
}

}  // namespace mmusim
