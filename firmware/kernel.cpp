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

}  // namespace

Kernel::Kernel(Hal& hal, const KernelConfig& config)
    : hal_(hal),
      config_(config),
      frames_(config.dram_base, config.dram_size),
      user_frame_limit_(config.user_frames != 0 ? config.user_frames : frames_.total_frames()) {}

std::optional<std::uint64_t> Kernel::allocate_zeroed_frame() {
  const auto frame = frames_.allocate();
  if (frame) hal_.store_zeros(*frame, sv::kPageSize);
  return frame;
}

Pid Kernel::spawn(std::vector<Region> regions) {
  const Pid pid = static_cast<Pid>(processes_.size());
  Process p;
  p.asid = static_cast<std::uint16_t>(pid + 1);  // ASID 0 stays unused by processes
  p.alive = true;
  p.regions = std::move(regions);
  if (config_.mode != sv::Mode::Bare) {
    const auto root = allocate_zeroed_frame();
    if (!root) throw std::runtime_error("firmware: no frame for a page-table root");
    p.table_frames.push_back(*root);
    ++stats_.table_frames_in_use;
    p.page_table.emplace(hal_, config_.mode, *root);
  }
  processes_.push_back(std::move(p));
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

void Kernel::flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid) {
  hal_.store64(mmu_reg(mmu_regs::kFlushVa), va);
  hal_.store64(mmu_reg(mmu_regs::kFlushAsid), asid);
  hal_.store64(mmu_reg(mmu_regs::kFlushCmd), static_cast<std::uint64_t>(kind));
}

std::optional<KillReport> Kernel::handle_trap(Pid pid) {
  ++stats_.traps;
  hal_.spend(config_.trap_cost_ps);
  const auto cause = static_cast<sv::Cause>(hal_.load64(mmu_reg(mmu_regs::kFaultCause)));
  const std::uint64_t va = hal_.load64(mmu_reg(mmu_regs::kFaultVa));
  hal_.store64(mmu_reg(mmu_regs::kIrqAck), 1);

  Process& p = processes_.at(pid);
  if (!sv::is_page_fault(cause)) return kill(pid, va, cause, "access fault (no memory there)");
  ++stats_.page_faults;
  const AccessKind access = access_of(cause);
  const Region* region = nullptr;
  for (const Region& r : p.regions) {
    if (r.contains(va)) region = &r;
  }
  if (region == nullptr) return kill(pid, va, cause, "segmentation fault: address in no region");
  if ((region->perms & permission_needed(access)) == 0) {
    return kill(pid, va, cause, "segmentation fault: region '" + region->name + "' forbids it");
  }
  if (!p.page_table) return kill(pid, va, cause, "page fault without paging");

  const std::uint64_t page = va & ~(sv::kPageSize - 1);
  auto new_table = [this, &p]() {
    const auto frame = allocate_zeroed_frame();
    if (frame) {
      p.table_frames.push_back(*frame);
      ++stats_.table_frames_in_use;
    }
    return frame;
  };
  const auto slot = p.page_table->leaf_slot(page, new_table);
  if (!slot) return kill(pid, va, cause, "out of memory for page tables");
  const std::uint64_t pte = hal_.load64(*slot);

  if ((pte & sv::kPteV) != 0) {
    // Mapped already: under Svade the walker faults when A (or D for a store) is clear.
    const std::uint64_t needed = sv::kPteA | (access == AccessKind::Write ? sv::kPteD : 0);
    if ((pte & needed) != needed) {
      hal_.store64(*slot, pte | needed);
      ++stats_.ad_faults;
    } else {
      ++stats_.spurious_faults;
    }
  } else {
    if (stats_.user_frames_in_use >= user_frame_limit_) {
      return kill(pid, va, cause, "out of memory: user frame limit reached");
    }
    const auto frame = allocate_zeroed_frame();
    if (!frame) return kill(pid, va, cause, "out of memory: no free frame");
    p.user_frames.push_back(*frame);
    ++stats_.user_frames_in_use;
    stats_.user_frames_peak = std::max(stats_.user_frames_peak, stats_.user_frames_in_use);
    // A and D start clear: the hardware (Svadu) or the next fault (Svade) sets them.
    hal_.store64(*slot, sv::make_pte(*frame, sv::kPteV | sv::kPteU | region->perms));
    ++stats_.minor_faults;
  }
  // The narrowest correct flush for one changed non-global leaf PTE (§4.2.1).
  flush(mmu_regs::FlushKind::VaAsid, page, p.asid);
  return std::nullopt;
}

KillReport Kernel::kill(Pid pid, std::uint64_t va, sv::Cause cause, std::string reason) {
  KillReport report{pid, va, access_of(cause), cause, std::move(reason)};
  ++stats_.kills;
  kill_log_.push_back(report);
  exit(pid);
  return report;
}

void Kernel::exit(Pid pid) {
  Process& p = processes_.at(pid);
  if (!p.alive) return;
  p.alive = false;
  for (const std::uint64_t frame : p.user_frames) frames_.release(frame);
  for (const std::uint64_t frame : p.table_frames) frames_.release(frame);
  stats_.user_frames_in_use -= p.user_frames.size();
  stats_.table_frames_in_use -= p.table_frames.size();
  p.user_frames.clear();
  p.table_frames.clear();
  p.page_table.reset();
  // Nothing of this address space may survive in the TLBs once its frames are reused.
  if (config_.mode != sv::Mode::Bare) flush(mmu_regs::FlushKind::Asid, 0, p.asid);
}

}  // namespace mmusim::fw
