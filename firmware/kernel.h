#pragma once
// The kernel: processes with their own address spaces (ASID + page table in DRAM),
// demand paging, page replacement with swap, sharing (fork with copy-on-write, shared
// memory segments, shared libraries from a file store, a global kernel region), and
// process exit. It runs in the cpu's thread when an access traps or a process makes a
// system call, and reaches the hardware only through the HAL: the mmu's registers
// (mmu_regs.h), the swap device's (swap_regs.h), and DRAM.
//
// One mechanism per file, as Linux's mm/ does:
//   kernel.cpp   boot, the kernel region, TLB flushes and shootdowns, kills
//   process.cpp  spawn, switch (ASIDs), exit
//   fork.cpp     fork: copy-on-write or eager copy
//   fault.cpp    the trap handler: demand zero, swap-in and the swap cache, object
//                pages, copy-on-write breaks, Svade A/D
//   reclaim.cpp  frame allocation and eviction through the reverse map
//   huge.cpp     huge pages: mapping, fallback, split and collapse
//   napot.cpp    64 KiB Svnapot ranges: mapping, A/D over the range, unfolding
//   mmap.cpp     brk, mmap, munmap, shared segments and libraries
// with their data structures in frame_table.h (frames + reverse map), swap_space.h
// (swap slots + swap cache), shared_object.h, asid_allocator.h, address_space.h.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "access.h"
#include "address_space.h"
#include "asid_allocator.h"
#include "frame_table.h"
#include "hal.h"
#include "mmu_regs.h"
#include "page_replacement.h"
#include "page_table.h"
#include "shared_object.h"
#include "sv.h"
#include "swap_driver.h"
#include "swap_space.h"
#include "vm_log.h"

