#pragma once
// Reading and writing fields of packed SystemVerilog structs in Verilator's wide ports.
// Include after the Verilator headers.

#include <cstdint>

namespace mmusim::rtl {

template <typename Wide>
void put_bits(Wide& wide, unsigned lsb, unsigned width, std::uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    const unsigned bit = lsb + i;
    const std::uint32_t mask = 1u << (bit % 32);
    if ((value >> i) & 1) {
      wide[bit / 32] |= mask;
    } else {
      wide[bit / 32] &= ~mask;
    }
  }
}

template <typename Wide>
std::uint64_t get_bits(const Wide& wide, unsigned lsb, unsigned width) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) {
    const unsigned bit = lsb + i;
    value |= std::uint64_t{(wide[bit / 32] >> (bit % 32)) & 1u} << i;
  }
  return value;
}

}  // namespace mmusim::rtl
