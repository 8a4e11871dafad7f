// The hierarchy in the whole platform, as a user runs it: every walker path keeps the
// integrity checker silent under paging, swap DMA and sharing; a coherence bug put in on
// purpose is caught; PTEs cached near the walker shorten walks; and with every size 0
// the run is, stat for stat, the one from before the caches existed.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

// A short default scenario: paging, swap, fork, a shared library and shared memory.
const std::string kShortRun = "run -q --set workload.accesses=20000 ";
const std::string kNoCaches =
    "--set cache.l1d.size=0 --set cache.l2.size=0 --set cache.llc.size=0 ";

json run_stats(const std::string& args, int expected_status = 0) {
  const std::string path = test::temp_path("stats.json");
  const test::Result r = test::mmusim(kShortRun + args + " --stats " + path);
  EXPECT_EQ(r.status, expected_status) << args << "\n" << r.err;
  return r.status == 0 ? json::parse(test::slurp(path)) : json();
}

std::uint64_t pte_lookups(const json& stats, const char* level) {
  const json& l = stats["cache"][level];
  return l["pte_hits"].get<std::uint64_t>() + l["pte_misses"].get<std::uint64_t>();
}

TEST(Caches, EveryWalkerPathRunsTheDefaultScenarioWithEveryReadVerified) {
  for (const char* path : {"l1d", "l2", "llc", "dram"}) {
    const json s = run_stats(std::string("--set mmu.walker_path=") + path);
    ASSERT_TRUE(s.contains("cache")) << path;
    EXPECT_EQ(s["check"]["mismatches"], 0) << path;
    EXPECT_GT(s["check"]["reads_verified"].get<std::uint64_t>(), 10000u) << path;
    EXPECT_GT(s["swap"]["reads"].get<std::uint64_t>(), 0u) << path;  // DMA did happen
    // PTE traffic starts where the walker enters: nothing above it sees any.
    const std::string p = path;
    EXPECT_EQ(pte_lookups(s, "l1d") > 0, p == "l1d") << path;
    EXPECT_EQ(pte_lookups(s, "l2") > 0, p == "l1d" || p == "l2") << path;
    EXPECT_EQ(pte_lookups(s, "llc") > 0, p != "dram") << path;
    // The firmware's page copies and swap DMA make every level snoop some of its lines.
    EXPECT_GT(s["cache"]["l1d"]["snoop_write_backs"].get<std::uint64_t>(), 0u) << path;
  }
}

TEST(Caches, ASwapDmaThatSkipsTheSnoopIsCaughtByTheIntegrityChecker) {
  const test::Result r =
      test::mmusim(kShortRun + "--set cache.fault_injection=skip_dma_snoop");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("data mismatch"), std::string::npos) << r.err;
}

TEST(Caches, PtesCachedNearTheWalkerShortenWalks) {
  const json near = run_stats("--set mmu.walker_path=l1d");
  const json far = run_stats("--set mmu.walker_path=dram");
  const json none = run_stats(kNoCaches);
  const auto mean = [](const json& s) { return s["walker"]["latency"]["mean_ns"].get<double>(); };
  EXPECT_LT(mean(near), mean(far));
  EXPECT_LT(mean(near), mean(none));
  EXPECT_FALSE(none.contains("cache"));
  EXPECT_LT(near["dram"]["reads"].get<std::uint64_t>(), none["dram"]["reads"].get<std::uint64_t>());
}

// The golden file is the short run's stats from mmusim before the hierarchy existed
// (commit 7a4b0b1), all but the host's times and the config (which gained keys). It was
// made again from 7a4b0b1 twice, each time with one later change put in that changes what
// runs: the workload's xoshiro generator (6ab423a), and the clock hand passing over the
// page a copy-on-write fault is copying (7a4b0b1 with only the generator reproduced the
// old file exactly).
// Every stat the golden run has, at every depth, has its value now; stats added since
// (derived metrics, breakdowns) are not in it and are not compared. Means may differ in
// their last digits: the golden run summed walk latencies in floating-point ns, runs now
// sum integer ps.
void expect_holds(const json& now, const json& golden, const std::string& where) {
  if (golden.is_number_float()) {
    EXPECT_NEAR(now.get<double>(), golden.get<double>(), 1e-9 * golden.get<double>()) << where;
    return;
  }
  if (!golden.is_object()) {
    EXPECT_EQ(now, golden) << where;
    return;
  }
  for (const auto& [key, value] : golden.items()) {
    ASSERT_TRUE(now.contains(key)) << where + "." + key;
    expect_holds(now[key], value, where + "." + key);
  }
}

TEST(Caches, WithEverySizeZeroARunIsTheOneFromBeforeTheCachesExisted) {
  const json golden = json::parse(
      test::slurp(std::string(MMUSIM_SOURCE_DIR) + "/tests/cache/golden_without_caches.json"));
  json now = run_stats(kNoCaches);
  EXPECT_FALSE(now.contains("cache"));
  expect_holds(now, golden, "stats");
}

}  // namespace
}  // namespace mmusim
