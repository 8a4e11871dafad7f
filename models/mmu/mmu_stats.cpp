#include "mmu_stats.h"

#include <algorithm>
#include <numeric>

namespace mmusim {

void WalkLatencyStats::record(const sc_core::sc_time& latency) {
  const auto ps = static_cast<std::uint64_t>(latency.value());  // SystemC's resolution is 1 ps
  ++count;
  total_ps += ps;
  max_ps = std::max(max_ps, ps);
  histogram(static_cast<double>(ps) / 1000);
}

std::uint64_t MmuStats::total_faults() const {
  return std::accumulate(faults_by_cause.begin(), faults_by_cause.end(), std::uint64_t{0});
}

}  // namespace mmusim
