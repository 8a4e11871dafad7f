#include "mmu_stats.h"

#include <algorithm>
#include <numeric>

namespace mmusim {

void WalkLatencyStats::record(double ns) {
  ++count;
  total_ns += ns;
  max_ns = std::max(max_ns, ns);
  histogram(ns);
}

std::uint64_t MmuStats::total_faults() const {
  return std::accumulate(faults_by_cause.begin(), faults_by_cause.end(), std::uint64_t{0});
}

}  // namespace mmusim
