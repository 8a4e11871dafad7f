#pragma once
// Reading and writing fields of packed SystemVerilog structs in Verilator's wide ports
// (arrays of 32-bit words, least significant first). Include after the Verilator headers.

#include <algorithm>
#include <cstdint>

namespace mmusim::rtl {

template <typename Wide>
void put_bits(Wide& wide, unsigned lsb, unsigned width, std::uint64_t value) {
  while (width != 0) {
    const unsigned offset = lsb % 32;
    const unsigned n = std::min(width, 32 - offset);
    const std::uint32_t mask = (n == 32 ? ~0u : ((1u << n) - 1)) << offset;
    wide[lsb / 32] = (wide[lsb / 32] & ~mask) | ((static_cast<std::uint32_t>(value) << offset) & mask);
    value = n == 64 ? 0 : value >> n;
    lsb += n;
    width -= n;
  }
}

template <typename Wide>
std::uint64_t get_bits(const Wide& wide, unsigned lsb, unsigned width) {
  std::uint64_t value = 0;
  unsigned done = 0;
  while (done < width) {
    const unsigned offset = lsb % 32;
    const unsigned n = std::min(width - done, 32 - offset);
    const std::uint32_t mask = n == 32 ? ~0u : ((1u << n) - 1);
    value |= std::uint64_t{(wide[lsb / 32] >> offset) & mask} << done;
    lsb += n;
    done += n;
  }
  return value;
}

}  // namespace mmusim::rtl
