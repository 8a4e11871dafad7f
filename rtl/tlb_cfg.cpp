#include "tlb_cfg.h"

#include <stdexcept>

namespace mmusim::rtl {

std::uint16_t tlb_cfg_bits(const TlbGeometry& geometry, unsigned max_entries) {
  if (geometry.entries > max_entries || geometry.ways > kTlbMaxWays) {
    throw std::invalid_argument("TLB geometry larger than the RTL's storage");
  }
  unsigned set_bits = 0;
  while ((1u << set_bits) < geometry.entries / geometry.ways) ++set_bits;
  unsigned replacement = 0;
  switch (geometry.replacement) {
    case ReplacementKind::Lru: replacement = 0; break;
    case ReplacementKind::Plru: replacement = 1; break;
    case ReplacementKind::Fifo: replacement = 2; break;
    case ReplacementKind::Random: throw std::invalid_argument("the RTL TLB has no random replacement");
  }
  return static_cast<std::uint16_t>((set_bits << 9) | (geometry.ways << 2) | replacement);
}

}  // namespace mmusim::rtl
