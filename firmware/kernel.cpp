#include "kernel.h"

#include <algorithm>
#include <stdexcept>

namespace mmusim::fw {

namespace {

AccessKind access_of(sv::Cause cause) {
  switch (cause) {
    case sv::Cause::InstrPageFault:
    case sv::Cause::InstrAccessFault: return AccessKind::Fetch;
    case sv::Cause::StorePageFault:
    case sv::Cause::StoreAccessFault: return AccessKind::Write;
    default: return AccessKind::Read;
  }
}

std::uint64_t permission_needed(AccessKind kind) {
  return kind == AccessKind::Fetch ? sv::kPteX : kind == AccessKind::Write ? sv::kPteW : sv::kPteR;
}

constexpr std::uint64_t kAsids = 1u << 16;

}  // namespace

Kernel::Kernel(Hal& hal, const KernelConfig& config)
    : hal_(hal),
      config_(config),
      frames_(0, config.dram_size >> sv::kPageShift),
      user_frame_limit_(config.user_frames != 0 ? config.user_frames : frames_.count()),
      owners_(frames_.count()),
      asids_(1, kAsids - 1),  // ASID 0 is left unused
      swap_(hal, config.swap_base),
      policy_(make_page_replacement(config.replacement, config.seed)) {}

// --- processes --------------------------------------------------------------------------

Pid Kernel::spawn(std::vector<Region> regions) {
  const Pid pid = static_cast<Pid>(processes_.size());
  const auto asid = asids_.allocate();
  if (!asid) throw std::runtime_error("firmware: out of ASIDs");
  Process p;
  p.asid = static_cast<std::uint16_t>(*asid);
  p.alive = true;
  p.space = std::make_unique<AddressSpace>(std::move(regions));
  if (config_.mode != sv::Mode::Bare) {
    const auto root = allocate_table(p);
    if (!root) throw std::runtime_error("firmware: no frame for a page-table root");
    p.page_table.emplace(hal_, config_.mode, *root);
  }
  processes_.push_back(std::move(p));
  ++stats_.processes_created;
  return pid;
}

void Kernel::switch_to(Pid pid) {
  const Process& p = processes_.at(pid);
  sv::Satp satp;
  satp.mode = config_.mode;
  satp.asid = p.asid;
  satp.root_ppn = p.page_table ? p.page_table->root() >> sv::kPageShift : 0;
  hal_.store64(mmu_reg(mmu_regs::kSatp), satp.encode());
  ++stats_.context_switches;
}

void Kernel::exit(Pid pid) {
  Process& p = processes_.at(pid);
  if (!p.alive) return;
  p.alive = false;
  for (const std::uint64_t frame : std::vector<std::uint64_t>(p.user_frames.begin(), p.user_frames.end())) {
    free_user_frame(p, frame);
  }
  for (const std::uint64_t frame : p.table_frames) frames_.release(frame);
  stats_.table_frames_in_use -= p.table_frames.size();
  p.table_frames.clear();
  for (const std::uint64_t slot : p.swap_slots) swap_slots_->release(slot);
  stats_.swap_slots_in_use -= p.swap_slots.size();
  p.swap_slots.clear();
  p.page_table.reset();
  // Nothing of this address space may survive in the TLBs once its frames and its
  // ASID are reused.
  if (config_.mode != sv::Mode::Bare) flush(mmu_regs::FlushKind::Asid, 0, p.asid);
  asids_.release(p.asid);
  ++stats_.processes_exited;
}

KillReport Kernel::kill(Pid pid, std::uint64_t va, sv::Cause cause, std::string reason) {
  KillReport report{pid, va, access_of(cause), cause, std::move(reason)};
  ++stats_.kills;
  kill_log_.push_back(report);
  exit(pid);
  return report;
}

// --- traps ------------------------------------------------------------------------------

std::optional<KillReport> Kernel::handle_trap(Pid pid) {
  ++stats_.traps;
  hal_.spend(config_.trap_cost_ps);
  const auto cause = static_cast<sv::Cause>(hal_.load64(mmu_reg(mmu_regs::kFaultCause)));
  const std::uint64_t va = hal_.load64(mmu_reg(mmu_regs::kFaultVa));
  hal_.store64(mmu_reg(mmu_regs::kIrqAck), 1);
  if (!sv::is_page_fault(cause)) return kill(pid, va, cause, "access fault (no memory there)");
  return handle_page_fault(pid, cause, va);
}

std::optional<KillReport> Kernel::handle_page_fault(Pid pid, sv::Cause cause, std::uint64_t va) {
  Process& p = processes_.at(pid);
  const AccessKind access = access_of(cause);
  const Region* region = p.space->find_or_grow(va);
  if (region == nullptr) {
    ++stats_.segfaults;
    return kill(pid, va, cause,
                p.space->in_stack_guard_gap(va)
                    ? "segmentation fault: stack overflow into the guard gap"
                    : "segmentation fault: address in no region");
  }
  if ((region->perms & permission_needed(access)) == 0) {
    ++stats_.segfaults;
    return kill(pid, va, cause,
                "segmentation fault: region '" + region->name + "' forbids " + to_string(access));
  }
  if (!p.page_table) return kill(pid, va, cause, "page fault without paging");
  const std::uint64_t perms = region->perms;

  const std::uint64_t page = sv::page_round_down(va);
  const auto pte_addr = p.page_table->leaf_slot(page, [this, &p] { return allocate_table(p); });
  if (!pte_addr) return kill(pid, va, cause, "out of memory for page tables");
  const std::uint64_t pte = hal_.load64(*pte_addr);

  if ((pte & sv::kPteV) != 0) {
    // Mapped already: under Svade the walker faults when A (or D for a store) is clear.
    const std::uint64_t needed = sv::kPteA | (access == AccessKind::Write ? sv::kPteD : 0);
    if ((pte & needed) != needed) {
      hal_.store64(*pte_addr, pte | needed);
      ++stats_.ad_faults;
    } else {
      ++stats_.spurious_faults;
    }
    flush_page(page, p.asid);
    return std::nullopt;
  }

  EvictResult why = EvictResult::Done;
  const auto frame = allocate_user_frame(why);
  if (!frame) {
    return kill(pid, va, cause,
                why == EvictResult::SwapError
                    ? std::string("swap I/O error while evicting: ") + to_string(swap_.last_error())
                    : "out of memory: swap is full and no clean page can be evicted");
  }
  if (is_swap_entry(pte)) {
    const std::uint64_t slot = swap_slot_of(pte);
    if (!swap_.read_page(slot, frame_pa(*frame))) {
      frames_.release(*frame);
      return kill(pid, va, cause,
                  std::string("swap I/O error on swap-in: ") + to_string(swap_.last_error()));
    }
    map_user_frame(p, pid, *frame, page, *pte_addr, perms, access);
    owners_[*frame].swap_slot = slot;  // stays valid until the page gets dirty
    ++stats_.major_faults;
    ++stats_.swap_ins;
  } else {
    hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
    map_user_frame(p, pid, *frame, page, *pte_addr, perms, access);
    ++stats_.minor_faults;
  }
  ++stats_.page_faults;
  flush_page(page, p.asid);
  return std::nullopt;
}

void Kernel::map_user_frame(Process& p, Pid pid, std::uint64_t frame, std::uint64_t va,
                            std::uint64_t pte_addr, std::uint64_t perms, AccessKind access) {
  // The page is about to be used: A is set now (as Linux's fault path does), so a page
  // just brought in is not the replacement policy's first choice before the access
  // that faulted it in runs. D is set only for a store, so a clean D still means "the
  // same as its copy in swap".
  const std::uint64_t ad = sv::kPteA | (access == AccessKind::Write ? sv::kPteD : 0);
  hal_.store64(pte_addr, sv::make_pte(frame_pa(frame), sv::kPteV | sv::kPteU | perms | ad));
  owners_[frame] = FrameOwner{true, pid, va, pte_addr, std::nullopt};
  p.user_frames.insert(frame);
  resident_[resident_key(pid, va)] = frame;
  policy_->on_load(frame);
  ++stats_.user_frames_in_use;
  stats_.user_frames_peak = std::max(stats_.user_frames_peak, stats_.user_frames_in_use);
}

void Kernel::free_user_frame(Process& p, std::uint64_t frame) {
  FrameOwner& owner = owners_[frame];
  policy_->on_free(frame);
  resident_.erase(resident_key(owner.pid, owner.va));
  p.user_frames.erase(frame);
  owner = FrameOwner{};
  frames_.release(frame);
  --stats_.user_frames_in_use;
}

// --- frames and eviction ----------------------------------------------------------------

std::optional<std::uint64_t> Kernel::allocate_frame() {
  if (frames_.free_count() == 0 && evict_one() != EvictResult::Done) return std::nullopt;
  return frames_.allocate();
}

// A frame that becomes a page table (the root included) is zeroed first: a recycled
// frame still holds its last owner's data, and a stale valid PTE in it would lead the
// walker into frames this process does not own.
std::optional<std::uint64_t> Kernel::allocate_table(Process& p) {
  const auto frame = allocate_frame();
  if (!frame) return std::nullopt;
  hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
  p.table_frames.push_back(*frame);
  ++stats_.table_frames_in_use;
  return frame_pa(*frame);
}

std::optional<std::uint64_t> Kernel::allocate_user_frame(EvictResult& why) {
  if (stats_.user_frames_in_use >= user_frame_limit_ || frames_.free_count() == 0) {
    why = evict_one();
    if (why != EvictResult::Done) return std::nullopt;
  }
  return frames_.allocate();
}

Kernel::EvictResult Kernel::evict_one() {
  if (stats_.user_frames_in_use == 0) return EvictResult::SwapFull;
  const EvictResult first = evict(policy_->victim(*this));
  if (first != EvictResult::SwapFull) return first;
  // The policy's choice is dirty and swap is full: any clean page will do.
  for (std::uint64_t frame = 0; frame < owners_.size(); ++frame) {
    if (owners_[frame].user && (pte_of(frame) & sv::kPteD) == 0) return evict(frame);
  }
  return EvictResult::SwapFull;
}

Kernel::EvictResult Kernel::evict(std::uint64_t frame) {
  const FrameOwner owner = owners_[frame];
  Process& p = processes_.at(owner.pid);
  const std::uint64_t pte = hal_.load64(owner.pte_addr);
  std::uint64_t new_pte = 0;
  if ((pte & sv::kPteD) != 0) {
    const auto slot = owner.swap_slot ? owner.swap_slot : allocate_swap_slot(p);
    if (!slot) return EvictResult::SwapFull;
    if (config_.fault_injection != FaultInjection::LoseDirtyPages &&
        !swap_.write_page(*slot, frame_pa(frame))) {
      return EvictResult::SwapError;
    }
    ++stats_.dirty_writebacks;
    new_pte = swap_entry(*slot);
  } else if (owner.swap_slot) {
    ++stats_.clean_drops;  // the copy in swap is still the page's content
    new_pte = swap_entry(*owner.swap_slot);
  } else {
    ++stats_.zero_drops;  // never written since it was zero-filled: zero-fill it again
  }
  hal_.store64(owner.pte_addr, new_pte);
  flush_page(owner.va, p.asid);
  free_user_frame(p, frame);
  ++stats_.evictions;
  return EvictResult::Done;
}

std::optional<std::uint64_t> Kernel::allocate_swap_slot(Process& p) {
  if (!swap_slots_) swap_slots_.emplace(0, swap_.capacity_blocks());
  const auto slot = swap_slots_->allocate();
  if (slot) {
    p.swap_slots.insert(*slot);
    ++stats_.swap_slots_in_use;
    stats_.swap_slots_peak = std::max(stats_.swap_slots_peak, stats_.swap_slots_in_use);
  }
  return slot;
}

std::uint64_t Kernel::pte_of(std::uint64_t frame) { return hal_.load64(owners_[frame].pte_addr); }

void Kernel::clear_accessed(std::uint64_t frame) {
  const FrameOwner& owner = owners_[frame];
  hal_.store64(owner.pte_addr, hal_.load64(owner.pte_addr) & ~sv::kPteA);
  flush_page(owner.va, processes_.at(owner.pid).asid);
}

// --- system calls -----------------------------------------------------------------------

std::optional<std::uint64_t> Kernel::syscall(Pid pid, Syscall call, std::uint64_t arg) {
  ++stats_.syscalls;
  hal_.spend(config_.trap_cost_ps);
  AddressSpace& space = *processes_.at(pid).space;
  switch (call) {
    case Syscall::Brk: {
      const auto removed = space.set_brk(arg);
      if (!removed) return std::nullopt;
      release_range(pid, removed->start, removed->end);
      return space.brk();
    }
    case Syscall::Mmap: return space.mmap(arg);
    case Syscall::Munmap: {
      const auto removed = space.munmap(arg);
      if (!removed) return std::nullopt;
      release_range(pid, removed->start, removed->end);
      return arg;
    }
  }
  return std::nullopt;
}

// Frees the frames and swap slots of every page in [start, end) and clears their PTEs.
void Kernel::release_range(Pid pid, std::uint64_t start, std::uint64_t end) {
  Process& p = processes_.at(pid);
  if (!p.page_table) return;
  for (std::uint64_t va = start; va < end; va += sv::kPageSize) {
    const auto pte_addr = p.page_table->leaf_slot(va);
    if (!pte_addr) continue;
    const std::uint64_t pte = hal_.load64(*pte_addr);
    std::optional<std::uint64_t> slot;
    if ((pte & sv::kPteV) != 0) {
      const std::uint64_t frame = frame_of(sv::pte_ppn(pte) << sv::kPageShift);
      slot = owners_[frame].swap_slot;
      free_user_frame(p, frame);
    } else if (is_swap_entry(pte)) {
      slot = swap_slot_of(pte);
    } else {
      continue;
    }
    if (slot) {
      p.swap_slots.erase(*slot);
      swap_slots_->release(*slot);
      --stats_.swap_slots_in_use;
    }
    hal_.store64(*pte_addr, 0);
    flush_page(va, p.asid);
  }
}

// --- oracles and flushes ----------------------------------------------------------------

void Kernel::observe_access(Pid pid, std::uint64_t va, std::uint64_t next_use) {
  ++access_clock_;
  const auto it = resident_.find(resident_key(pid, va));
  if (it != resident_.end()) policy_->on_access(it->second, access_clock_, next_use);
}

void Kernel::flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid) {
  if (config_.fault_injection == FaultInjection::SkipFlush) return;
  hal_.store64(mmu_reg(mmu_regs::kFlushVa), va);
  hal_.store64(mmu_reg(mmu_regs::kFlushAsid), asid);
  hal_.store64(mmu_reg(mmu_regs::kFlushCmd), static_cast<std::uint64_t>(kind));
}

// The narrowest correct flush for one changed non-global leaf PTE (§4.2.1).
void Kernel::flush_page(std::uint64_t va, std::uint16_t asid) {
  flush(mmu_regs::FlushKind::VaAsid, va, asid);
}

}  // namespace mmusim::fw
