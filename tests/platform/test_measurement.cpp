// Measurement windows as a user runs them: a warm-up restarts the counters but not the
// machine, and interval snapshots are cumulative, evenly spaced and deterministic. And
// where the time and the events went: the breakdown of simulated time, walks by where
// their PTEs were found and the per-process counters all add up to the totals.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

const std::string kRun = "run -q --set workload.accesses=20000 ";

json run_stats(const std::string& args) {
  const std::string path = test::temp_path("stats.json");
  const test::Result r = test::mmusim(kRun + args + " --stats " + path);
  EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
  return r.status == 0 ? json::parse(test::slurp(path)) : json();
}

std::uint64_t at(const json& stats, const json::json_pointer& key) {
  return stats.at(key).get<std::uint64_t>();
}

std::vector<json> snapshots(const std::string& args, std::string* raw = nullptr) {
  const std::string path = test::temp_path("intervals.jsonl");
  const test::Result r = test::mmusim(kRun + args + " --intervals " + path);
  EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
  const std::string text = test::slurp(path);
  if (raw != nullptr) *raw = text;
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

// The same simulation measured from later: the warm run's time plus its warm-up is the
// cold run's time, its counters hold only what came after, and its gauges are the cold
// run's (the frames stay resident, the TLBs and caches stay warm).
TEST(Measurement, AWarmUpRestartsTheCountersButKeepsTheMachineAsItWas) {
  const json cold = run_stats("");
  const json warm = run_stats("--set sim.warmup_accesses=5000");
  ASSERT_TRUE(warm["sim"].contains("warmup"));
  EXPECT_EQ(warm["sim"]["warmup"]["completed"], true);
  const std::uint64_t all = at(cold, "/sim/accesses"_json_pointer);
  EXPECT_EQ(at(warm, "/sim/accesses"_json_pointer), all - 5000);
  EXPECT_EQ(at(warm, "/sim/time_ps"_json_pointer) + at(warm, "/sim/warmup/time_ps"_json_pointer),
            at(cold, "/sim/time_ps"_json_pointer));
  EXPECT_EQ(at(warm, "/cpu/reads"_json_pointer) + at(warm, "/cpu/writes"_json_pointer) +
                at(warm, "/cpu/fetches"_json_pointer),
            all - 5000);
  // The cold start's compulsory faults and misses are left out.
  EXPECT_LT(at(warm, "/vm/page_faults"_json_pointer), at(cold, "/vm/page_faults"_json_pointer));
  EXPECT_LT(at(warm, "/cache/l1d/misses"_json_pointer),
            at(cold, "/cache/l1d/misses"_json_pointer));
  EXPECT_LT(at(warm, "/tlb/l1/misses"_json_pointer), at(cold, "/tlb/l1/misses"_json_pointer));
  EXPECT_EQ(warm["vm"]["user_frames_in_use"], cold["vm"]["user_frames_in_use"]);
  EXPECT_EQ(warm["check"]["mismatches"], 0);
  EXPECT_FALSE(cold["sim"].contains("warmup"));
}

TEST(Measurement, AWarmUpLongerThanTheRunSaysSoAndKeepsEveryCount) {
  const json s = run_stats("--set sim.warmup_accesses=100000000");
  EXPECT_EQ(s["sim"]["warmup"]["completed"], false);
  EXPECT_EQ(s["sim"]["accesses"], run_stats("")["sim"]["accesses"]);
}

TEST(Measurement, SnapshotsEveryNAccessesAreCumulativeAndNumbered) {
  const std::uint64_t all = at(run_stats(""), "/sim/accesses"_json_pointer);
  const std::vector<json> lines = snapshots("--set sim.stats_interval=4000");
  ASSERT_EQ(lines.size(), all / 4000);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["snapshot"], i);
    EXPECT_EQ(at(lines[i], "/sim/accesses"_json_pointer), 4000u * (i + 1));
    if (i == 0) continue;
    EXPECT_GT(at(lines[i], "/sim/time_ps"_json_pointer),
              at(lines[i - 1], "/sim/time_ps"_json_pointer));
    EXPECT_GE(at(lines[i], "/vm/page_faults"_json_pointer),
              at(lines[i - 1], "/vm/page_faults"_json_pointer));
  }
}

// After a warm-up, snapshots count from its end.
TEST(Measurement, SnapshotsAfterAWarmUpCountFromItsEnd) {
  const std::uint64_t all = at(run_stats(""), "/sim/accesses"_json_pointer);
  const std::vector<json> lines =
      snapshots("--set sim.warmup_accesses=10000 --set sim.stats_interval=5000");
  ASSERT_EQ(lines.size(), (all - 10000) / 5000);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(at(lines[i], "/sim/accesses"_json_pointer), 5000u * (i + 1));
    EXPECT_EQ(lines[i]["sim"]["warmup"]["completed"], true);
  }
}

// One snapshot at the first access that completes at or after each multiple of the
// interval; a multiple no access completes in (a long wait for swap) gets none.
TEST(Measurement, SnapshotsEveryIntervalOfSimulatedTimeAreThatFarApart) {
  const json whole = run_stats("");
  const std::uint64_t interval_ps = 100'000'000;  // 100 us
  const std::uint64_t multiples = at(whole, "/sim/time_ps"_json_pointer) / interval_ps;
  const std::vector<json> lines = snapshots("--set sim.stats_interval_time=100us");
  EXPECT_LE(lines.size(), multiples);
  EXPECT_GT(lines.size(), multiples / 2);
  std::uint64_t last_multiple = 0;
  for (const json& line : lines) {
    const std::uint64_t multiple = at(line, "/sim/time_ps"_json_pointer) / interval_ps;
    EXPECT_GT(multiple, last_multiple);
    last_multiple = multiple;
  }
}

