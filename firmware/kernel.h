#pragma once
// The kernel: processes with their own address spaces (ASID + page table in DRAM), the
// page-fault handler (demand-zero, A/D faults under Svade) and process exit. It runs
// in the cpu's thread when an access traps, and reaches the mmu only through its MMIO
// registers (mmu_regs.h) via the HAL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "access.h"
#include "frame_allocator.h"
#include "hal.h"
#include "mmu_regs.h"
#include "page_table.h"
#include "sv.h"

namespace mmusim::fw {

using Pid = unsigned;

// A range of a process's virtual address space that may be touched; pages in it are
// created on first touch (demand-zero). `perms` is a mask of sv::kPteR/W/X.
struct Region {
  std::string name;
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // exclusive
  std::uint64_t perms = 0;
  bool contains(std::uint64_t va) const { return va >= start && va < end; }
};

struct KernelConfig {
  sv::Mode mode = sv::Mode::Sv39;
  std::uint64_t dram_base = 0x8000'0000;
  std::uint64_t dram_size = std::uint64_t{256} << 20;
  std::uint64_t mmu_base = 0x1000'0000;
  std::uint64_t user_frames = 0;        // most frames holding user pages; 0 = all of DRAM
  std::uint64_t trap_cost_ps = 500'000;  // bookkeeping per trap, beyond its memory traffic
};

struct KernelStats {
  std::uint64_t traps = 0;
  std::uint64_t page_faults = 0;  // every page-fault trap
  std::uint64_t minor_faults = 0;  // resolved by mapping a zeroed frame
  std::uint64_t ad_faults = 0;     // resolved by setting A/D (Svade)
  std::uint64_t spurious_faults = 0;  // the PTE already allowed the access: a stale TLB entry
  std::uint64_t kills = 0;
  std::uint64_t user_frames_in_use = 0;
  std::uint64_t user_frames_peak = 0;
  std::uint64_t table_frames_in_use = 0;
  std::uint64_t context_switches = 0;
};

// Why a trap ended a process (pid, VA, access, cause), for the report.
struct KillReport {
  Pid pid = 0;
  std::uint64_t va = 0;
  AccessKind access = AccessKind::Read;
  sv::Cause cause = sv::Cause::None;
  std::string reason;
};

class Kernel {
 public:
  Kernel(Hal& hal, const KernelConfig& config);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  Pid spawn(std::vector<Region> regions);
  void switch_to(Pid pid);
  // Handles the mmu's pending fault for the running process `pid`. nullopt: resolved,
  // retry the access; otherwise the process was killed (its memory is already freed).
  std::optional<KillReport> handle_trap(Pid pid);
  void exit(Pid pid);

  const KernelStats& stats() const { return stats_; }
  const std::vector<KillReport>& kills() const { return kill_log_; }
  std::uint16_t asid_of(Pid pid) const { return processes_.at(pid).asid; }

 private:
  struct Process {
    std::uint16_t asid = 0;
    bool alive = false;
    std::optional<PageTable> page_table;  // none in Bare mode
    std::vector<Region> regions;
    std::vector<std::uint64_t> user_frames;
    std::vector<std::uint64_t> table_frames;
  };

  std::optional<std::uint64_t> allocate_zeroed_frame();
  KillReport kill(Pid pid, std::uint64_t va, sv::Cause cause, std::string reason);
  void flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid);
  std::uint64_t mmu_reg(std::uint64_t offset) const { return config_.mmu_base + offset; }

  Hal& hal_;
  KernelConfig config_;
  FrameAllocator frames_;
  std::uint64_t user_frame_limit_;
  std::vector<Process> processes_;
  KernelStats stats_;
  std::vector<KillReport> kill_log_;
};

}  // namespace mmusim::fw