namespace mmusim::fw {

// Faults put into the kernel on purpose, to show that the integrity checker catches them.
enum class FaultInjection {
  None,
  LoseDirtyPages,  // evict dirty pages without writing them to swap
  SkipFlush,       // change PTEs without flushing the TLB
  CowNoCopy,       // a store to a copy-on-write page writes the shared page, uncopied
  CorruptPte,      // every kCorruptPteEvery-th PTE mapped has one random bit flipped
  NapotOwnAd,      // a NAPOT page's A and D read from its own PTE, not over its range
};

// How fork() gives the child its parent's private writable pages.
enum class ForkMode {
  Cow,   // share them write-protected; the first store copies (or reuses) the page
  Copy,  // copy every resident one at fork time
};

// Which anonymous regions get huge pages (as Linux's transparent_hugepage/enabled).
enum class HugePages {
  Never,
  Always,   // every private writable region but stacks
  Madvise,  // those marked huge (madvise(MADV_HUGEPAGE): Region::huge)
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
  ForkMode fork = ForkMode::Cow;
  HugePages huge_pages = HugePages::Never;
  bool huge_pages_1g = false;  // 1 GiB pages where a region holds an aligned GiB
  bool huge_collapse = false;  // a 2 MiB block whose 512 pages are all mapped becomes one
  bool napot = false;  // 64 KiB Svnapot ranges for demand-zero faults (napot.cpp)
  // The file store: the last `file_store_blocks` blocks of the swap device hold the
  // library images (their first_block counts from the device's block 0); swap uses
  // the blocks below.
  std::uint64_t file_store_blocks = 0;
  std::vector<LibraryImage> libraries;
  std::uint64_t kernel_pages = 16;  // the kernel region's mapped pages (0: none)
  SwapIoConfig swap_io;             // the swap driver's timeout, retries, checksums
};

// Why the kernel killed a process.
enum class KillKind : std::uint8_t { Segfault, OutOfMemory, IoError, AccessFault };
constexpr std::size_t kKillKinds = 4;
const char* to_string(KillKind kind);

struct KernelStats {
  std::uint64_t processes_created = 0;
  std::uint64_t processes_exited = 0;
  std::uint64_t traps = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t page_faults = 0;      // minor + major
  std::uint64_t minor_faults = 0;     // no I/O: a zeroed frame, or a page already resident
  std::uint64_t major_faults = 0;     // the page read from swap or the file store
  std::uint64_t ad_faults = 0;        // Svade: A or D set by the firmware
  std::uint64_t spurious_faults = 0;  // the PTE already allowed the access (a stale TLB entry)
  std::uint64_t segfaults = 0;
  std::uint64_t kills = 0;  // all kinds
  std::array<std::uint64_t, kKillKinds> kills_by_kind{};
  std::uint64_t evictions = 0;
  std::uint64_t shared_evictions = 0;  // of frames more than one process mapped
  std::uint64_t dirty_writebacks = 0;  // evictions that wrote the page to swap
  std::uint64_t clean_drops = 0;       // clean pages with a copy in swap or the file store: no I/O
  std::uint64_t zero_drops = 0;        // evictions of never-written pages: no I/O, zero again
  std::uint64_t swap_ins = 0;
  std::uint64_t swap_cache_hits = 0;  // a swap entry whose page another mapper had read back
  std::uint64_t library_reads = 0;    // library pages read from the file store
  std::uint64_t forks = 0;
  std::uint64_t fork_frames_copied = 0;  // firmware.fork=copy: pages copied at fork time
  std::uint64_t fork_time_ns = 0;        // simulated time spent in fork()
  std::uint64_t cow_faults = 0;          // stores to copy-on-write pages
  std::uint64_t cow_copies = 0;          // ... that copied the page
  std::uint64_t cow_reuses = 0;          // ... whose page had no other mapper: writable again
  std::uint64_t shared_frames = 0;       // frames with more than one mapper now
  std::uint64_t shared_frames_peak = 0;
  std::uint64_t shootdowns = 0;    // flushes for PTE changes in an address space not running
  std::uint64_t shm_segments = 0;  // created
  std::uint64_t asid_rollovers = 0;
  std::uint64_t context_switches = 0;
  std::uint64_t user_frames_in_use = 0;
  std::uint64_t user_frames_peak = 0;
  std::uint64_t table_frames_in_use = 0;
  std::uint64_t swap_slots_in_use = 0;
  std::uint64_t swap_slots_peak = 0;
  std::uint64_t huge_mapped = 0;     // 2 MiB pages mapped at a fault
  std::uint64_t huge_1g_mapped = 0;  // 1 GiB pages
  std::uint64_t huge_fallbacks = 0;  // eligible faults that got a 4 KiB page: no free run
  std::uint64_t huge_splits = 0;     // a huge page into 512 of the level below
  std::uint64_t huge_collapses = 0;  // 512 pages copied into one 2 MiB page
  std::uint64_t huge_pages_in_use = 0;
  std::uint64_t napot_mapped = 0;     // 64 KiB NAPOT ranges mapped at a fault
  std::uint64_t napot_fallbacks = 0;  // eligible faults that got a 4 KiB page: no free run
  std::uint64_t napot_unfolds = 0;    // ranges turned back into 16 ordinary PTEs
};

// Why a process was killed: pid, VA, access, cause, and the reason in words.
struct KillReport {
  Pid pid = 0;
  std::uint64_t va = 0;
  AccessKind access = AccessKind::Read;
  sv::Cause cause = sv::Cause::None;
  KillKind kind = KillKind::Segfault;
  std::string reason;
};

enum class Syscall { Brk, Mmap, Munmap };

class Kernel final : private PteBits {
 public:
  Kernel(Hal& hal, const KernelConfig& config);
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  Pid spawn(std::vector<Region> regions);
  // The child of a running process: a copy of its address space (see ForkMode);
  // nullopt when there is no memory for the child's page tables.
  std::optional<Pid> fork(Pid parent);
  void switch_to(Pid pid);
  // Handles the mmu's pending fault for the running process. nullopt: resolved, retry
  // the access; otherwise the process was killed (its memory is already freed).
  std::optional<KillReport> handle_trap(Pid pid);
  // brk(new_end) -> new end; mmap(length) -> start; munmap(start) -> start. nullopt if
  // refused.
  std::optional<std::uint64_t> syscall(Pid pid, Syscall call, std::uint64_t arg);
  void exit(Pid pid);

