#pragma once
// The traffic generator: N processes, each an access stream in its own address space,
// started at run time and time-sliced round robin on one hart. Virtual accesses go to
// the mmu; when one traps, or a process makes a system call, the firmware runs in this
// thread. Every load is checked against what the process last stored there.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "activity_trace.h"
#include "kernel.h"
#include "mem_attr.h"
#include "process_shadow.h"
#include "quantum_keeper.h"
#include "scenario.h"
#include "tlm_hal.h"
#include "workload.h"

namespace mmusim {

struct CpuConfig {
  sc_core::sc_time access_time = sc_core::sc_time(0.5, sc_core::SC_NS);  // compute per access
  sc_core::sc_time timeslice = sc_core::sc_time(100, sc_core::SC_US);
  sc_core::sc_time quantum = sc_core::sc_time(1, sc_core::SC_US);  // loosely-timed sync
  sc_core::sc_time spawn_interval = sc_core::SC_ZERO_TIME;         // process i starts at i * this
  bool check_reads = true;            // compare every load with the shadow copy
  unsigned max_traps_per_access = 8;  // more means the firmware is not making progress
  // Bounds that end a run early, cleanly, its stats marked cut short (0: none).
  std::uint64_t max_accesses = 0;
  sc_core::sc_time max_time = sc_core::SC_ZERO_TIME;
};

// Measurement windows (sim.warmup_accesses, sim.stats_interval*): after `warmup_accesses`
// the stats start again (the state stays warm), then a snapshot every `interval_accesses`
// measured accesses and/or every `interval_time` of simulated time (0: never).
struct MeasurementWindows {
  std::uint64_t warmup_accesses = 0;
  std::uint64_t interval_accesses = 0;
  sc_core::sc_time interval_time = sc_core::SC_ZERO_TIME;
  std::function<void(const sc_core::sc_time& now)> warmup_done;  // restart every model's stats
  std::function<void(const sc_core::sc_time& now)> snapshot;
  bool snapshots() const {
    return interval_accesses != 0 || interval_time != sc_core::SC_ZERO_TIME;
  }
  bool active() const { return warmup_accesses != 0 || snapshots(); }
};

// A library the loader maps into a process at start (the config's libraries, by index).
struct LibraryMapping {
  unsigned library = 0;
  std::uint64_t va = 0;
};
// A shared-memory segment (by key; created if absent) attached at start.
struct SegmentMapping {
  std::string key;
  std::uint64_t size = 0;
  std::uint64_t va = 0;
  std::uint64_t perms = 0;
  bool remove_after_attach = false;  // the last process to attach it removes it
};

struct ProcessSpec {
  std::vector<fw::Region> regions;
  std::vector<LibraryMapping> libraries;
  std::vector<SegmentMapping> segments;
  std::unique_ptr<AccessStream> stream;
};

struct CpuStats {
  std::uint64_t accesses = 0;  // completed (a retried access counts once here)
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t fetches = 0;
  std::uint64_t traps = 0;
  std::uint64_t syscalls = 0;
  std::uint64_t processes_finished = 0;
  std::uint64_t processes_killed = 0;
  std::uint64_t reads_verified = 0;  // loads and fetches compared with the shadow copy
  std::uint64_t mismatches = 0;
  // Where simulated time went, in ps, besides what the mmu accounts for (translation and
  // the memory system): the compute between accesses, the firmware, idling.
  std::uint64_t compute_ps = 0;  // cpu.access_time per completed access
  FirmwareTime firmware;
  std::uint64_t idle_ps = 0;  // no process ready: waiting for the next one to start
  // "max_accesses" or "max_sim_time" when a bound ended the run, "interrupted" a signal
  std::string cut_short;
  // (simulated ps, user frames in use), sampled at most once per timeslice
  std::vector<std::pair<std::uint64_t, std::uint64_t>> resident_frames;  // (ps, frames)
};

class Cpu final : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Cpu> data{"data"};  // virtual accesses -> mmu
  tlm_utils::simple_initiator_socket<Cpu> phys{"phys"};  // firmware's physical accesses -> bus
  sc_core::sc_in<bool> irq{"irq"};                       // external interrupt (swap device)

