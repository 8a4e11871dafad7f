// Huge pages (transparent, as Linux's THP): a demand-zero fault in a large enough, aligned
// part of an eligible region maps one 2 MiB (or 1 GiB) superpage leaf (priv spec §4.3.2:
// a leaf at level 1 or 2, its PPN naturally aligned) over a run of contiguous frames;
// with no free run it falls back to a 4 KiB page. A huge page is split into 512 pages of
// the level below, mapped where it was, whenever a 4 KiB page is what is needed: before
// it is evicted (it is then evicted 4 KiB at a time: a huge page never goes to swap
// whole), when munmap or brk cuts it, and before fork (which shares 4 KiB pages
// copy-on-write; Linux shares the huge page and splits at the first store instead).
// Collapse (firmware.huge_pages_collapse, as khugepaged) copies 512 mapped pages back
// into one.
#include <algorithm>

#include "kernel.h"
#include "simulation_failure.h"

namespace mmusim::fw {

namespace {
std::uint64_t span(unsigned level) { return std::uint64_t{1} << sv::page_shift(level); }
// The PTE bits a split hands down to the smaller pages: permissions, U, G, A, D, RSW.
constexpr std::uint64_t kLeafFlags = (std::uint64_t{1} << sv::kPtePpnShift) - 1;
}  // namespace

unsigned Kernel::huge_level(const Region& region, std::uint64_t va) const {
  if (config_.huge_pages == HugePages::Never || region.backing != Backing::Private ||
      (region.perms & sv::kPteW) == 0 || region.kind == RegionKind::Stack) {
    return 0;
  }
  if (config_.huge_pages == HugePages::Madvise && !region.huge) return 0;
  for (unsigned level = config_.huge_pages_1g ? 2 : 1; level > 0; --level) {
    const std::uint64_t base = va & ~(span(level) - 1);
    if (base >= region.start && base + span(level) <= region.end) return level;
  }
  return 0;
}

Kernel::HugeOutcome Kernel::map_huge(Pid pid, const Region& region, std::uint64_t va,
                                     unsigned level, AccessKind access) {
  Process& p = processes_.at(pid);
  const std::uint64_t base = va & ~(span(level) - 1);
  const PageTable::TableAllocator allocate = [this, &p] { return allocate_table(p); };
  const auto slot = p.page_table->slot(base, level, &allocate);
  // Tables below (4 KiB pages, swap entries) or a leaf above: not for a huge page.
  if (!slot || hal_.load64(*slot) != 0) return HugeOutcome::Occupied;
  // A huge page does not evict 512 pages to make room: it waits for a free run.
  if (frames_.user_count() + FrameTable::run_frames(level) > user_frame_limit_) {
    return HugeOutcome::NoRun;
  }
  const auto head = frames_.allocate_run(level);
  if (!head) return HugeOutcome::NoRun;
  for (std::uint64_t offset = 0; offset < span(level); offset += span(1)) {
    hal_.store_zeros(frame_pa(*head) + offset, span(1));
  }
  UserPage page;
  page.level = level;
  frames_.make_user(*head, page);
  policy_->on_load(*head);
  note_user_frames();
  map_page(pid, *head, base, *slot, region.perms, access);
  ++(level == 1 ? stats_.huge_mapped : stats_.huge_1g_mapped);
  note(pid, base, [&] {
    return std::string("minor fault: zero-filled ") + (level == 1 ? "2 MiB" : "1 GiB") +
           " huge page at frames " + std::to_string(*head) + "..";
  });
  return HugeOutcome::Mapped;
}

bool Kernel::split_huge(std::uint64_t head) {
  UserPage& huge = frames_.page(head);
  if (huge.mappers.size() != 1) {
    throw SimulationFailure("firmware: huge page at frame " + std::to_string(head) + " has " +
                            std::to_string(huge.mappers.size()) + " mappers");
  }
  const Mapper m = huge.mappers.front();
  Process& p = processes_.at(m.pid);
  // The new table needs a frame; making one free must not pick this very page.
  if (frames_.free_count() == 0) {
    const std::vector<std::uint64_t> user = frames_.user_frames();
    const auto small = std::find_if(user.begin(), user.end(), [&](std::uint64_t f) {
      return f != head && frames_.page(f).level == 0;
    });
    if (small == user.end() ||
        evict(*small, "room for the page table a huge-page split needs") != EvictResult::Done) {
      return false;
    }
  }
  const auto table = allocate_table(p);
  if (!table) return false;
  const std::uint64_t pte = hal_.load64(m.pte_addr);
  const unsigned level = huge.level - 1;
  frames_.remove_mapper(head, m.pid, m.va);
  forget_resident(m.pid, m.va);
  const std::vector<std::uint64_t> heads = frames_.split(head);
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const std::uint64_t slot = *table + i * sv::kPteSize;
    hal_.store64(slot, sv::make_pte(frame_pa(heads[i]), pte & kLeafFlags));
    add_mapper(heads[i], Mapper{m.pid, m.va + i * span(level), slot});
    if (i != 0) policy_->on_load(heads[i]);
  }
  // The leaf becomes a pointer to the new table (§4.3.1: V only).
  hal_.store64(m.pte_addr, sv::make_pte(*table, sv::kPteV));
  flush_page(m.pid, m.va);
  ++stats_.huge_splits;
  note_user_frames();
  note(m.pid, m.va, [&] {
    return "split huge page at frame " + std::to_string(head) + " into 512 " +
           (level == 0 ? "4 KiB" : "2 MiB") + " pages";
  });
  return true;
}