  // Fixed-address mappings (the scenario language's): false if refused (overlap,
  // unaligned, empty).
  bool map_region(Pid pid, const Region& region);
  // Unmaps [start, start + length), splitting regions it cuts.
  void unmap(Pid pid, std::uint64_t start, std::uint64_t length);
  // Shared memory: the segment named `key`, created (zero-filled) if there is none.
  unsigned shm_get(const std::string& key, std::uint64_t size);
  bool shm_attach(Pid pid, unsigned segment, std::uint64_t va, std::uint64_t perms);
  bool shm_detach(Pid pid, std::uint64_t va);
  // Destroys the segment once no one has it attached (IPC_RMID).
  void shm_remove(unsigned segment);
  // Libraries are the config's, by index; mapped read-only and executable.
  bool map_library(Pid pid, unsigned library, std::uint64_t va);
  std::uint64_t object_size(unsigned object) const { return objects_.at(object).size; }

  // The kernel region: supervisor-only, global mappings at the bottom of the upper half.
  std::uint64_t kernel_base() const { return ~std::uint64_t{0} << (sv::va_bits(config_.mode) - 1); }
  // The end of the user half (the lowest non-canonical VA).
  std::uint64_t user_top() const { return std::uint64_t{1} << (sv::va_bits(config_.mode) - 1); }
  bool in_kernel_half(std::uint64_t va) const {
    return config_.mode != sv::Mode::Bare && va >= kernel_base();
  }

  // Oracle replacement policies see every completed access (`next_use`: the stream
  // position of the next access to the same page).
  bool wants_every_access() const { return is_oracle(config_.replacement); }
  void observe_access(Pid pid, std::uint64_t va, std::uint64_t next_use);

  // Every virtual-memory event goes to `log` (null: none).
  void set_log(VmLog* log) { log_ = log; }

  const KernelStats& stats() const { return stats_; }
  // Counters from zero; what is in use now (frames, swap slots, shared frames) stays, and
  // each peak starts from it.
  void restart_stats();
  const std::vector<KillReport>& kills() const { return kill_log_; }
  const SwapIoStats& swap_io_stats() const { return swap_.stats(); }
  bool alive(Pid pid) const { return pid < processes_.size() && processes_[pid].alive; }
  std::uint16_t asid_of(Pid pid) const { return processes_.at(pid).asid.value; }
  const AddressSpace& address_space(Pid pid) const { return *processes_.at(pid).space; }
  std::uint64_t asid_count() const { return asids_ ? asids_->count() : 0; }

 private:
  struct Process {
    Asid asid;
    bool alive = false;
    std::unique_ptr<AddressSpace> space;
    std::optional<PageTable> page_table;  // none in Bare mode
    std::vector<std::uint64_t> table_frames;
  };
  // Why an eviction could not free a frame.
  enum class EvictResult { Done, SwapFull, SwapError };

