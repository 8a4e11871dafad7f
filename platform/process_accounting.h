#pragma once
// Per-process stats (`process.<pid>`): the counters of several models (the cpu's accesses,
// the kernel's faults, the mmu's TLB misses, simulated time), sampled at every context
// switch, the difference charged to the process that ran. What the firmware does for a
// process while it runs (its page faults, its swap I/O) is its own; what happens while no
// process runs (loading the first one) is no one's.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>

#include "kernel.h"

namespace mmusim {

struct ProcessCounters {
  std::uint64_t accesses = 0;
  std::uint64_t page_faults = 0;
  std::uint64_t major_faults = 0;
  std::uint64_t cow_faults = 0;
  std::uint64_t tlb_misses = 0;  // L1 TLB
  std::uint64_t walks = 0;
  std::uint64_t time_ps = 0;  // simulated time on the cpu
  ProcessCounters& operator+=(const ProcessCounters& o);
  ProcessCounters operator-(const ProcessCounters& o) const;
};

class ProcessAccounting {
 public:
  // `sample` reads the models' counters as of now (all since the measurement began).
  explicit ProcessAccounting(std::function<ProcessCounters()> sample) : sample_(std::move(sample)) {}

  // The cpu now runs `pid`: what happened since the last switch was the previous one's.
  void switched_to(fw::Pid pid);
  // The counters start again (after the models' own restart at the end of a warm-up).
  void restart();
  // Each process's counters up to now, the running one's included.
  std::map<fw::Pid, ProcessCounters> totals() const;

 private:
  std::function<ProcessCounters()> sample_;
  std::map<fw::Pid, ProcessCounters> charged_;
  std::optional<fw::Pid> running_;
  ProcessCounters since_;  // the sample at the last switch
};

}  // namespace mmusim
