#pragma once
// The kernel: processes with their own address spaces (ASID + page table in DRAM),
// demand paging (demand-zero, swap-in, Svade A/D faults), page replacement with swap,
// brk/mmap/munmap, and process exit. It runs in the cpu's thread when an access traps
// or a process makes a system call, and reaches the hardware only through the HAL: the
// mmu's registers (mmu_regs.h), the swap device's (swap_regs.h), and DRAM.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "access.h"
#include "address_space.h"
#include "hal.h"
#include "id_pool.h"
#include "mmu_regs.h"
#include "page_replacement.h"
#include "page_table.h"
#include "sv.h"
#include "swap_driver.h"

namespace mmusim::fw {

using Pid = unsigned;

// Faults put into the kernel on purpose, to show that the integrity checker catches them.
enum class FaultInjection {
  None,
  LoseDirtyPages,  // evict dirty pages without writing them to swap
  SkipFlush,       // change PTEs without flushing the TLB
};

struct KernelConfig {
  sv::Mode mode = sv::Mode::Sv39;
  std::uint64_t dram_base = 0x8000'0000;
  std::uint64_t dram_size = std::uint64_t{256} << 20;
  std::uint64_t mmu_base = 0x1000'0000;
  std::uint64_t swap_base = 0x1000'1000;
  std::uint64_t user_frames = 0;         // most frames holding user pages; 0 = all of DRAM
  std::uint64_t trap_cost_ps = 500'000;  // bookkeeping per trap or system call
  PageReplacementKind replacement = PageReplacementKind::Clock;
  std::uint64_t seed = 1;  // for random replacement
  FaultInjection fault_injection = FaultInjection::None;
};

struct KernelStats {
  std::uint64_t processes_created = 0;
  std::uint64_t processes_exited = 0;
  std::uint64_t traps = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t page_faults = 0;   // minor + major
  std::uint64_t minor_faults = 0;  // a zeroed frame mapped (first touch, or a dropped clean zero page)
  std::uint64_t major_faults = 0;  // the page read back from swap
  std::uint64_t ad_faults = 0;     // Svade: A or D set by the firmware
  std::uint64_t spurious_faults = 0;  // the PTE already allowed the access (a stale TLB entry)
  std::uint64_t segfaults = 0;
  std::uint64_t kills = 0;            // segfaults, out of memory, swap errors
  std::uint64_t evictions = 0;
  std::uint64_t dirty_writebacks = 0;  // evictions that wrote the page to swap
  std::uint64_t clean_drops = 0;       // evictions of clean pages with a valid swap copy: no I/O
  std::uint64_t zero_drops = 0;        // evictions of never-written pages: no I/O, zero again
  std::uint64_t swap_ins = 0;
  std::uint64_t context_switches = 0;
  std::uint64_t user_frames_in_use = 0;
  std::uint64_t user_frames_peak = 0;
  std::uint64_t table_frames_in_use = 0;
  std::uint64_t swap_slots_in_use = 0;
  std::uint64_t swap_slots_peak = 0;
};

// Why a process was killed: pid, VA, access, cause, and the reason in words.
struct KillReport {
  Pid pid = 0;
  std::uint64_t va = 0;
  AccessKind access = AccessKind::Read;
  sv::Cause cause = sv::Cause::None;
  std::string reason;
};

enum class Syscall { Brk, Mmap, Munmap };

class Kernel final : private PteBits {
 public:
  Kernel(Hal& hal, const KernelConfig& config);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  Pid spawn(std::vector<Region> regions);
  void switch_to(Pid pid);
  // Handles the mmu's pending fault for the running process. nullopt: resolved, retry
  // the access; otherwise the process was killed (its memory is already freed).
  std::optional<KillReport> handle_trap(Pid pid);
  // brk(new_end) -> new end; mmap(length) -> start; munmap(start) -> start. nullopt if
  // refused.
  std::optional<std::uint64_t> syscall(Pid pid, Syscall call, std::uint64_t arg);
  void exit(Pid pid);

