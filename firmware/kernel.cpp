// Boot, the kernel region, TLB flushes and shootdowns, kills.
#include "kernel.h"

#include <algorithm>

#include "hex.h"
#include "simulation_failure.h"

namespace mmusim::fw {

const char* to_string(KillKind kind) {
  switch (kind) {
    case KillKind::Segfault: return "segmentation fault";
    case KillKind::OutOfMemory: return "out of memory";
    case KillKind::IoError: return "I/O error";
    case KillKind::AccessFault: return "access fault";
  }
  return "?";
}

Kernel::Kernel(Hal& hal, const KernelConfig& config)
    : hal_(hal),
      config_(config),
      frames_(config.dram_size >> sv::kPageShift),
      user_frame_limit_(config.user_frames != 0 ? config.user_frames : frames_.count()),
      swap_(hal, config.swap_base, config.swap_io),
      policy_(make_page_replacement(config.replacement, config.seed)),
      corruption_random_(config.seed) {
  for (const LibraryImage& image : config.libraries) {
    SharedObject lib;
    lib.kind = SharedObject::Kind::Library;
    lib.name = image.name;
    lib.size = image.size;
    lib.first_block = image.first_block;
    objects_.push_back(std::move(lib));
  }
}

void Kernel::restart_stats() {
  KernelStats fresh;
  fresh.shared_frames = fresh.shared_frames_peak = stats_.shared_frames;
  fresh.user_frames_in_use = fresh.user_frames_peak = stats_.user_frames_in_use;
  fresh.table_frames_in_use = stats_.table_frames_in_use;
  fresh.huge_pages_in_use = stats_.huge_pages_in_use;
  fresh.swap_slots_in_use = fresh.swap_slots_peak = stats_.swap_slots_in_use;
  stats_ = fresh;
  swap_.restart_stats();
}

// What the kernel learns from the hardware before the first process runs (it cannot
// touch the bus while the platform is still being built).
void Kernel::boot() {
  booted_ = true;
  // satp.ASID is WARL (§4.1.11): write all ones and read back how many bits stick.
  unsigned asid_bits = 0;
  if (config_.mode != sv::Mode::Bare) {
    sv::Satp probe;
    probe.mode = config_.mode;
    probe.asid = 0xFFFF;
    hal_.store64(mmu_reg(mmu_regs::kSatp), probe.encode());
    std::uint16_t sticks = sv::Satp::decode(hal_.load64(mmu_reg(mmu_regs::kSatp))).asid;
    while ((sticks & 1) != 0) {
      ++asid_bits;
      sticks >>= 1;
    }
    hal_.store64(mmu_reg(mmu_regs::kSatp), 0);
  }
  asids_.emplace(asid_bits);
  const std::uint64_t blocks = swap_.capacity_blocks();
  swap_space_.emplace(blocks > config_.file_store_blocks ? blocks - config_.file_store_blocks : 0);
  if (config_.mode == sv::Mode::Bare || config_.kernel_pages == 0) return;

  // The kernel region: tables and pages of its own, mapped supervisor-only and global
  // (G: the same in every address space, §4.3.1), under one root entry that every
  // address space's root shares, as Linux shares its kernel page tables.
  Process kernel;
  const auto top = allocate_table(kernel);
  if (!top) return;
  PageTable table(hal_, config_.mode, *top);
  for (std::uint64_t i = 0; i < config_.kernel_pages; ++i) {
    const std::uint64_t va = kernel_base() + i * sv::kPageSize;
    const auto slot = table.leaf_slot(va, [this, &kernel] { return allocate_table(kernel); });
    const auto frame = allocate_frame();
    if (!slot || !frame) break;
    hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
    hal_.store64(*slot, sv::make_pte(frame_pa(*frame), sv::kPteV | sv::kPteR | sv::kPteW |
                                                           sv::kPteG | sv::kPteA | sv::kPteD));
  }
  // The level below the root, shared; the temporary root itself is not needed.
  kernel_root_pte_ = hal_.load64(table.root_slot(kernel_base()));
  frames_.release(frame_of(*top));
  stats_.table_frames_in_use -= kernel.table_frames.size();  // they are no process's
}

void Kernel::map_kernel_region(Process& p) {
  if (kernel_root_pte_ != 0) hal_.store64(p.page_table->root_slot(kernel_base()), kernel_root_pte_);
}

KillReport Kernel::kill(Pid pid, std::uint64_t va, sv::Cause cause, KillKind kind,
                        std::string reason) {
  KillReport report{pid, va, sv::access_of(cause), cause, kind, std::move(reason)};
  note(pid, va, [&] { return "killed: " + report.reason; });
  ++stats_.kills;
  ++stats_.kills_by_kind[static_cast<std::size_t>(kind)];
  if (kind == KillKind::Segfault) ++stats_.segfaults;
  kill_log_.push_back(report);
  exit(pid);
  return report;
}

void Kernel::flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid) {
  if (config_.fault_injection == FaultInjection::SkipFlush) return;
  hal_.store64(mmu_reg(mmu_regs::kFlushVa), va);
  hal_.store64(mmu_reg(mmu_regs::kFlushAsid), asid);
  hal_.store64(mmu_reg(mmu_regs::kFlushCmd), static_cast<std::uint64_t>(kind));
}

