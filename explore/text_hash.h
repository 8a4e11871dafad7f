#pragma once
// A short stable name for some texts (FNV-1a, 64 bits, as 12 hex digits): a sweep run's
// id, a synthesized configuration's cache key. Not for security.

#include <cstdint>
#include <string>

#include "hex.h"

namespace mmusim::explore {

class TextHash {
 public:
  // Adds one text; texts are kept apart, so {"ab", "c"} and {"a", "bc"} differ.
  void add(const std::string& text) {
    for (const unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001b3;
    hash_ = (hash_ ^ '\n') * 0x100000001b3;
  }
  std::string hex12() const {
    const std::string digits = hex(hash_).substr(2);
    return std::string(16 - digits.size(), '0').append(digits).substr(0, 12);
  }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325;
};

}  // namespace mmusim::explore