bool Kernel::split_to_4k(std::uint64_t head) {
  while (frames_.page(head).level > 0) {
    if (!split_huge(head)) return false;
  }
  return true;
}

bool Kernel::split_straddling(Pid pid, std::uint64_t start, std::uint64_t end) {
  const PageTable& table = *processes_.at(pid).page_table;
  for (const std::uint64_t cut : {start, end}) {
    while (const auto leaf = table.superpage_leaf(cut)) {
      if ((cut & (span(leaf->level) - 1)) == 0) break;  // on the huge page's edge
      if (!split_huge(frame_of(pte_pa(hal_.load64(leaf->pte_addr))))) return false;
    }
  }
  return true;
}

bool Kernel::split_all(Pid pid) {
  Process& p = processes_.at(pid);
  for (const Region& r : p.space->regions()) {
    std::vector<std::uint64_t> heads;
    p.page_table->for_each_leaf(r.start, r.end,
                                [&](std::uint64_t, std::uint64_t pte_addr, unsigned level) {
                                  if (level > 0) heads.push_back(frame_of(pte_pa(hal_.load64(pte_addr))));
                                });
    for (const std::uint64_t head : heads) {
      // A 1 GiB page splits into 2 MiB ones, each split in turn.
      std::vector<std::uint64_t> todo{head};
      while (!todo.empty()) {
        const std::uint64_t h = todo.back();
        todo.pop_back();
        const unsigned level = frames_.page(h).level;
        if (level == 0) continue;
        if (!split_huge(h)) return false;
        const std::uint64_t step = FrameTable::run_frames(level - 1);
        for (std::uint64_t f = h; f < h + FrameTable::run_frames(level); f += step) todo.push_back(f);
      }
    }
  }
  return true;
}

void Kernel::try_collapse(Pid pid, const Region& region, std::uint64_t va) {
  if (!config_.huge_collapse || huge_level(region, va) == 0) return;
  Process& p = processes_.at(pid);
  const std::uint64_t base = va & ~(span(1) - 1);
  if (base < region.start || base + span(1) > region.end) return;
  const auto slot = p.page_table->slot(base, 1, nullptr);
  if (!slot) return;
  const std::uint64_t pointer = hal_.load64(*slot);
  if ((pointer & sv::kPteV) == 0 || sv::pte_is_leaf(pointer)) return;
  const std::uint64_t table = pte_pa(pointer);
  // Like khugepaged: only a block whose every page is mapped, private and this
  // process's alone (no copy-on-write sharing, no swap entry elsewhere).
  const std::uint64_t pages = FrameTable::run_frames(1);
  std::vector<std::uint64_t> frames(pages), ptes(pages);
  for (std::uint64_t i = 0; i < pages; ++i) {
    ptes[i] = hal_.load64(table + i * sv::kPteSize);
    if ((ptes[i] & sv::kPteV) == 0 || (ptes[i] & kPteCow) != 0) return;
    frames[i] = mapped_frame(pid, base + i * sv::kPageSize, table + i * sv::kPteSize, ptes[i]);
    const UserPage& page = frames_.page(frames[i]);
    if (page.level != 0 || page.backing != Backing::Private || !exclusive(frames[i])) return;
  }
  if (frames_.user_count() + pages > user_frame_limit_) return;
  const auto head = frames_.allocate_run(1);
  if (!head) return;
  for (std::uint64_t i = 0; i < pages; ++i) {
    hal_.copy(frame_pa(*head + i), frame_pa(frames[i]), sv::kPageSize);
  }
  UserPage huge;
  huge.level = 1;
  huge.dirty = true;  // not zero, and in no swap slot
  frames_.make_user(*head, huge);
  policy_->on_load(*head);
  for (std::uint64_t i = 0; i < pages; ++i) {
    remove_mapper(frames[i], pid, base + i * sv::kPageSize, ptes[i]);
  }
  add_mapper(*head, Mapper{pid, base, *slot});
  hal_.store64(*slot, sv::make_pte(frame_pa(*head),
                                   sv::kPteV | sv::kPteU | sv::kPteA | sv::kPteD | region.perms));
  const std::uint64_t table_frame = frame_of(table);
  p.table_frames.erase(std::find(p.table_frames.begin(), p.table_frames.end(), table_frame));
  frames_.release(table_frame);
  --stats_.table_frames_in_use;
  // The pointer PTE became a leaf: the whole address space's cached walks go.
  flush_asid(p);
  ++stats_.huge_collapses;
  note_user_frames();
  note(pid, base, [&] {
    return "collapse: 512 pages copied into a 2 MiB huge page at frames " +
           std::to_string(*head) + "..";
  });
}

}  // namespace mmusim::fw