  // Oracle replacement policies see every completed access (`next_use`: the stream
  // position of the next access to the same page).
  bool wants_every_access() const { return is_oracle(config_.replacement); }
  void observe_access(Pid pid, std::uint64_t va, std::uint64_t next_use);

  const KernelStats& stats() const { return stats_; }
  const std::vector<KillReport>& kills() const { return kill_log_; }
  std::uint16_t asid_of(Pid pid) const { return processes_.at(pid).asid; }
  const AddressSpace& address_space(Pid pid) const { return *processes_.at(pid).space; }

 private:
  struct Process {
    std::uint16_t asid = 0;
    bool alive = false;
    std::unique_ptr<AddressSpace> space;
    std::optional<PageTable> page_table;  // none in Bare mode
    std::unordered_set<std::uint64_t> user_frames;
    std::vector<std::uint64_t> table_frames;
    std::unordered_set<std::uint64_t> swap_slots;
  };
  // Who a user frame belongs to and where its PTE is.
  struct FrameOwner {
    bool user = false;
    Pid pid = 0;
    std::uint64_t va = 0;
    std::uint64_t pte_addr = 0;
    std::optional<std::uint64_t> swap_slot;  // a copy in swap that is valid while D is clear
  };
  // Why an eviction could not free a frame.
  enum class EvictResult { Done, SwapFull, SwapError };

  std::optional<KillReport> handle_page_fault(Pid pid, sv::Cause cause, std::uint64_t va);
  std::optional<std::uint64_t> allocate_frame();  // any use; evicts a user page if DRAM is full
  std::optional<std::uint64_t> allocate_user_frame(EvictResult& why);
  std::optional<std::uint64_t> allocate_table(Process& p);  // a zeroed frame, as a PA
  EvictResult evict_one();
  EvictResult evict(std::uint64_t frame);
  void map_user_frame(Process& p, Pid pid, std::uint64_t frame, std::uint64_t va,
                      std::uint64_t pte_addr, std::uint64_t perms, AccessKind access);
  void free_user_frame(Process& p, std::uint64_t frame);
  void release_range(Pid pid, std::uint64_t start, std::uint64_t end);
  std::optional<std::uint64_t> allocate_swap_slot(Process& p);
  KillReport kill(Pid pid, std::uint64_t va, sv::Cause cause, std::string reason);
  void flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid);
  void flush_page(std::uint64_t va, std::uint16_t asid);

  std::uint64_t frame_pa(std::uint64_t frame) const {
    return config_.dram_base + (frame << sv::kPageShift);
  }
  std::uint64_t frame_of(std::uint64_t pa) const {
    return (pa - config_.dram_base) >> sv::kPageShift;
  }
  std::uint64_t mmu_reg(std::uint64_t offset) const { return config_.mmu_base + offset; }
  static std::uint64_t resident_key(Pid pid, std::uint64_t va) {
    return (std::uint64_t{pid} << 40) | (va >> sv::kPageShift);
  }

  // PteBits, for the replacement policy.
  std::uint64_t pte_of(std::uint64_t frame) override;
  void clear_accessed(std::uint64_t frame) override;

  Hal& hal_;
  KernelConfig config_;
  IdPool frames_;
  std::uint64_t user_frame_limit_;
  std::vector<FrameOwner> owners_;  // by frame number
  IdPool asids_;
  SwapDriver swap_;
  std::optional<IdPool> swap_slots_;  // sized from the device's capacity on first use
  std::unique_ptr<PageReplacement> policy_;
  std::unordered_map<std::uint64_t, std::uint64_t> resident_;  // (pid, vpn) -> frame
  std::uint64_t access_clock_ = 0;
  std::vector<Process> processes_;
  KernelStats stats_;
  std::vector<KillReport> kill_log_;
};

}  // namespace mmusim::fw
