// Svnapot pages the firmware maps (priv spec §5; firmware.napot), as Linux's arm64 maps a
// 64 KiB folio with its contiguous bit ("contpte"): a demand-zero fault in an eligible,
// 64 KiB-aligned range whose 16 PTEs are all unused takes 16 contiguous, aligned frames
// and gives each page the same NAPOT PTE (N = 1, PPN[3:0] = 1000), so that the TLB holds
// the range as one entry. To the rest of the kernel the frames stay 16 pages of 4 KiB
// (each its own mapper, policy entry and swap slot); only their PTEs are alike.
//
// A and D: the hardware updates only the PTE it walked, and the TLB entry made from it
// answers for all 16 pages, so a store to one page may set D in another's PTE. A page's
// A and D are therefore the OR over its range (pte_of gathers them). Before any one of
// the 16 PTEs changes on its own (eviction, clearing A, unmap, fork) the range is
// unfolded: 16 ordinary PTEs, each with the gathered A and D, and one flush of the range.
#include "kernel.h"

namespace mmusim::fw {

namespace {
constexpr std::uint64_t kNapotBytes = std::uint64_t{1} << sv::kNapotShift;
constexpr std::uint64_t kNapotPages = kNapotBytes / sv::kPageSize;  // 16
// The first of the range's 16 PTEs: they sit side by side in one level-0 table.
std::uint64_t first_slot(std::uint64_t pte_addr) {
  return pte_addr & ~(kNapotPages * sv::kPteSize - 1);
}
}  // namespace

bool Kernel::napot_eligible(const Region& region, std::uint64_t page) const {
  const std::uint64_t base = page & ~(kNapotBytes - 1);
  return config_.napot && region.backing == Backing::Private && (region.perms & sv::kPteW) != 0 &&
         region.kind != RegionKind::Stack && base >= region.start &&
         base + kNapotBytes <= region.end;
}

bool Kernel::map_napot(Pid pid, const Region& region, std::uint64_t page, AccessKind access) {
  Process& p = processes_.at(pid);
  const std::uint64_t base = page & ~(kNapotBytes - 1);
  const auto slot = p.page_table->leaf_slot(base, [this, &p] { return allocate_table(p); });
  if (!slot) return false;
  for (std::uint64_t i = 0; i < kNapotPages; ++i) {
    if (hal_.load64(*slot + i * sv::kPteSize) != 0) return false;  // mapped, or in swap
  }
  // Like a huge page, a NAPOT range does not evict 16 pages to make room.
  std::optional<std::uint64_t> first;
  if (frames_.user_count() + kNapotPages <= user_frame_limit_) {
    first = frames_.allocate_aligned(kNapotPages);
  }
  if (!first) {
    ++stats_.napot_fallbacks;
    note(pid, base, [] { return std::string("NAPOT fallback: no free run of 16 frames"); });
    return false;
  }
  const bool dirty = access == AccessKind::Write;
  const std::uint64_t pte = sv::make_pte(
      frame_pa(*first) | (std::uint64_t{0x8} << sv::kPageShift),
      sv::kPteN | sv::kPteV | sv::kPteU | sv::kPteA | region.perms | (dirty ? sv::kPteD : 0));
  for (std::uint64_t i = 0; i < kNapotPages; ++i) {
    frames_.make_user(*first + i, UserPage{});
    policy_->on_load(*first + i);
    hal_.store_zeros(frame_pa(*first + i), sv::kPageSize);
    add_mapper(*first + i, Mapper{pid, base + i * sv::kPageSize, *slot + i * sv::kPteSize});
    hal_.store64(*slot + i * sv::kPteSize, pte);
  }
  note_user_frames();
  ++stats_.napot_mapped;
  note(pid, base, [&] {
    return "minor fault: zero-filled 64 KiB NAPOT range at frames " + std::to_string(*first) + "..";
  });
  return true;
}

std::uint64_t Kernel::napot_accessed_dirty(std::uint64_t pte_addr) {
  if (config_.fault_injection == FaultInjection::NapotOwnAd) {
    return hal_.load64(pte_addr) & (sv::kPteA | sv::kPteD);
  }
  std::uint64_t bits = 0;
  const std::uint64_t first = first_slot(pte_addr);
  for (std::uint64_t i = 0; i < kNapotPages; ++i) {
    bits |= hal_.load64(first + i * sv::kPteSize) & (sv::kPteA | sv::kPteD);
  }
  return bits;
}

void Kernel::set_napot_bits(std::uint64_t pte_addr, std::uint64_t bits) {
  const std::uint64_t first = first_slot(pte_addr);
  for (std::uint64_t i = 0; i < kNapotPages; ++i) {
    const std::uint64_t slot = first + i * sv::kPteSize;
    hal_.store64(slot, hal_.load64(slot) | bits);
  }
}

void Kernel::unfold_napot(Pid pid, std::uint64_t va, std::uint64_t pte_addr) {
  if (!config_.napot) return;  // (reading the PTE costs simulated time)
  const std::uint64_t pte = hal_.load64(pte_addr);
  if ((pte & sv::kPteN) == 0) return;
  const std::uint64_t first = first_slot(pte_addr);
  const std::uint64_t base_va = va & ~(kNapotBytes - 1);
  const std::uint64_t base_pa = pte_pa(pte) & ~(kNapotBytes - 1);
  const std::uint64_t gathered = napot_accessed_dirty(pte_addr);
  for (std::uint64_t i = 0; i < kNapotPages; ++i) {
    const std::uint64_t slot = first + i * sv::kPteSize;
    const std::uint64_t flags = hal_.load64(slot) & ((std::uint64_t{1} << sv::kPtePpnShift) - 1);
    hal_.store64(slot, sv::make_pte(base_pa + i * sv::kPageSize, flags | gathered));
  }
  flush_page(pid, base_va);  // one TLB entry holds the whole range
  ++stats_.napot_unfolds;
  note(pid, base_va, [] { return std::string("NAPOT range unfolded into 16 PTEs"); });
}

void Kernel::unfold_all_napot(Pid pid) {
  Process& p = processes_.at(pid);
  for (const Region& r : p.space->regions()) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> folded;  // va, PTE address
    p.page_table->for_each_leaf(r.start, r.end,
                                [&](std::uint64_t va, std::uint64_t pte_addr, unsigned level) {
                                  if (level == 0 && (hal_.load64(pte_addr) & sv::kPteN) != 0 &&
                                      pte_addr == first_slot(pte_addr)) {
                                    folded.emplace_back(va, pte_addr);
                                  }
                                });
    for (const auto& [va, pte_addr] : folded) unfold_napot(pid, va, pte_addr);
  }
}

}  // namespace mmusim::fw
