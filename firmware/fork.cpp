// fork(): the child gets a copy of its parent's address space in page tables of its own.
// Private writable pages are shared write-protected and marked copy-on-write in both
// (firmware.fork=cow), or copied now (copy: a page in swap is read into the child's
// copy); read-only private pages, shared segments and libraries are shared as they
// are; with cow, pages in swap share their slot.
#include "kernel.h"

namespace mmusim::fw {

std::optional<Pid> Kernel::fork(Pid parent_pid) {
  if (!processes_.at(parent_pid).page_table) return std::nullopt;  // Bare: nothing to copy
  const std::uint64_t started = hal_.now_ps();
  hal_.spend(config_.trap_cost_ps);
  ++stats_.syscalls;
  // Huge pages are shared copy-on-write as 4 KiB pages (huge.cpp).
  if (huge_pages_on() && !split_all(parent_pid)) return std::nullopt;
  // And NAPOT ranges as 16 pages (napot.cpp).
  if (config_.napot) unfold_all_napot(parent_pid);
  const Pid child = new_process(std::make_unique<AddressSpace>(*processes_.at(parent_pid).space));
  Process& parent = processes_.at(parent_pid);
  for (const Region& r : parent.space->regions()) {
    if (r.backing != Backing::Private) ++objects_.at(r.object).attachments;
  }
  bool parent_changed = false;
  bool out_of_memory = false;
  const auto copy_leaf = [&](std::uint64_t va, std::uint64_t parent_slot, unsigned) {
    if (out_of_memory) return;
    Process& c = processes_.at(child);
    const auto child_slot = c.page_table->leaf_slot(va, [this, &c] { return allocate_table(c); });
    if (!child_slot) {
      out_of_memory = true;
      return;
    }
    const Region* region = parent.space->find(va);
    const bool private_writable = region != nullptr && region->backing == Backing::Private &&
                                  (region->perms & sv::kPteW) != 0;
    std::optional<std::uint64_t> copy;
    if (private_writable && config_.fork == ForkMode::Copy) {
      EvictResult why = EvictResult::Done;
      copy = allocate_user_frame(UserPage{}, why);
      if (!copy) {
        out_of_memory = true;
        return;
      }
    }
    // Read the parent's PTE only now: making room above may have evicted its page.
    std::uint64_t pte = hal_.load64(parent_slot);
    if (is_swap_entry(pte) && copy) {
      // An eager copy of a page in swap: the child reads its own copy in now.
      if (!swap_.read_page(swap_slot_of(pte), frame_pa(*copy))) {
        free_user_frame(*copy);
        out_of_memory = true;
        return;
      }
      add_mapper(*copy, Mapper{child, va, *child_slot});
      hal_.store64(*child_slot,
                   sv::make_pte(frame_pa(*copy),
                                sv::kPteV | sv::kPteU | region->perms | sv::kPteA | sv::kPteD));
      ++stats_.fork_frames_copied;
      ++stats_.swap_ins;
      return;
    }
    if (is_swap_entry(pte)) {
      swap_space().hold(swap_slot_of(pte));
      hal_.store64(*child_slot, pte);
      return;
    }
    if ((pte & sv::kPteV) == 0) {
      if (copy) free_user_frame(*copy);
      return;
    }
    const std::uint64_t frame = mapped_frame(parent_pid, va, parent_slot, pte);
    if (copy) {
      hal_.copy(frame_pa(*copy), frame_pa(frame), sv::kPageSize);
      add_mapper(*copy, Mapper{child, va, *child_slot});
      // A new page with no copy in swap: dirty, or eviction would drop it as all zeros.
      hal_.store64(*child_slot,
                   sv::make_pte(frame_pa(*copy), (pte & (sv::kPteV | sv::kPteR | sv::kPteX |
                                                         sv::kPteU | sv::kPteA)) |
                                                     sv::kPteW | sv::kPteD));
      ++stats_.fork_frames_copied;
      return;
    }
    if (private_writable && (pte & (sv::kPteW | kPteCow)) != 0) {
      // Both sides write-protected; the dirt moves to the frame, so a page that differs
      // from its swap copy still gets written back.
      frames_.page(frame).dirty |= (pte & sv::kPteD) != 0;
      pte = (pte & ~(sv::kPteW | sv::kPteD)) | kPteCow;
      hal_.store64(parent_slot, pte);
      parent_changed = true;
    }
    add_mapper(frame, Mapper{child, va, *child_slot});
    hal_.store64(*child_slot, pte);
  };
  // Region by region, as Linux copies VMA by VMA: the tables of the holes are never read.
  for (const Region& r : parent.space->regions())
    parent.page_table->for_each_leaf(r.start, r.end, copy_leaf);
  // Every writable page of the parent's changed: one flush of its ASID, as Linux
  // flushes the whole mm after copying it, instead of one per page.
  if (parent_changed) flush_asid(processes_.at(parent_pid));
  ++stats_.forks;
  stats_.fork_time_ns += (hal_.now_ps() - started) / 1000;
  note(parent_pid, kNoVa, [&] {
    return "fork: child pid " + std::to_string(child) + " (" +
           (config_.fork == ForkMode::Cow ? "copy-on-write" : "eager copy") + ", " +
           std::to_string((hal_.now_ps() - started) / 1000) + " ns)";
  });
  if (out_of_memory) {
    exit(child);
    return std::nullopt;
  }
  return child;
}

}  // namespace mmusim::fw
