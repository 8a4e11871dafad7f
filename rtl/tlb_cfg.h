#pragma once
// The tlb_cfg_t value (mmu_pkg.sv) for a TLB geometry: set_bits 13:9, ways 8:2,
// replacement 1:0. Throws std::invalid_argument for what the RTL cannot do (random
// replacement, more storage than it was built with).

#include <cstdint>

#include "tlb.h"

namespace mmusim::rtl {

// Storage as verilated (rtl/CMakeLists.txt); a larger geometry is a config error.
constexpr unsigned kL1MaxEntries = 128;
constexpr unsigned kL2MaxEntries = 512;
constexpr unsigned kTlbMaxWays = 64;
constexpr unsigned kMaxWalkCacheEntries = 64;

std::uint16_t tlb_cfg_bits(const TlbGeometry& geometry, unsigned max_entries);

}  // namespace mmusim::rtl
