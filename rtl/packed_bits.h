#pragma once
// Reading and writing fields of packed SystemVerilog structs in Verilator's wide ports
// (arrays of 32-bit words, least significant first). A field's place and width are
// template arguments, so an access compiles to the few word operations of the (at most
// three) words the field spans: the RTL engine packs a request and unpacks a response on
// every translation. Include after the Verilator headers.

#include <cstdint>

namespace mmusim::rtl {

namespace detail {
__extension__ typedef unsigned __int128 Window;  // the words a field of <= 64 bits spans

template <unsigned Lsb, unsigned Width>
struct Field {
  static_assert(Width >= 1 && Width <= 64, "a field is 1 to 64 bits wide");
  static constexpr unsigned first = Lsb / 32;
  static constexpr unsigned last = (Lsb + Width - 1) / 32;
  static constexpr unsigned shift = Lsb % 32;
  static constexpr std::uint64_t mask = Width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << Width) - 1;

  template <typename Wide>
  static Window read(const Wide& wide) {
    Window window = 0;
    for (unsigned i = first; i <= last; ++i) window |= Window{wide[i]} << (32 * (i - first));
    return window;
  }
};
}  // namespace detail

template <unsigned Lsb, unsigned Width, typename Wide>
std::uint64_t get_bits(const Wide& wide) {
  using F = detail::Field<Lsb, Width>;
  return static_cast<std::uint64_t>(F::read(wide) >> F::shift) & F::mask;
}

template <unsigned Lsb, unsigned Width, typename Wide>
void put_bits(Wide& wide, std::uint64_t value) {
  using F = detail::Field<Lsb, Width>;
  detail::Window window = F::read(wide);
  window &= ~(detail::Window{F::mask} << F::shift);
  window |= detail::Window{value & F::mask} << F::shift;
  for (unsigned i = F::first; i <= F::last; ++i) {
    wide[i] = static_cast<std::uint32_t>(window >> (32 * (i - F::first)));
  }
}

}  // namespace mmusim::rtl
