// Huge pages through the whole platform: under memory pressure (splits, evictions, swap)
// and with collapse every read is still verified, on the model and in lockstep with the
// RTL; and on a workload that fits, 2 MiB pages take TLB misses almost to zero.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

json run_stats(const std::string& args) {
  const std::string path = test::temp_path("stats.json");
  const test::Result r = test::mmusim("run -q " + args + " --stats " + path);
  EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
  return r.status == 0 ? json::parse(test::slurp(path)) : json();
}

std::uint64_t huge(const json& s, const char* key) { return s["vm"]["huge"][key].get<std::uint64_t>(); }

// 2 x 12 MiB against 16 MiB of user frames: huge pages while they fit, then fallbacks,
// and splits as the clock evicts them, while some outlive it and are used from the TLB
// (on every seed tried; at 2 x 24 MiB whether any outlives it depends on the stream).
const std::string kPressure =
    "--set workload.type=random --set workload.processes=2 --set workload.footprint=12MiB "
    "--set workload.accesses=30000 --set firmware.huge_pages=always ";

TEST(HugePagesPlatform, UnderMemoryPressureEveryReadIsStillVerified) {
  for (const char* impl : {"model", "lockstep"}) {
    const json s = run_stats(kPressure + "--set mmu.impl=" + impl);
    EXPECT_EQ(s["check"]["mismatches"], 0) << impl;
    EXPECT_GT(s["check"]["reads_verified"].get<std::uint64_t>(), 10000u) << impl;
    EXPECT_GT(huge(s, "mapped"), 0u) << impl;
    EXPECT_GT(huge(s, "fallbacks"), 0u) << impl;
    EXPECT_GT(huge(s, "splits"), 0u) << impl;
    EXPECT_GT(s["vm"]["dirty_writebacks"].get<std::uint64_t>(), 0u) << impl;
    EXPECT_GT(s["tlb"]["hits_by_page_size"]["2MiB"].get<std::uint64_t>(), 0u) << impl;
  }
}

// The default scenario (brk, mmap, fork, sharing, swap) with every huge-page path on.
TEST(HugePagesPlatform, TheDefaultScenarioWithCollapseStaysCorrect) {
  const json s = run_stats(
      "--set workload.accesses=50000 --set firmware.huge_pages=always "
      "--set firmware.huge_pages_collapse=true");
  EXPECT_EQ(s["check"]["mismatches"], 0);
  EXPECT_GT(huge(s, "collapses"), 0u);
  EXPECT_GT(huge(s, "splits"), 0u);  // fork splits what was collapsed
  EXPECT_EQ(s["vm"]["kills"], 0);
}

TEST(HugePagesPlatform, OnAWorkloadThatFitsTlbMissesAlmostVanish) {
  const std::string fits =
      "--set workload.type=random --set workload.processes=1 --set workload.footprint=64MiB "
      "--set workload.accesses=100000 --set firmware.user_frames=0 ";
  const json small = run_stats(fits + "--set firmware.huge_pages=never");
  const json big = run_stats(fits + "--set firmware.huge_pages=always");
  EXPECT_EQ(huge(big, "mapped"), 32u);
  EXPECT_EQ(big["vm"]["page_faults"], 32);
  EXPECT_LT(big["tlb"]["l1"]["misses"].get<double>() * 100, small["tlb"]["l1"]["misses"].get<double>());
  EXPECT_LT(big["sim"]["breakdown"]["walk_ps"], small["sim"]["breakdown"]["walk_ps"]);
  EXPECT_EQ(big["check"]["mismatches"], 0);
}

TEST(HugePagesPlatform, MadviseMapsOnlyWhatTheWorkloadMarks) {
  const std::string fits =
      "--set workload.type=random --set workload.processes=1 --set workload.footprint=8MiB "
      "--set workload.accesses=5000 --set firmware.user_frames=0 --set firmware.huge_pages=madvise ";
  EXPECT_EQ(huge(run_stats(fits), "mapped"), 0u);
  EXPECT_EQ(huge(run_stats(fits + "--set workload.madvise_huge=true"), "mapped"), 4u);
}

}  // namespace
}  // namespace mmusim
