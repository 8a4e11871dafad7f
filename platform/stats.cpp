#include "stats.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace mmusim {

using nlohmann::json;

namespace {

double ratio(double part, double whole) { return whole == 0 ? 0 : part / whole; }

double per_1000(std::uint64_t events, std::uint64_t accesses) {
  return ratio(1000.0 * static_cast<double>(events), static_cast<double>(accesses));
}

json to_json(const TlbStats& s, std::uint64_t accesses) {
  return {{"lookups", s.lookups},
          {"hits", s.hits},
          {"misses", s.misses},
          {"misses_per_1000_accesses", per_1000(s.misses, accesses)}};
}

// The names of walk sources (by PteTraffic::served_by), in the stats file and the
// summary alike.
const char* walk_source_name(unsigned served_by) {
  return served_by < kCacheLevelNames.size() ? kCacheLevelNames[served_by] : "dram";
}

double mean_ns(std::uint64_t total_ps, std::uint64_t count) {
  return ratio(static_cast<double>(total_ps) / 1000, static_cast<double>(count));
}

json histogram_json(const LatencyHistogram& h) {
  json bins = json::array();
  for (auto&& bin : boost::histogram::indexed(h, boost::histogram::coverage::all)) {
    if (*bin == 0) continue;
    // The edges are powers of two in ns: integers, without the log axis's rounding noise.
    bins.push_back({{"from_ns", std::llround(bin.bin().lower())},
                    {"to_ns", std::llround(bin.bin().upper())},
                    {"count", static_cast<std::uint64_t>(*bin)}});
  }
  return bins;
}

}  // namespace

json to_json(const MmuStats& s, std::uint64_t accesses) {
  json tlb;
  tlb["l1"] = to_json(s.l1, accesses);
  if (s.split_l1) {
    tlb["l1"]["i"] = to_json(s.l1i, accesses);
    tlb["l1"]["d"] = to_json(s.l1d, accesses);
  }
  if (s.has_l2) tlb["l2"] = to_json(s.l2, accesses);
  json faults;
  for (auto cause :
       {sv::Cause::InstrAccessFault, sv::Cause::LoadAccessFault, sv::Cause::StoreAccessFault,
        sv::Cause::InstrPageFault, sv::Cause::LoadPageFault, sv::Cause::StorePageFault}) {
    faults[sv::to_string(cause)] = s.faults_by_cause[static_cast<unsigned>(cause)];
  }
  faults["total"] = s.total_faults();
  const auto& lat = s.walk_latency;
  json walker = {{"walks", s.walks},
                 {"pte_writes", s.pte_writes},
                 {"latency",
                  {{"mean_ns", mean_ns(lat.total_ps, lat.count)},
                   {"max_ps", lat.max_ps},
                   {"histogram", histogram_json(lat.histogram)}}}};
  json out = {{"translations", s.translations},
              {"flushes", s.flushes},
              {"tlb", tlb},
              {"walker", walker},
              {"faults", faults}};
  if (s.has_walk_cache) out["walk_cache"] = to_json(s.walk_cache, accesses);
  return out;
}

json walks_by_source(const AccessPathStats& s) {
  json out = json::object();
  for (unsigned level = 0; level < s.walks_by_source.size(); ++level) {
    const AccessPathStats::BySource& source = s.walks_by_source[level];
    if (source.walks == 0) continue;
    out[walk_source_name(level)] = {{"walks", source.walks},
                                    {"mean_ns", mean_ns(source.total_ps, source.walks)}};
  }
  return out;
}

json tlb_hits_by_page_size(const AccessPathStats& s) {
  json out = json::object();
  for (unsigned size = 0; size < sv::kPageSizeClasses; ++size) {
    if (size == 0 || s.tlb_hits_by_size[size] != 0) {
      out[sv::size_class_name(size)] = s.tlb_hits_by_size[size];
    }
  }
  return out;
}

json time_breakdown(const CpuStats& cpu, const MmuStats& mmu, const AccessPathStats& mmu_time) {
  const std::uint64_t walk_ps = mmu.walk_latency.total_ps;
  return {{"compute_ps", cpu.compute_ps},
          {"tlb_ps", mmu_time.translation_ps - walk_ps},
          {"walk_ps", walk_ps},
          {"memory_ps", mmu_time.memory_ps},
          {"firmware_ps", cpu.firmware.busy_ps},
          {"swap_wait_ps", cpu.firmware.io_wait_ps},
          {"idle_ps", cpu.idle_ps}};
}

