#pragma once
// The traffic generator: N processes, each an access stream in its own address space,
// time-sliced round robin on one hart. Virtual accesses go to the mmu; when one traps,
// the firmware's handler runs in this thread and the access is retried.

#include <chrono>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "kernel.h"
#include "mem_attr.h"
#include "tlm_hal.h"
#include "workload.h"

namespace mmusim {

struct CpuConfig {
  sc_core::sc_time access_time = sc_core::sc_time(0.5, sc_core::SC_NS);  // compute per access
  sc_core::sc_time timeslice = sc_core::sc_time(100, sc_core::SC_US);
  sc_core::sc_time quantum = sc_core::sc_time(1, sc_core::SC_US);  // loosely-timed sync
  unsigned max_traps_per_access = 8;  // more means the firmware is not making progress
};

struct ProcessSpec {
  std::vector<fw::Region> regions;
  std::unique_ptr<AccessStream> stream;
};

struct CpuStats {
  std::uint64_t accesses = 0;  // completed (a retried access counts once here)
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t fetches = 0;
  std::uint64_t traps = 0;
  std::uint64_t processes_finished = 0;
  std::uint64_t processes_killed = 0;
};

class Cpu final : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Cpu> data{"data"};  // virtual accesses -> mmu
  tlm_utils::simple_initiator_socket<Cpu> phys{"phys"};  // firmware's physical accesses -> bus

  Cpu(const sc_core::sc_module_name& name, const CpuConfig& config,
      std::vector<ProcessSpec> processes);
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  fw::Hal& hal() { return hal_; }
  void attach_kernel(fw::Kernel& kernel) { kernel_ = &kernel; }
  // A progress line on stderr every few seconds during long runs.
  void set_progress(bool on) { progress_ = on; }

  const CpuStats& stats() const { return stats_; }
  // Non-empty when the run found a failure (exit status 1).
  const std::string& failure() const { return failure_; }

 private:
  struct Process {
    fw::Pid pid = 0;
    ProcessSpec spec;
    Access pending;
    bool has_pending = false;
    unsigned traps_on_pending = 0;
  };

  void run();
  // Runs p until its slice ends (false) or it finishes or dies (true).
  bool run_slice(Process& p, const sc_core::sc_time& slice_end);
  bool issue(const Access& access, fw::Pid pid);
  void report_progress();

  const CpuConfig config_;
  std::vector<Process> processes_;
  tlm_utils::tlm_quantumkeeper keeper_;
  TlmHal hal_;
  fw::Kernel* kernel_ = nullptr;
  tlm::tlm_generic_payload trans_;
  MemAttr* attr_;  // owned by trans_
  std::vector<unsigned char> buffer_;
  CpuStats stats_;
  std::string failure_;
  bool progress_ = false;
  bool progress_shown_ = false;
  std::uint64_t planned_accesses_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace mmusim
