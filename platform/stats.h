#pragma once
// Stats as one nested JSON document, and the short human summary printed after a run.

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "cache.h"
#include "cpu.h"
#include "dram.h"
#include "hierarchy.h"
#include "kernel.h"
#include "mmu_stats.h"
#include "process_accounting.h"
#include "swap_device.h"

namespace mmusim {

// `accesses`: the cpu's, for misses per 1000 accesses.
nlohmann::json to_json(const MmuStats& s, std::uint64_t accesses);
nlohmann::json to_json(const CacheStats& s, std::uint64_t accesses);
nlohmann::json to_json(const DramStats& s);
// Walk count and mean latency by where the walks' PTEs were found (`walker.by_source`).
nlohmann::json walks_by_source(const AccessPathStats& s);
// TLB hits by the size of the page they hit (`tlb.hits_by_page_size`).
nlohmann::json tlb_hits_by_page_size(const AccessPathStats& s);
// Simulated time split by where it went (`sim.breakdown`): the parts add up to sim.time_ps.
nlohmann::json time_breakdown(const CpuStats& cpu, const MmuStats& mmu,
                              const AccessPathStats& mmu_time);
nlohmann::json to_json(const CpuStats& s);
nlohmann::json to_json(const fw::KernelStats& s);
nlohmann::json to_json(const SwapStats& s);
nlohmann::json to_json(const fw::SwapIoStats& s);
nlohmann::json to_json(const ProcessCounters& s);

void print_summary(std::ostream& out, const nlohmann::json& stats);

// Writes `stats` to path via a temporary file and a rename, so a failed write never
// leaves a truncated file behind. Throws std::runtime_error on failure.
void write_stats_file(const std::string& path, const nlohmann::json& stats);

}  // namespace mmusim