json to_json(const DramStats& s) {
  return {{"reads", s.reads},
          {"writes", s.writes},
          {"bytes_read", s.bytes_read},
          {"bytes_written", s.bytes_written},
          {"row_hits", s.row_hits},
          {"row_misses", s.row_misses},
          {"row_conflicts", s.row_conflicts},
          {"row_hit_rate", ratio(static_cast<double>(s.row_hits),
                                 static_cast<double>(s.row_hits + s.row_misses + s.row_conflicts))},
          {"pages_allocated", s.pages_allocated}};
}

json to_json(const CacheStats& s, std::uint64_t accesses) {
  const std::uint64_t lookups = s.hits + s.misses;
  return {{"reads", s.reads},
          {"writes", s.writes},
          {"hits", s.hits},
          {"misses", s.misses},
          {"hit_rate", ratio(static_cast<double>(s.hits), static_cast<double>(lookups))},
          {"misses_per_1000_accesses", per_1000(s.misses, accesses)},
          {"pte_hits", s.pte_hits},
          {"pte_misses", s.pte_misses},
          {"write_backs", s.write_backs},
          {"snoop_write_backs", s.snoop_write_backs},
          {"snoop_invalidations", s.snoop_invalidations},
          {"uncached", s.uncached}};
}

json to_json(const CpuStats& s) {
  return {{"accesses", s.accesses},
          {"reads", s.reads},
          {"writes", s.writes},
          {"fetches", s.fetches},
          {"traps", s.traps},
          {"syscalls", s.syscalls},
          {"processes_finished", s.processes_finished},
          {"processes_killed", s.processes_killed}};
}

json to_json(const fw::KernelStats& s) {
  json kills_by_kind;
  for (std::size_t k = 0; k < fw::kKillKinds; ++k) {
    kills_by_kind[fw::to_string(static_cast<fw::KillKind>(k))] = s.kills_by_kind[k];
  }
  return {{"processes_created", s.processes_created},
          {"processes_exited", s.processes_exited},
          {"traps", s.traps},
          {"syscalls", s.syscalls},
          {"page_faults", s.page_faults},
          {"minor_faults", s.minor_faults},
          {"major_faults", s.major_faults},
          {"ad_faults", s.ad_faults},
          {"spurious_faults", s.spurious_faults},
          {"segfaults", s.segfaults},
          {"kills", s.kills},
          {"kills_by_reason", kills_by_kind},
          {"evictions", s.evictions},
          {"shared_evictions", s.shared_evictions},
          {"dirty_writebacks", s.dirty_writebacks},
          {"clean_drops", s.clean_drops},
          {"zero_drops", s.zero_drops},
          {"swap_ins", s.swap_ins},
          {"swap_cache_hits", s.swap_cache_hits},
          {"library_reads", s.library_reads},
          {"forks", s.forks},
          {"fork_frames_copied", s.fork_frames_copied},
          {"fork_time_ns", s.fork_time_ns},
          {"cow_faults", s.cow_faults},
          {"cow_copies", s.cow_copies},
          {"cow_reuses", s.cow_reuses},
          {"shared_frames", s.shared_frames_peak},
          {"shootdowns", s.shootdowns},
          {"shm_segments", s.shm_segments},
          {"asid_rollovers", s.asid_rollovers},
          {"context_switches", s.context_switches},
          {"user_frames_in_use", s.user_frames_in_use},
          {"user_frames_peak", s.user_frames_peak},
          {"table_frames_in_use", s.table_frames_in_use},
          {"swap_slots_in_use", s.swap_slots_in_use},
          {"swap_slots_peak", s.swap_slots_peak},
          {"huge",
           {{"mapped", s.huge_mapped},
            {"mapped_1g", s.huge_1g_mapped},
            {"fallbacks", s.huge_fallbacks},
            {"splits", s.huge_splits},
            {"collapses", s.huge_collapses},
            {"in_use", s.huge_pages_in_use}}}};
}

json to_json(const fw::SwapIoStats& s) {
  return {{"device_errors", s.device_errors}, {"timeouts", s.timeouts},
          {"bad_checksums", s.bad_checksums}, {"retries", s.retries},
          {"recovered", s.recovered},         {"failed", s.failed}};
}

json to_json(const ProcessCounters& s) {
  return {{"accesses", s.accesses},
          {"page_faults", s.page_faults},
          {"major_faults", s.major_faults},
          {"cow_faults", s.cow_faults},
          {"tlb_misses", s.tlb_misses},
          {"walks", s.walks},
          {"time_ps", s.time_ps}};
}

json to_json(const SwapStats& s) {
  return {{"reads", s.reads},
          {"writes", s.writes},
          {"bytes_read", s.bytes_read},
          {"bytes_written", s.bytes_written},
          {"errors", s.errors},
          {"busy_ps", s.busy_ps},
          {"injected",
           {{"errors", s.injected_errors},
            {"timeouts", s.injected_timeouts},
            {"corruptions", s.injected_corruptions}}},
          {"aborts", s.aborts}};
}

