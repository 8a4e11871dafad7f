#include "process_accounting.h"

namespace mmusim {

ProcessCounters& ProcessCounters::operator+=(const ProcessCounters& o) {
  accesses += o.accesses;
  page_faults += o.page_faults;
  major_faults += o.major_faults;
  cow_faults += o.cow_faults;
  tlb_misses += o.tlb_misses;
  walks += o.walks;
  time_ps += o.time_ps;
  return *this;
}

ProcessCounters ProcessCounters::operator-(const ProcessCounters& o) const {
  return {accesses - o.accesses,     page_faults - o.page_faults, major_faults - o.major_faults,
          cow_faults - o.cow_faults, tlb_misses - o.tlb_misses,   walks - o.walks,
          time_ps - o.time_ps};
}

void ProcessAccounting::switched_to(fw::Pid pid) {
  const ProcessCounters now = sample_();
  if (running_) charged_[*running_] += now - since_;
  since_ = now;
  running_ = pid;
}

void ProcessAccounting::restart() {
  charged_.clear();
  since_ = sample_();
}

std::map<fw::Pid, ProcessCounters> ProcessAccounting::totals() const {
  std::map<fw::Pid, ProcessCounters> totals = charged_;
  if (running_) totals[*running_] += sample_() - since_;
  return totals;
}

}  // namespace mmusim
