#include "page_table.h"

namespace mmusim::fw {

std::optional<std::uint64_t> PageTable::leaf_slot(std::uint64_t va) const {
  return descend(va, nullptr);
}

std::optional<std::uint64_t> PageTable::leaf_slot(std::uint64_t va,
                                                  const TableAllocator& allocate) {
  return descend(va, &allocate);
}

std::optional<std::uint64_t> PageTable::descend(std::uint64_t va,
                                                const TableAllocator* allocate) const {
  std::uint64_t table = root_;
  for (unsigned level = sv::levels(mode_) - 1; level > 0; --level) {
    const std::uint64_t slot = table + sv::vpn(va, level) * sv::kPteSize;
    std::uint64_t pte = hal_.load64(slot);
    if ((pte & sv::kPteV) == 0) {
      if (allocate == nullptr) return std::nullopt;
      const auto next = (*allocate)();
      if (!next) return std::nullopt;
      // A pointer PTE: V only; D, A, U must be zero in non-leaf PTEs (§4.3.1).
      pte = sv::make_pte(*next, sv::kPteV);
      hal_.store64(slot, pte);
    } else if (sv::pte_is_leaf(pte)) {
      return std::nullopt;
    }
    table = sv::pte_ppn(pte) << sv::kPageShift;
  }
  return table + sv::vpn(va, 0) * sv::kPteSize;
}

}  // namespace mmusim::fw
