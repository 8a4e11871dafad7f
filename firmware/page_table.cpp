#include "page_table.h"

namespace mmusim::fw {

std::optional<std::uint64_t> PageTable::leaf_slot(std::uint64_t va) const {
  return slot(va, 0, nullptr);
}

std::optional<std::uint64_t> PageTable::slot(std::uint64_t va, unsigned target,
                                             const TableAllocator* allocate) const {
  std::uint64_t table = root_;
  for (unsigned level = sv::levels(mode_) - 1; level > target; --level) {
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
    table = pte_pa(pte);
  }
  return table + sv::vpn(va, target) * sv::kPteSize;
}

std::optional<PageTable::Leaf> PageTable::superpage_leaf(std::uint64_t va) const {
  std::uint64_t table = root_;
  for (unsigned level = sv::levels(mode_) - 1; level > 0; --level) {
    const std::uint64_t slot = table + sv::vpn(va, level) * sv::kPteSize;
    const std::uint64_t pte = hal_.load64(slot);
    if ((pte & sv::kPteV) == 0) return std::nullopt;
    if (sv::pte_is_leaf(pte)) return Leaf{slot, level};
    table = pte_pa(pte);
  }
  return std::nullopt;
}

void PageTable::for_each_leaf(std::uint64_t start, std::uint64_t end,
                              const LeafVisitor& visit) const {
  if (start < end) visit_table(root_, sv::levels(mode_) - 1, 0, start, end, visit);
}

void PageTable::visit_table(std::uint64_t table, unsigned level, std::uint64_t base,
                            std::uint64_t start, std::uint64_t end,
                            const LeafVisitor& visit) const {
  const std::uint64_t span = std::uint64_t{1} << sv::page_shift(level);
  for (std::uint64_t index = 0; index < (std::uint64_t{1} << sv::kVpnBits); ++index) {
    const std::uint64_t va = base + index * span;
    if (va + span <= start || va >= end) continue;
    const std::uint64_t slot = table + index * sv::kPteSize;
    const std::uint64_t pte = hal_.load64(slot);
    if (pte == 0) continue;
    if (level == 0 || ((pte & sv::kPteV) != 0 && sv::pte_is_leaf(pte))) {
      visit(va, slot, level);
    } else if ((pte & sv::kPteV) != 0) {
      visit_table(pte_pa(pte), level - 1, va, start, end, visit);
    }
  }
}

}  // namespace mmusim::fw