  // kernel.cpp
  void boot();
  void map_kernel_region(Process& p);
  KillReport kill(Pid pid, std::uint64_t va, sv::Cause cause, KillKind kind, std::string reason);
  void flush(mmu_regs::FlushKind kind, std::uint64_t va, std::uint16_t asid);
  void flush_page(Pid pid, std::uint64_t va);  // one changed leaf PTE of pid's
  void flush_asid(const Process& p);
  // process.cpp
  Pid new_process(std::unique_ptr<AddressSpace> space);
  void release_leaf(Pid pid, std::uint64_t va, std::uint64_t pte_addr);
  // fault.cpp
  std::optional<KillReport> handle_page_fault(Pid pid, sv::Cause cause, std::uint64_t va);
  // A fault on a page that is mapped: Svade A/D, or a stale TLB entry.
  void resolve_mapped(Pid pid, std::uint64_t va, std::uint64_t page, std::uint64_t pte_addr,
                      std::uint64_t pte, AccessKind access);
  std::optional<KillReport> fault_private(Pid pid, const Region& region, std::uint64_t page,
                                          std::uint64_t pte_addr, std::uint64_t pte,
                                          AccessKind access, sv::Cause cause);
  std::optional<KillReport> fault_object(Pid pid, const Region& region, std::uint64_t page,
                                         std::uint64_t pte_addr, AccessKind access,
                                         sv::Cause cause);
  std::optional<KillReport> break_cow(Pid pid, std::uint64_t page, std::uint64_t pte_addr,
                                      std::uint64_t pte, sv::Cause cause);
  bool exclusive(std::uint64_t frame) const;
  void map_page(Pid pid, std::uint64_t frame, std::uint64_t va, std::uint64_t pte_addr,
                std::uint64_t flags, AccessKind access);
  KillReport out_of_memory(Pid pid, std::uint64_t va, sv::Cause cause, EvictResult why);
  // reclaim.cpp
  std::optional<std::uint64_t> allocate_frame();  // any use; evicts a user page if DRAM is full
  // `pinned`: a resident frame that making room must not evict (the source of a copy).
  std::optional<std::uint64_t> allocate_user_frame(UserPage page, EvictResult& why,
                                                   std::optional<std::uint64_t> pinned = {});
  std::optional<std::uint64_t> allocate_table(Process& p);  // a zeroed frame, as a PA
  EvictResult evict_one(std::optional<std::uint64_t> pinned = {});
  EvictResult evict(std::uint64_t frame, const char* why);
  void free_user_frame(std::uint64_t frame);
  void add_mapper(std::uint64_t frame, const Mapper& mapper);
  // Removes the mapper; a private page nobody maps any more is freed. The PTE is the
  // caller's to change.
  void remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va, std::uint64_t pte);
  SwapSpace& swap_space();
  // A swap-entry PTE that named `slot` is gone.
  void drop_swap_entry(std::uint64_t slot);
  // huge.cpp
  // Without huge pages nothing looks for them (their checks read page tables, which costs
  // simulated time).
  bool huge_pages_on() const { return config_.huge_pages != HugePages::Never; }
  enum class HugeOutcome { Mapped, Occupied, NoRun };
  // The largest huge-page level the region allows at va (0: none).
  unsigned huge_level(const Region& region, std::uint64_t va) const;
  // A demand-zero fault at va served by one huge page of `level`, if its slot is empty.
  HugeOutcome map_huge(Pid pid, const Region& region, std::uint64_t va, unsigned level,
                       AccessKind access);
  // The huge page at `head` becomes 512 pages of the level below, mapped where it was;
  // false when there is no frame for their page table.
  bool split_huge(std::uint64_t head);
  bool split_to_4k(std::uint64_t head);  // down to 4 KiB pages for the head's first 4 KiB
  // Splits the huge pages of pid's that [start, end) cuts (false: no frame to do it).
  bool split_straddling(Pid pid, std::uint64_t start, std::uint64_t end);
  bool split_all(Pid pid);  // before fork: every huge page of pid's down to 4 KiB pages
  // firmware.huge_pages_collapse: the 2 MiB block around va, if all 512 of its pages are
  // private, exclusive and mapped, becomes one huge page.
  void try_collapse(Pid pid, const Region& region, std::uint64_t va);
  // napot.cpp
  bool napot_eligible(const Region& region, std::uint64_t page) const;
  // A demand-zero fault at page served by a 64 KiB NAPOT range, if its 16 PTEs are unused
  // and 16 aligned frames are free.
  bool map_napot(Pid pid, const Region& region, std::uint64_t page, AccessKind access);
  // A and D over the NAPOT range whose PTE is at pte_addr; and set on all 16 of its PTEs.
  std::uint64_t napot_accessed_dirty(std::uint64_t pte_addr);
  void set_napot_bits(std::uint64_t pte_addr, std::uint64_t bits);
  // The range whose PTE (pid's, for va) is at pte_addr becomes 16 ordinary PTEs (nothing
  // when that PTE is not a NAPOT one).
  void unfold_napot(Pid pid, std::uint64_t va, std::uint64_t pte_addr);
  void unfold_all_napot(Pid pid);  // before fork
  // mmap.cpp
  void release_range(Pid pid, std::uint64_t start, std::uint64_t end);
  void detach_object(unsigned object);
  void destroy_object(unsigned object);

