#pragma once
// Maps 64-bit random numbers onto ranges the same way on every standard library (unlike
// std::uniform_*_distribution), so seeded runs give identical stats across machines.

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace mmusim {

// [0, n) by Lemire's multiply-shift.
inline std::uint64_t scale_to_range(std::uint64_t random, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(random) * n) >> 64);
}
// [0, 1) with 53 random bits.
inline double to_unit_interval(std::uint64_t random) {
  return static_cast<double>(random >> 11) * 0x1.0p-53;
}
// to_unit_interval(random) < p exactly when (random >> 11) < unit_threshold(p): the same
// draw without a conversion to double per random number (p * 2^53 is exact).
inline std::uint64_t unit_threshold(double p) {
  return static_cast<std::uint64_t>(std::ceil(std::max(0.0, p) * 0x1.0p53));
}
// The bucket of 2^bits equal ones (bits <= 53) that to_unit_interval(random) falls in:
// its top bits, exactly floor(to_unit_interval(random) * 2^bits).
inline std::uint64_t unit_bucket(std::uint64_t random, unsigned bits) {
  return (random >> 11) >> (53 - bits);
}

}  // namespace mmusim
