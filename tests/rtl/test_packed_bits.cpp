// The RTL engine's packing of struct fields into Verilator's 32-bit words, against a
// bit-by-bit reference, for fields in one, two and three words.
#include <array>
#include <cstdint>
#include <random>

#include <gtest/gtest.h>

#include "packed_bits.h"

namespace {

using Wide = std::array<std::uint32_t, 5>;  // 160 bits, as wide as the response port

std::uint64_t reference_get(const Wide& wide, unsigned lsb, unsigned width) {
  std::uint64_t value = 0;
  for (unsigned b = 0; b < width; ++b) {
    const unsigned bit = lsb + b;
    value |= std::uint64_t{(wide[bit / 32] >> (bit % 32)) & 1u} << b;
  }
  return value;
}

void reference_put(Wide& wide, unsigned lsb, unsigned width, std::uint64_t value) {
  for (unsigned b = 0; b < width; ++b) {
    const unsigned bit = lsb + b;
    const std::uint32_t one = 1u << (bit % 32);
    wide[bit / 32] = ((value >> b) & 1) != 0 ? wide[bit / 32] | one : wide[bit / 32] & ~one;
  }
}

template <unsigned Lsb, unsigned Width>
void check_field(std::mt19937_64& rng) {
  for (int round = 0; round < 200; ++round) {
    Wide wide;
    for (auto& word : wide) word = static_cast<std::uint32_t>(rng());
    Wide expected = wide;
    const std::uint64_t value = rng();  // bits above the width must be dropped
    ASSERT_EQ((mmusim::rtl::get_bits<Lsb, Width>(wide)), reference_get(wide, Lsb, Width));
    mmusim::rtl::put_bits<Lsb, Width>(wide, value);
    reference_put(expected, Lsb, Width, value);
    ASSERT_EQ(wide, expected) << "field at " << Lsb << ", " << Width << " bits";
  }
}

TEST(PackedBits, FieldsInOneTwoAndThreeWordsReadAndWriteOnlyTheirBits) {
  std::mt19937_64 rng(12);
  check_field<0, 1>(rng);
  check_field<7, 1>(rng);
  check_field<0, 32>(rng);
  check_field<3, 2>(rng);
  check_field<5, 64>(rng);    // three words (a request's VA)
  check_field<8, 64>(rng);    // three words (a response's PTE)
  check_field<75, 64>(rng);   // three words (a response's PA)
  check_field<64, 64>(rng);   // two whole words
  check_field<30, 4>(rng);    // across a word boundary
  check_field<139, 4>(rng);
  check_field<96, 21>(rng);
  check_field<16, 64>(rng);
}

}  // namespace
