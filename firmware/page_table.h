#pragma once
// Builds, edits and walks one address space's radix page table in simulated DRAM,
// through the HAL (priv spec §4.3.1 PTE format; §4.4-4.6 for the Sv39/Sv48/Sv57 level counts).

#include <cstdint>
#include <functional>
#include <optional>

#include "hal.h"
#include "sv.h"

namespace mmusim::fw {

// §4.3.1 leaves the two RSW bits (9:8) of every PTE, and every bit but V of an invalid
// one, to software. The kernel uses them as Linux does:
// - an invalid PTE with bit 8 set is a swap entry: the page is in swap and the PPN field
//   holds its swap slot;
// - a valid PTE with bit 9 set is copy-on-write: W is clear although the region is
//   writable, because the page is shared since a fork(); a store takes a page fault
//   and the kernel copies the page (or, if no one else maps it any more, makes it
//   writable again).
constexpr std::uint64_t kPteSwapped = 1u << 8;
constexpr std::uint64_t kPteCow = 1u << 9;
constexpr std::uint64_t swap_entry(std::uint64_t slot) {
  return (slot << sv::kPtePpnShift) | kPteSwapped;
}
constexpr bool is_swap_entry(std::uint64_t pte) {
  return (pte & sv::kPteV) == 0 && (pte & kPteSwapped) != 0;
}
constexpr std::uint64_t swap_slot_of(std::uint64_t pte) { return sv::pte_ppn(pte); }
constexpr std::uint64_t pte_pa(std::uint64_t pte) { return sv::pte_ppn(pte) << sv::kPageShift; }

class PageTable {
 public:
  // Gives a zeroed frame for a new table, or nullopt when memory is exhausted.
  using TableAllocator = std::function<std::optional<std::uint64_t>()>;
  // Called with a leaf's VA (the first of its page), the PTE's physical address and the
  // leaf's level (0: 4 KiB; more: a superpage, §4.3.2).
  using LeafVisitor = std::function<void(std::uint64_t va, std::uint64_t pte_addr, unsigned level)>;

  PageTable(Hal& hal, sv::Mode mode, std::uint64_t root) : hal_(hal), mode_(mode), root_(root) {}

  std::uint64_t root() const { return root_; }
  // Physical address of the level-0 PTE for va, or nullopt when a table on the way is
  // missing (or a superpage leaf is in the way).
  std::optional<std::uint64_t> leaf_slot(std::uint64_t va) const;
  // The same, creating missing tables with `allocate`; nullopt if that fails.
  std::optional<std::uint64_t> leaf_slot(std::uint64_t va, const TableAllocator& allocate) {
    return slot(va, 0, &allocate);
  }
  // The PTE for va at `level` (where a superpage of that level would be), creating
  // missing tables above it with `allocate` (null: none); nullopt when a table on the way
  // is missing or a leaf is in the way.
  std::optional<std::uint64_t> slot(std::uint64_t va, unsigned level,
                                    const TableAllocator* allocate) const;
  // The superpage leaf that maps va, if one does: its PTE's address and level.
  struct Leaf {
    std::uint64_t pte_addr = 0;
    unsigned level = 0;
  };
  std::optional<Leaf> superpage_leaf(std::uint64_t va) const;
  // The root PTE that covers va (where an address space shares a whole top-level
  // subtree, such as the kernel's).
  std::uint64_t root_slot(std::uint64_t va) const {
    return root_ + sv::vpn(va, sv::levels(mode_) - 1) * sv::kPteSize;
  }
  // Visits every non-zero level-0 PTE and every superpage leaf for VAs in [start, end),
  // in VA order, reading the tables through the HAL (as a kernel's fork and exit walk
  // them); a superpage that only overlaps the range is visited too. The visitor may
  // change the PTE it is given, nothing else of this table.
  void for_each_leaf(std::uint64_t start, std::uint64_t end, const LeafVisitor& visit) const;

 private:
  void visit_table(std::uint64_t table, unsigned level, std::uint64_t base, std::uint64_t start,
                   std::uint64_t end, const LeafVisitor& visit) const;
  Hal& hal_;
  sv::Mode mode_;
  std::uint64_t root_;
};

}  // namespace mmusim::fw