TEST(Measurement, SnapshotsAreTheSameForTheSameConfigAndSeed) {
  std::string first, second;
  snapshots("--set sim.stats_interval=3000", &first);
  snapshots("--set sim.stats_interval=3000", &second);
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second);
}

TEST(Measurement, SnapshotsAndTheirFileComeTogether) {
  test::Result r = test::mmusim(kRun + "--set sim.stats_interval=1000");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--set:2: sim.stats_interval: the snapshots need --intervals FILE"),
            std::string::npos)
      << r.err;
  r = test::mmusim(kRun + "--intervals " + test::temp_path("unused.jsonl"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--intervals: needs sim.stats_interval"), std::string::npos) << r.err;
}

std::uint64_t breakdown_sum(const json& stats) {
  std::uint64_t sum = 0;
  for (const auto& [part, ps] : stats["sim"]["breakdown"].items()) sum += ps.get<std::uint64_t>();
  return sum;
}

TEST(Measurement, TheTimeBreakdownAddsUpToTheSimulatedTimeToThePicosecond) {
  for (const char* args : {"", "--set sim.warmup_accesses=7000", "--set cache.l1d.size=0",
                           "--set mmu.impl=rtl"}) {
    const json s = run_stats(args);
    EXPECT_EQ(breakdown_sum(s), at(s, "/sim/time_ps"_json_pointer)) << args;
    EXPECT_EQ(at(s, "/sim/breakdown/compute_ps"_json_pointer),
              at(s, "/sim/accesses"_json_pointer) * 500)  // cpu.access_time 0.5 ns
        << args;
    EXPECT_GT(at(s, "/sim/breakdown/swap_wait_ps"_json_pointer), 0u) << args;
  }
  // Processes started 50 ms apart (each is done in less) leave the cpu idle between them.
  const json spaced = run_stats("--set cpu.spawn_interval=50ms");
  EXPECT_GT(at(spaced, "/sim/breakdown/idle_ps"_json_pointer), 100'000'000'000u);
  EXPECT_EQ(breakdown_sum(spaced), at(spaced, "/sim/time_ps"_json_pointer));
}

TEST(Measurement, WalksAreCountedByWhereTheirPtesWereFound) {
  const json near = run_stats("");
  std::uint64_t walks = 0;
  for (const auto& [level, by] : near["walker"]["by_source"].items()) {
    walks += by["walks"].get<std::uint64_t>();
  }
  EXPECT_EQ(walks, at(near, "/walker/walks"_json_pointer));
  const json& by = near["walker"]["by_source"];
  ASSERT_TRUE(by.contains("l1d") && by.contains("dram")) << by;
  EXPECT_LT(by["l1d"]["mean_ns"].get<double>(), by["dram"]["mean_ns"].get<double>());
  // A walker that enters at memory, or no caches at all: every walk's PTEs come from DRAM.
  for (const char* args : {"--set mmu.walker_path=dram",
                           "--set cache.l1d.size=0 --set cache.l2.size=0 --set cache.llc.size=0"}) {
    const json far = run_stats(args);
    ASSERT_EQ(far["walker"]["by_source"].size(), 1u) << args;
    EXPECT_EQ(far["walker"]["by_source"]["dram"]["walks"], far["walker"]["walks"]) << args;
  }
}

TEST(Measurement, MissesPer1000AccessesAreTheMissesOverTheAccesses) {
  const json s = run_stats("");
  const double accesses = s["sim"]["accesses"].get<double>();
  for (const char* level : {"l1", "l2"}) {
    const json& tlb = s["tlb"][level];
    EXPECT_DOUBLE_EQ(tlb["misses_per_1000_accesses"].get<double>(),
                     1000 * tlb["misses"].get<double>() / accesses)
        << level;
  }
}

// Every access, fault and walk happens while some process runs: the per-process counters
// add up to the totals, after a warm-up too.
TEST(Measurement, PerProcessCountersAddUpToTheTotals) {
  for (const char* args : {"", "--set sim.warmup_accesses=7000"}) {
    const json s = run_stats(args);
    ASSERT_TRUE(s.contains("process")) << args;
    // After a warm-up, processes created before it still run (and count).
    EXPECT_GE(s["process"].size(), s["vm"]["processes_created"].get<std::size_t>()) << args;
    std::map<std::string, std::uint64_t> sums;
    for (const auto& [pid, counters] : s["process"].items()) {
      for (const auto& [key, value] : counters.items()) sums[key] += value.get<std::uint64_t>();
    }
    EXPECT_EQ(sums["accesses"], at(s, "/sim/accesses"_json_pointer)) << args;
    EXPECT_EQ(sums["page_faults"], at(s, "/vm/page_faults"_json_pointer)) << args;
    EXPECT_EQ(sums["major_faults"], at(s, "/vm/major_faults"_json_pointer)) << args;
    EXPECT_EQ(sums["cow_faults"], at(s, "/vm/cow_faults"_json_pointer)) << args;
    EXPECT_EQ(sums["tlb_misses"], at(s, "/tlb/l1/misses"_json_pointer)) << args;
    EXPECT_EQ(sums["walks"], at(s, "/walker/walks"_json_pointer)) << args;
    EXPECT_LE(sums["time_ps"], at(s, "/sim/time_ps"_json_pointer)) << args;
    EXPECT_GT(sums["cow_faults"], 0u) << args;  // the default scenario forks
  }
}

}  // namespace
}  // namespace mmusim