// The narrowest correct flush for one changed non-global leaf PTE (§4.2.1): that page
// in that ASID. A process whose ASID is stale has nothing in the TLBs (the rollover
// that made it stale flushed them all, and it has not run since).
void Kernel::flush_page(Pid pid, std::uint64_t va) {
  const Process& p = processes_.at(pid);
  if (config_.mode == sv::Mode::Bare || !asids_->current(p.asid)) return;
  flush(mmu_regs::FlushKind::VaAsid, va, p.asid.value);
  if (running_ != pid) {
    ++stats_.shootdowns;
    note(pid, va,
         [&] { return "shootdown: flush this page in ASID " + std::to_string(p.asid.value); });
  }
}

std::string Kernel::mappers_of(std::uint64_t frame) const {
  std::string out;
  for (const Mapper& m : frames_.page(frame).mappers) {
    out += (out.empty() ? "" : ", ") + std::string("pid ") + std::to_string(m.pid) + " at " +
           hex(m.va);
  }
  return out.empty() ? "no mapper" : out;
}

void Kernel::flush_asid(const Process& p) {
  if (config_.mode != sv::Mode::Bare && asids_->current(p.asid)) {
    flush(mmu_regs::FlushKind::Asid, 0, p.asid.value);
  }
}

std::uint64_t Kernel::mapped_frame(Pid pid, std::uint64_t va, std::uint64_t pte_addr,
                                   std::uint64_t pte) const {
  // A NAPOT PTE names its range (PPN[3:0] = 1000); the page is va's within it (§5).
  constexpr std::uint64_t kNapotMask = (std::uint64_t{1} << sv::kNapotShift) - 1;
  const std::uint64_t pa =
      config_.napot && (pte & sv::kPteN) != 0
          ? (pte_pa(pte) & ~kNapotMask) | (va & kNapotMask & ~(sv::kPageSize - 1))
          : pte_pa(pte);
  const std::uint64_t frame = frame_of(pa);
  if (pa >= config_.dram_base && frame < frames_.count() && frames_.maps(frame, pid, va)) {
    return frame;
  }
  throw SimulationFailure("kernel: pid " + std::to_string(pid) + "'s PTE for VA " + hex(va) +
                          " (at PA " + hex(pte_addr) + ") reads " + hex(pte) + ", mapping PA " +
                          hex(pa) +
                          " where the kernel mapped no page for it: a page table in "
                          "memory is corrupt");
}

// --- the replacement policy's view of a frame: A and D over all its mappers ---------------

std::uint64_t Kernel::pte_of(std::uint64_t frame) {
  const UserPage& page = frames_.page(frame);
  std::uint64_t bits = page.dirty ? sv::kPteD : 0;
  for (const Mapper& m : page.mappers) {
    const std::uint64_t pte = hal_.load64(m.pte_addr);
    bits |= config_.napot && (pte & sv::kPteN) != 0 ? napot_accessed_dirty(m.pte_addr)
                                                    : pte & (sv::kPteA | sv::kPteD);
  }
  return bits;
}

void Kernel::clear_accessed(std::uint64_t frame) {
  for (const Mapper& m : frames_.page(frame).mappers) {
    unfold_napot(m.pid, m.va, m.pte_addr);  // A is per page from here on
    const std::uint64_t pte = hal_.load64(m.pte_addr);
    if ((pte & sv::kPteA) == 0) continue;
    hal_.store64(m.pte_addr, pte & ~sv::kPteA);
    flush_page(m.pid, m.va);
  }
}

void Kernel::observe_access(Pid pid, std::uint64_t va, std::uint64_t next_use) {
  ++access_clock_;
  // A huge page is known by its first page's VA.
  for (const unsigned shift : {sv::page_shift(0), sv::page_shift(1), sv::page_shift(2)}) {
    const auto it = resident_.find(resident_key(pid, va & ~((std::uint64_t{1} << shift) - 1)));
    if (it == resident_.end()) continue;
    policy_->on_access(it->second, access_clock_, next_use);
    return;
  }
}

void Kernel::note_user_frames() {
  stats_.user_frames_in_use = frames_.user_count();
  stats_.user_frames_peak = std::max(stats_.user_frames_peak, stats_.user_frames_in_use);
  stats_.huge_pages_in_use = frames_.huge_count();
  stats_.swap_slots_in_use = swap_space_ ? swap_space_->in_use() : 0;
  stats_.swap_slots_peak = swap_space_ ? swap_space_->peak() : 0;
  stats_.asid_rollovers = asids_ ? asids_->rollovers() : 0;
}

}  // namespace mmusim::fw
