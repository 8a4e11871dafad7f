#pragma once
// Builds and edits one address space's radix page table in simulated DRAM, through the
// HAL (priv spec §4.3.1 PTE format; §4.4/4.5 for the Sv39/Sv48 level counts).

#include <cstdint>
#include <functional>
#include <optional>

#include "hal.h"
#include "sv.h"

namespace mmusim::fw {

// A page that is in swap has an invalid PTE (V = 0, so the walker faults) that the
// kernel uses for itself (§4.3.1 leaves every other bit of an invalid PTE to software):
// bit 8 (the first RSW bit) marks a swap entry and the PPN field holds the swap slot.
constexpr std::uint64_t kPteSwapped = 1u << 8;
constexpr std::uint64_t swap_entry(std::uint64_t slot) {
  return (slot << sv::kPtePpnShift) | kPteSwapped;
}
constexpr bool is_swap_entry(std::uint64_t pte) {
  return (pte & sv::kPteV) == 0 && (pte & kPteSwapped) != 0;
}
constexpr std::uint64_t swap_slot_of(std::uint64_t pte) { return sv::pte_ppn(pte); }

class PageTable {
 public:
  // Gives a zeroed frame for a new table, or nullopt when memory is exhausted.
  using TableAllocator = std::function<std::optional<std::uint64_t>()>;

  PageTable(Hal& hal, sv::Mode mode, std::uint64_t root) : hal_(hal), mode_(mode), root_(root) {}

  std::uint64_t root() const { return root_; }
  // Physical address of the level-0 PTE for va, or nullopt when a table on the way is
  // missing (or a superpage leaf is in the way).
  std::optional<std::uint64_t> leaf_slot(std::uint64_t va) const;
  // The same, creating missing tables with `allocate`; nullopt if that fails.
  std::optional<std::uint64_t> leaf_slot(std::uint64_t va, const TableAllocator& allocate);

 private:
  std::optional<std::uint64_t> descend(std::uint64_t va, const TableAllocator* allocate) const;
  Hal& hal_;
  sv::Mode mode_;
  std::uint64_t root_;
};

}  // namespace mmusim::fw
