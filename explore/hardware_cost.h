#pragma once
// What the MMU RTL of a configuration costs in hardware: rtl/ built for exactly that
// configuration (rtl/synth/mmu_synth.sv) and synthesized by Yosys to its generic gate
// library, `synth -flatten -noshare`. Reported: cells, flip-flops, and logic depth (the
// longest path of cells between flip-flops, `ltp -noff`). Each configuration is
// synthesized once: the result is kept in a cache directory under a key made of the
// geometry and a hash of the RTL and the Yosys script, so a changed RTL is synthesized
// again. (-noshare: Yosys 0.23's resource sharing makes false combinational loops in this
// design, which leave `ltp` without an answer.)

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "mmu_config.h"

namespace mmusim::explore {

struct HardwareCost {
  std::string key;
  std::uint64_t cells = 0;
  std::uint64_t flip_flops = 0;
  std::uint64_t logic_depth = 0;
  double yosys_seconds = 0;  // host time of the synthesis (when it was not cached)
};

// The cache key of the hardware `mmu` describes, such as
// "l1-64x4-lru_l2-512x4-lru_wc-16_ad-hw_asid-16_3f2a9c01b7e4". InputError (naming the
// key) for what the RTL cannot build: random replacement, more than 64 ways, a walk cache
// larger than 127 entries.
std::string hardware_key(const MmuConfig& mmu);

// The cached cost of `key` in `cache_dir`, if it has been synthesized.
std::optional<HardwareCost> cached_hardware_cost(const std::string& cache_dir,
                                                 const std::string& key);

// The cost of `mmu`'s hardware: from the cache, else by running yosys (a line on
// `progress` when it starts; its log kept beside the cache entry if it fails, with
// std::runtime_error).
HardwareCost hardware_cost(const MmuConfig& mmu, const std::string& cache_dir,
                           std::ostream& progress);

}  // namespace mmusim::explore