  std::uint64_t frame_pa(std::uint64_t frame) const {
    return config_.dram_base + (frame << sv::kPageShift);
  }
  std::uint64_t frame_of(std::uint64_t pa) const {
    return (pa - config_.dram_base) >> sv::kPageShift;
  }
  // The frame a valid leaf PTE of pid's maps at va, checked against the reverse map: a
  // PTE the kernel did not write (a corrupt page table) stops the run (SimulationFailure)
  // before the kernel acts on it.
  std::uint64_t mapped_frame(Pid pid, std::uint64_t va, std::uint64_t pte_addr,
                             std::uint64_t pte) const;
  std::uint64_t mmu_reg(std::uint64_t offset) const { return config_.mmu_base + offset; }
  static std::uint64_t resident_key(Pid pid, std::uint64_t va) {
    return (std::uint64_t{pid} << 40) | (va >> sv::kPageShift);
  }
  // Where pid's page at va is resident, kept only for the oracle policies (the only
  // readers, through observe_access): every map and unmap pays for the index otherwise.
  void note_resident(Pid pid, std::uint64_t va, std::uint64_t frame) {
    if (wants_every_access()) resident_[resident_key(pid, va)] = frame;
  }
  void forget_resident(Pid pid, std::uint64_t va) {
    if (wants_every_access()) resident_.erase(resident_key(pid, va));
  }
  void note_user_frames();
  // A log event, its text made only when a log is attached.
  template <typename Describe>
  void note(Pid pid, std::uint64_t va, Describe&& describe) {
    if (log_ != nullptr) log_->event(hal_.now_ps(), pid, va, describe());
  }
  std::string mappers_of(std::uint64_t frame) const;

  // PteBits, for the replacement policy: A and D over every mapper's PTE.
  std::uint64_t pte_of(std::uint64_t frame) override;
  void clear_accessed(std::uint64_t frame) override;

  Hal& hal_;
  KernelConfig config_;
  FrameTable frames_;
  std::uint64_t user_frame_limit_;
  SwapDriver swap_;
  std::optional<SwapSpace> swap_space_;  // sized from the device's capacity at boot
  std::optional<AsidAllocator> asids_;   // sized from the satp ASID bits at boot
  std::unique_ptr<PageReplacement> policy_;
  // FaultInjection::CorruptPte: which PTE writes to spoil, and which bit.
  static constexpr std::uint64_t kCorruptPteEvery = 64;
  std::uint64_t ptes_mapped_ = 0;
  std::mt19937_64 corruption_random_;
  std::vector<SharedObject> objects_;  // libraries first (by config index), then segments
  std::unordered_map<std::uint64_t, std::uint64_t> resident_;  // (pid, vpn) -> frame, oracles only
  std::uint64_t access_clock_ = 0;
  std::vector<Process> processes_;
  std::optional<Pid> running_;
  bool booted_ = false;
  std::uint64_t kernel_root_pte_ = 0;  // the root PTE every address space shares
  KernelStats stats_;
  std::vector<KillReport> kill_log_;
  VmLog* log_ = nullptr;
};

}  // namespace mmusim::fw
