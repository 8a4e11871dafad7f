#pragma once
// Powers of two, for geometries (cache lines and sets, TLB sets, DRAM rows and banks)
// that the config checks and the models split addresses by.

#include <cstdint>

namespace mmusim {

inline bool is_power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// log2 of n rounded up: the shift of a power of two.
inline unsigned log2_ceil(std::uint64_t n) {
  unsigned shift = 0;
  while ((std::uint64_t{1} << shift) < n) ++shift;
  return shift;
}

}  // namespace mmusim
