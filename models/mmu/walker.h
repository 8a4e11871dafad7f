#pragma once
// The reference page-table walker: the translation algorithm of the RISC-V privileged
// spec v1.12, §4.3.2, for Sv39 (§4.4), Sv48 (§4.5) and Sv57 (§4.6), reading PTEs through PteMemory.

#include <cstdint>
#include <vector>

#include "mmu_config.h"
#include "translation_engine.h"
#include "walk_cache.h"

namespace mmusim {

struct WalkOutcome {
  sv::Cause cause = sv::Cause::None;
  sv::Rule rule = sv::Rule::Translated;  // what decided
  std::uint64_t pte = 0;                 // the leaf PTE, after any hardware A/D update
  unsigned level = 0;
  bool napot = false;   // a 64 KiB Svnapot leaf (level 0)
  bool global = false;  // G set in the leaf or in any non-leaf PTE above it
};

// One step of a walk, for explanations: a PTE read at `level`, or (from_walk_cache) the
// walk cache giving the table for `level` directly.
struct WalkStep {
  unsigned level = 0;
  std::uint64_t pte_addr = 0;
  std::uint64_t pte = 0;
  bool from_walk_cache = false;
};

class PageTableWalker {
 public:
  // `cache` may be null (no walk cache); `stats` receives walk-cache and PTE-write counts.
  PageTableWalker(PteMemory& memory, const MmuConfig& config, WalkCache* cache, MmuStats& stats)
      : memory_(memory),
        ad_update_(config.ad_update),
        extensions_(config.extensions),
        cache_latency_(config.walk_cache_latency),
        cache_(cache),
        stats_(stats) {}

  WalkOutcome walk(const sv::Satp& satp, const TranslationRequest& req, sc_core::sc_time& delay);
  // Whether the last walk started from a walk-cache entry (for the timeline).
  bool last_walk_hit_cache() const { return last_walk_hit_cache_; }
  // Records every step of the following walks into `steps` (null: none, the default).
  void record_steps(std::vector<WalkStep>* steps) { steps_ = steps; }

 private:
  std::vector<WalkStep>* steps_ = nullptr;
  bool last_walk_hit_cache_ = false;
  PteMemory& memory_;
  AdUpdate ad_update_;
  sv::Extensions extensions_;
  sc_core::sc_time cache_latency_;
  WalkCache* cache_;
  MmuStats& stats_;
};

// The physical address of va under a leaf PTE at `level` (§4.3.2 step 8): the page
// offset and, for a superpage, the low VPN fields come from the VA; for a NAPOT leaf,
// PPN[3:0] too (§5: the walk returns the PTE with them replaced by VPN[0][3:0]).
constexpr std::uint64_t leaf_physical_address(std::uint64_t pte, unsigned level, bool napot,
                                              std::uint64_t va) {
  const std::uint64_t offset_mask = (std::uint64_t{1} << sv::leaf_shift(level, napot)) - 1;
  return ((sv::pte_ppn(pte) << sv::kPageShift) & ~offset_mask) | (va & offset_mask);
}

}  // namespace mmusim
