#pragma once
// Counters of the translation engine, kept apart from the model (ChampSim's cache_stats).

#include <array>
#include <boost/histogram.hpp>
#include <cstdint>
#include <systemc>

#include "pte_traffic.h"
#include "sv.h"

namespace mmusim {

struct TlbStats {
  std::uint64_t lookups = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  // Evictions by where the victim sat in its set: the first way, one between, the last
  // (for verification coverage; not in the stats file).
  std::array<std::uint64_t, 3> victims{};
  void record(bool hit) {
    ++lookups;
    ++(hit ? hits : misses);
  }
  void record_victim(int way, unsigned ways) {
    if (way < 0) return;
    ++victims[way == 0 ? 0 : static_cast<unsigned>(way) + 1 == ways ? 2 : 1];
  }
};

// Walk latency: exact total and max in simulated picoseconds (so time breakdowns add up
// to the ps), plus a histogram in ns with log-spaced bins from 1 ns to 64 us (and
// under/overflow bins).
using LatencyAxis = boost::histogram::axis::regular<double, boost::histogram::axis::transform::log>;
using LatencyHistogram = decltype(boost::histogram::make_histogram(LatencyAxis{}));

struct WalkLatencyStats {
  std::uint64_t count = 0;
  std::uint64_t total_ps = 0;
  std::uint64_t max_ps = 0;
  LatencyHistogram histogram = boost::histogram::make_histogram(LatencyAxis(16, 1.0, 65536.0));
  void record(const sc_core::sc_time& latency);
};

// What the mmu's shell sees of every cpu access, whichever engine translates: where the
// time went from the mmu down (the engine never sees the data access; simulated ps), where
// walks found their PTEs, and TLB hits by the size of the page they hit.
struct AccessPathStats {
  std::uint64_t translation_ps = 0;  // TLB lookups and walks, those that fault too
  std::uint64_t memory_ps = 0;       // the translated access in the caches and DRAM
  // Walks by where their PTEs were found: the deepest level any PTE access of the walk
  // reached, numbered as PteTraffic::served_by (cache levels, then memory).
  struct BySource {
    std::uint64_t walks = 0;
    std::uint64_t total_ps = 0;
  };
  std::array<BySource, PteTraffic::kMemory + 1> walks_by_source{};
  std::array<std::uint64_t, sv::kPageSizeClasses> tlb_hits_by_size{};  // by sv::size_class
  // Svinval commands (FLUSH_CMD 4..9): SINVAL.VMA of any form, and the two fences.
  std::uint64_t sinval_vma = 0;
  std::uint64_t sfence_w_inval = 0;
  std::uint64_t sfence_inval_ir = 0;
};

struct MmuStats {
  std::uint64_t translations = 0;
  bool split_l1 = false;
  TlbStats l1;   // unified L1 (or the sum of both sides when split)
  TlbStats l1i;  // per side, when split
  TlbStats l1d;
  bool has_l2 = false;
  TlbStats l2;
  std::uint64_t walks = 0;
  WalkLatencyStats walk_latency;
  std::uint64_t pte_writes = 0;  // hardware A/D updates
  bool has_walk_cache = false;
  TlbStats walk_cache;
  std::array<std::uint64_t, 16> faults_by_cause{};  // indexed by sv::Cause
  std::uint64_t flushes = 0;
  std::uint64_t total_faults() const;
  // Zero counters for the same MMU (what a warm-up ends with).
  MmuStats restarted() const {
    MmuStats fresh;
    fresh.split_l1 = split_l1;
    fresh.has_l2 = has_l2;
    fresh.has_walk_cache = has_walk_cache;
    return fresh;
  }
};

}  // namespace mmusim