  Cpu(const sc_core::sc_module_name& name, const CpuConfig& config,
      std::vector<ProcessSpec> processes);
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  fw::Hal& hal() { return hal_; }
  void attach_kernel(fw::Kernel& kernel) { kernel_ = &kernel; }
  // Records the running process into `trace` (null: nothing).
  void set_activity_trace(ActivityTrace* trace) { trace_ = trace; }
  // Runs the scenario's actions in file order instead of the processes' streams.
  void set_scenario(std::shared_ptr<const Scenario> scenario) { scenario_ = std::move(scenario); }
  // A progress line on stderr every few seconds during long runs.
  void set_progress(bool on) { progress_ = on; }
  void set_measurement(MeasurementWindows windows);
  // Called with the pid the cpu switches to, before the kernel's context switch.
  void set_on_switch(std::function<void(fw::Pid)> on_switch) { on_switch_ = std::move(on_switch); }
  // Simulated time as the cpu's thread has reached it (ahead of sc_time_stamp() by up to
  // a quantum).
  sc_core::sc_time now() const { return keeper_.get_current_time(); }
  // Counters from zero (what the warm-up ends with); the run's bounds are unaffected.
  void restart_stats();
  // Every access completed, warm-up included (what --max-accesses bounds).
  std::uint64_t completed_accesses() const { return completed_; }

  const CpuStats& stats() const { return stats_; }
  // Non-empty when the run found a failure (exit status 1), and when.
  const std::string& failure() const { return failure_; }
  sc_core::sc_time failure_time() const { return failure_time_; }

 private:
  struct Process {
    fw::Pid pid = 0;
    ProcessSpec spec;
    ProcessShadow shadow;
    std::uint64_t stores = 0;                         // the version of the next store's value
    std::uint64_t brk = 0;                            // the heap end the kernel last granted
    std::map<std::uint64_t, std::uint64_t> mappings;  // mmap start -> length
    Access pending;                                   // what it does now
    // scenario only
    std::string name;
    std::uint64_t heap_base = 0;                       // 0: no heap yet
    std::map<std::string, std::uint64_t> attachments;  // segment name -> VA
  };
  // How an access ended, after the traps the firmware resolved on its way.
  enum class AccessOutcome { Done, DoneAfterTraps, Killed, Failed };

  void run();
  void schedule();
  void start(Process& p);
  void fork(Process& parent);
  void switch_to(Process& p);
  // scenario_runner.cpp
  void run_scenario();
  void run_action(const ScenarioAction& a, std::map<std::string, Process*>& by_name);
  void scenario_access(const ScenarioAction& a, Process& p);
  void scenario_fail(const ScenarioAction& a, const std::string& what);
  // Runs p until its slice ends (false) or it finishes or dies (true).
  bool run_slice(Process& p, const sc_core::sc_time& slice_end);
  AccessOutcome complete(Process& p);
  AccessOutcome complete_after_traps(Process& p);  // the first issue trapped
  void syscall(Process& p);
  bool issue(Process& p);
  void report_mismatch(Process& p);  // the read p just made is not what the shadow expects
  void sample_residency();
  // After each access while measurement windows are active: warm-up end, snapshots.
  void measurement_mark();
  // Whether a --max-* bound is reached (then noted in the stats).
  bool bound_reached() { return bounded_ && check_bounds(); }
  bool check_bounds();
  bool every_16k_accesses();  // true: a signal ended the run
  void report_progress();

  const CpuConfig config_;
  const bool bounded_ = config_.max_accesses != 0 || config_.max_time != sc_core::SC_ZERO_TIME;
  std::vector<Process> processes_;  // the workload's, started at spawn_interval apart
  std::deque<Process> children_;    // forked at run time
  std::deque<Process*> ready_;      // round-robin order
  // The integrity checker's shadow of each shared segment, by the kernel's segment id.
  std::map<unsigned, std::shared_ptr<ShadowMemory>> segment_shadows_;
  std::shared_ptr<const Scenario> scenario_;
  std::map<std::string, unsigned> scenario_segments_;  // scenario name -> kernel segment id
  std::optional<std::uint64_t> store_value_;           // the next store writes this, not its own
  const Process* running_ = nullptr;
  QuantumKeeper keeper_;
  CpuStats stats_;  // before hal_, which adds the firmware's time to it
  TlmHal hal_;
  fw::Kernel* kernel_ = nullptr;
  tlm::tlm_generic_payload trans_;
  MemAttr* attr_;  // owned by trans_
  std::vector<unsigned char> buffer_;
  std::uint64_t completed_ = 0;
  MeasurementWindows windows_;
  bool warming_up_ = false;
  std::uint64_t next_snapshot_access_ = 0;  // in measured accesses; 0: none
  sc_core::sc_time next_snapshot_time_;     // SC_ZERO_TIME: none
  std::string failure_;
  sc_core::sc_time failure_time_;
  bool progress_ = false;
  bool progress_shown_ = false;
  ActivityTrace* trace_ = nullptr;
  std::function<void(fw::Pid)> on_switch_;
  std::uint64_t last_sample_ps_ = 0;
  std::uint64_t sample_spacing_ps_ = 0;
  std::uint64_t planned_accesses_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace mmusim
