// Processes: spawn, switch (with ASIDs assigned on demand), exit.
#include "kernel.h"

#include <stdexcept>

namespace mmusim::fw {

Pid Kernel::new_process(std::unique_ptr<AddressSpace> space) {
  if (!booted_) boot();
  const Pid pid = static_cast<Pid>(processes_.size());
  processes_.emplace_back();
  Process& p = processes_.back();
  p.alive = true;
  p.space = std::move(space);
  if (config_.mode != sv::Mode::Bare) {
    const auto root = allocate_table(p);
    if (!root) throw std::runtime_error("firmware: no frame for a page-table root");
    p.page_table.emplace(hal_, config_.mode, *root);
    map_kernel_region(p);
  }
  ++stats_.processes_created;
  note(pid, kNoVa, [] { return std::string("new process"); });
  return pid;
}

Pid Kernel::spawn(std::vector<Region> regions) {
  return new_process(std::make_unique<AddressSpace>(std::move(regions)));
}

void Kernel::switch_to(Pid pid) {
  Process& p = processes_.at(pid);
  if (config_.mode != sv::Mode::Bare && !asids_->current(p.asid)) {
    bool rolled_over = false;
    p.asid = asids_->assign(rolled_over);
    if (rolled_over) {
      flush(mmu_regs::FlushKind::All, 0, 0);
      note(pid, kNoVa,
           [] { return std::string("ASID rollover: no ASID free, every TLB entry flushed"); });
    }
    note_user_frames();
  }
  sv::Satp satp;
  satp.mode = config_.mode;
  satp.asid = p.asid.value;
  satp.root_ppn = p.page_table ? p.page_table->root() >> sv::kPageShift : 0;
  hal_.store64(mmu_reg(mmu_regs::kSatp), satp.encode());
  running_ = pid;
  ++stats_.context_switches;
}

// Drops one leaf of pid's: the frame's mapper, or the swap entry's reference.
void Kernel::release_leaf(Pid pid, std::uint64_t va, std::uint64_t pte_addr) {
  unfold_napot(pid, va, pte_addr);  // the other 15 pages of a NAPOT range stay
  const std::uint64_t pte = hal_.load64(pte_addr);
  if ((pte & sv::kPteV) != 0) {
    remove_mapper(mapped_frame(pid, va, pte_addr, pte), pid, va, pte);
  } else if (is_swap_entry(pte)) {
    drop_swap_entry(swap_slot_of(pte));
  } else {
    return;
  }
  hal_.store64(pte_addr, 0);
}

void Kernel::exit(Pid pid) {
  Process& p = processes_.at(pid);
  if (!p.alive) return;
  p.alive = false;
  if (p.page_table) {
    // Region by region (the kernel region's tables are everyone's and stay).
    for (const Region& r : p.space->regions()) {
      p.page_table->for_each_leaf(r.start, r.end, [&](std::uint64_t va, std::uint64_t pte_addr,
                                                      unsigned) {
        release_leaf(pid, va, pte_addr);
      });
    }
  }
  for (const Region& r : p.space->regions()) {
    if (r.backing != Backing::Private) detach_object(r.object);
  }
  for (const std::uint64_t frame : p.table_frames) frames_.release(frame);
  stats_.table_frames_in_use -= p.table_frames.size();
  p.table_frames.clear();
  p.page_table.reset();
  // Nothing of this address space may survive in the TLBs once its frames and its
  // ASID are reused.
  flush_asid(p);
  if (asids_) asids_->release(p.asid);
  if (running_ == pid) running_.reset();
  note_user_frames();
  ++stats_.processes_exited;
  note(pid, kNoVa, [] { return std::string("exit: frames, swap slots and ASID freed"); });
}

}  // namespace mmusim::fw