void print_summary(std::ostream& out, const json& st) {
  out << std::fixed << std::setprecision(2);
  if (st["sim"].contains("cut_short")) {
    const std::string why = st["sim"]["cut_short"];
    out << "mmusim: cut short by "
        << (why == "max_accesses" ? "--max-accesses"
            : why == "max_sim_time" ? "--max-sim-time"
                                    : "a signal")
        << " (sim.cut_short in the stats)\n";
  }
  out << "mmusim: " << st["sim"]["accesses"].get<std::uint64_t>() << " accesses by "
      << st["vm"]["processes_created"].get<std::uint64_t>() << " process(es), "
      << st["config"]["mmu"]["mode"].get<std::string>() << ", simulated "
      << static_cast<double>(st["sim"]["time_ps"].get<std::uint64_t>()) / 1e6 << " us in "
      << st["host"]["seconds"].get<double>() << " s host ("
      << st["host"]["accesses_per_second"].get<double>() / 1e6 << "M accesses/s)\n";
  const json& breakdown = st["sim"]["breakdown"];
  const auto share = [&](const char* part) {
    return 100 * ratio(breakdown[part].get<double>(), st["sim"]["time_ps"].get<double>());
  };
  out << "  time     " << share("compute_ps") << "% compute, " << share("tlb_ps") << "% TLB, "
      << share("walk_ps") << "% walks, " << share("memory_ps") << "% caches+dram, "
      << share("firmware_ps") << "% firmware, " << share("swap_wait_ps") << "% swap wait, "
      << share("idle_ps") << "% idle\n";
  for (const char* level : {"l1", "l2"}) {
    if (!st["tlb"].contains(level)) continue;  // the L2 is optional
    const json& tlb = st["tlb"][level];
    out << "  tlb." << level << "   " << tlb["lookups"].get<std::uint64_t>()
        << " lookups, hit rate "
        << 100 * ratio(tlb["hits"].get<double>(), tlb["lookups"].get<double>()) << "%, "
        << tlb["misses_per_1000_accesses"].get<double>() << " misses per 1000 accesses\n";
  }
  out << "  walker   " << st["walker"]["walks"].get<std::uint64_t>() << " walks, mean "
      << st["walker"]["latency"]["mean_ns"].get<double>() << " ns";
  // From the nearest level out, as the walker finds its PTEs.
  std::string sources;
  for (unsigned served_by = 0; served_by <= PteTraffic::kMemory; ++served_by) {
    const char* level = walk_source_name(served_by);
    const json& by = st["walker"]["by_source"];
    if (!by.contains(level)) continue;
    std::ostringstream one;
    one << std::fixed << std::setprecision(2) << level << " "
        << by[level]["walks"].get<std::uint64_t>() << " (" << by[level]["mean_ns"].get<double>()
        << " ns)";
    sources += (sources.empty() ? "" : ", ") + one.str();
  }
  if (!sources.empty()) out << "; PTEs from " << sources;
  out << '\n';
  const json& vm = st["vm"];
  out << "  vm       " << vm["page_faults"].get<std::uint64_t>() << " page faults ("
      << vm["minor_faults"].get<std::uint64_t>() << " minor, "
      << vm["major_faults"].get<std::uint64_t>() << " major), "
      << vm["ad_faults"].get<std::uint64_t>() << " A/D faults, "
      << vm["evictions"].get<std::uint64_t>() << " evictions ("
      << vm["dirty_writebacks"].get<std::uint64_t>() << " written back), "
      << vm["kills"].get<std::uint64_t>() << " process(es) killed";
  if (vm["kills"].get<std::uint64_t>() != 0) {
    std::string why;
    for (const auto& [reason, count] : vm["kills_by_reason"].items()) {
      if (count.get<std::uint64_t>() != 0) {
        why +=
            (why.empty() ? "" : ", ") + reason + " " + std::to_string(count.get<std::uint64_t>());
      }
    }
    out << " (" << why << ")";
  }
  out << '\n';
  const json& huge = vm["huge"];
  if (huge["mapped"].get<std::uint64_t>() + huge["mapped_1g"].get<std::uint64_t>() +
          huge["fallbacks"].get<std::uint64_t>() + huge["collapses"].get<std::uint64_t>() !=
      0) {
    out << "  huge     " << huge["mapped"].get<std::uint64_t>() << " 2 MiB + "
        << huge["mapped_1g"].get<std::uint64_t>() << " 1 GiB pages mapped, "
        << huge["fallbacks"].get<std::uint64_t>() << " fallbacks to 4 KiB, "
        << huge["splits"].get<std::uint64_t>() << " splits, "
        << huge["collapses"].get<std::uint64_t>() << " collapses; TLB hits by page size:";
    const json& hits = st["tlb"]["hits_by_page_size"];
    for (unsigned c = 0; c < sv::kPageSizeClasses; ++c) {
      const char* size = sv::size_class_name(c);
      if (hits.contains(size)) out << " " << size << " " << hits[size].get<std::uint64_t>();
    }
    out << '\n';
  }
  if (vm.contains("napot")) {
    const json& napot = vm["napot"];
    out << "  napot    " << napot["mapped"].get<std::uint64_t>() << " 64 KiB ranges mapped, "
        << napot["fallbacks"].get<std::uint64_t>() << " fallbacks to 4 KiB, "
        << napot["unfolds"].get<std::uint64_t>() << " unfolded; TLB hits on 64 KiB pages "
        << st["tlb"]["hits_by_page_size"].value("64KiB", std::uint64_t{0}) << '\n';
  }
  if (vm["forks"].get<std::uint64_t>() + vm["shared_frames"].get<std::uint64_t>() != 0) {
    out << "  share    " << vm["forks"].get<std::uint64_t>() << " forks ("
        << vm["fork_frames_copied"].get<std::uint64_t>() << " frames copied, "
        << vm["fork_time_ns"].get<std::uint64_t>() / 1000 << " us), "
        << vm["cow_faults"].get<std::uint64_t>() << " COW faults ("
        << vm["cow_copies"].get<std::uint64_t>() << " copies, "
        << vm["cow_reuses"].get<std::uint64_t>() << " reuses), "
        << vm["shared_frames"].get<std::uint64_t>() << " shared frames at peak, "
        << vm["swap_cache_hits"].get<std::uint64_t>() << " swap-cache hits, "
        << vm["library_reads"].get<std::uint64_t>() << " library reads, "
        << vm["shootdowns"].get<std::uint64_t>() << " shootdowns\n";
  }
  out << "  swap     " << st["swap"]["reads"].get<std::uint64_t>() << " reads, "
      << st["swap"]["writes"].get<std::uint64_t>() << " writes\n";
  const json& injected = st["swap"]["injected"];
  const std::uint64_t faults = injected["errors"].get<std::uint64_t>() +
                               injected["timeouts"].get<std::uint64_t>() +
                               injected["corruptions"].get<std::uint64_t>();
  if (faults != 0) {
    const json& io = vm["swap_io"];
    out << "  faults   " << faults << " injected (" << injected["errors"].get<std::uint64_t>()
        << " errors, " << injected["timeouts"].get<std::uint64_t>() << " timeouts, "
        << injected["corruptions"].get<std::uint64_t>() << " corruptions); the driver saw "
        << io["device_errors"].get<std::uint64_t>() << " errors, "
        << io["timeouts"].get<std::uint64_t>() << " timeouts, "
        << io["bad_checksums"].get<std::uint64_t>() << " bad checksums; "
        << io["retries"].get<std::uint64_t>() << " retries, "
        << io["recovered"].get<std::uint64_t>() << " recovered, "
        << io["failed"].get<std::uint64_t>() << " fatal\n";
  }
  if (st["check"]["enabled"].get<bool>()) {
    out << "  check    " << st["check"]["reads_verified"].get<std::uint64_t>()
        << " reads verified, " << st["check"]["mismatches"].get<std::uint64_t>() << " mismatches\n";
  }
  if (st.contains("cache")) {
    for (const auto& [name, level] : st["cache"].items()) {
      std::string label = "cache." + name;
      label.resize(11, ' ');
      out << "  " << label
          << level["hits"].get<std::uint64_t>() + level["misses"].get<std::uint64_t>()
          << " lookups, hit rate " << 100 * level["hit_rate"].get<double>() << "%, "
          << level["misses_per_1000_accesses"].get<double>() << " misses per 1000 accesses, PTEs "
          << level["pte_hits"].get<std::uint64_t>() << " hits / "
          << level["pte_misses"].get<std::uint64_t>() << " misses, "
          << level["write_backs"].get<std::uint64_t>() << " write-backs\n";
    }
  }
  out << "  dram     " << st["dram"]["reads"].get<std::uint64_t>() << " reads, "
      << st["dram"]["writes"].get<std::uint64_t>() << " writes, row hit rate "
      << 100 * st["dram"]["row_hit_rate"].get<double>() << "%\n";
}

void write_stats_file(const std::string& path, const json& stats) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << stats.dump(2) << '\n';
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path);
  }
}

}  // namespace mmusim
