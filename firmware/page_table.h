#pragma once
// Builds and edits one address space's radix page table in simulated DRAM, through the
// HAL (priv spec §4.3.1 PTE format; §4.4/4.5 for the Sv39/Sv48 level counts).

#include <cstdint>
#include <functional>
#include <optional>

#include "hal.h"
#include "sv.h"

namespace mmusim::fw {

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
