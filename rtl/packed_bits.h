#pragma once
// Reading and writing fields of packed SystemVerilog structs in Verilator's wide ports
// (arrays of 32-bit words, least significant first). A field's place and width are
// template arguments, so an access compiles to the few 64-bit operations on the (at most
// three) words the field spans: the RTL engine packs a request and unpacks a response on
// every translation. Include after the Verilator headers.

#include <cstdint>

namespace mmusim::rtl {

namespace detail {
template <unsigned Lsb, unsigned Width>
struct Field {
  static_assert(Width >= 1 && Width <= 64, "a field is 1 to 64 bits wide");
  static constexpr unsigned first = Lsb / 32;
  static constexpr unsigned words = (Lsb + Width - 1) / 32 - first + 1;  // 1 to 3
  static constexpr unsigned shift = Lsb % 32;  // > 0 whenever the field spans 3 words
  static constexpr std::uint64_t mask = Width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << Width) - 1;
};
}  // namespace detail

template <unsigned Lsb, unsigned Width, typename Wide>
std::uint64_t get_bits(const Wide& wide) {
  using F = detail::Field<Lsb, Width>;
  std::uint64_t value = std::uint64_t{wide[F::first]} >> F::shift;
  if constexpr (F::words > 1) value |= std::uint64_t{wide[F::first + 1]} << (32 - F::shift);
  if constexpr (F::words > 2) value |= std::uint64_t{wide[F::first + 2]} << (64 - F::shift);
  return value & F::mask;
}

template <unsigned Lsb, unsigned Width, typename Wide>
void put_bits(Wide& wide, std::uint64_t value) {
  using F = detail::Field<Lsb, Width>;
  value &= F::mask;
  const auto merge = [&wide](unsigned word, std::uint64_t field_mask, std::uint64_t bits) {
    wide[word] = static_cast<std::uint32_t>((wide[word] & ~field_mask) | bits);
  };
  merge(F::first, F::mask << F::shift & 0xFFFFFFFFu, value << F::shift & 0xFFFFFFFFu);
  if constexpr (F::words > 1) merge(F::first + 1, F::mask >> (32 - F::shift) & 0xFFFFFFFFu, value >> (32 - F::shift) & 0xFFFFFFFFu);
  if constexpr (F::words > 2) merge(F::first + 2, F::mask >> (64 - F::shift), value >> (64 - F::shift));
}

}  // namespace mmusim::rtl
