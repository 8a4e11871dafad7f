// Svnapot pages the firmware maps (firmware.napot, napot.cpp) through the whole platform:
// under memory pressure, fork and sharing every read is still verified, on the model and in
// lockstep with the RTL; on a workload that fits, 64 KiB pages cut TLB misses; and the
// integrity checker catches the kernel reading a NAPOT page's D from its own PTE alone.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

const std::string kNapot = "--set mmu.svnapot=true --set firmware.napot=true ";

json run_stats(const std::string& args) {
  const std::string path = test::temp_path("napot_stats.json");
  const test::Result r = test::mmusim("run -q " + args + " --stats " + path);
  EXPECT_EQ(r.status, 0) << args << "\n" << r.err;
  return r.status == 0 ? json::parse(test::slurp(path)) : json();
}

std::uint64_t napot(const json& s, const char* key) {
  return s["vm"]["napot"][key].get<std::uint64_t>();
}

// The default scenario (brk, mmap, fork, shared segments, libraries, swap): ranges are
// mapped, hit as 64 KiB pages, unfolded before eviction and fork, and nothing is lost.
TEST(NapotPlatform, TheDefaultScenarioUnderMemoryPressureLosesNothing) {
  for (const char* impl : {"model", "lockstep"}) {
    const json s = run_stats(kNapot + "--set workload.accesses=200000 --set mmu.impl=" + impl);
    EXPECT_EQ(s["check"]["mismatches"], 0) << impl;
    EXPECT_EQ(s["vm"]["kills"], 0) << impl;
    EXPECT_GT(napot(s, "mapped"), 100u) << impl;
    EXPECT_GT(napot(s, "unfolds"), 100u) << impl;
    EXPECT_GT(napot(s, "fallbacks"), 0u) << impl;
    EXPECT_GT(s["tlb"]["hits_by_page_size"]["64KiB"].get<std::uint64_t>(), 1000u) << impl;
  }
}

TEST(NapotPlatform, UnderSvadeTheFirmwareSetsAAndDOnTheWholeRange) {
  const json s = run_stats(kNapot + "--set workload.accesses=200000 --set mmu.ad_update=fault");
  EXPECT_EQ(s["check"]["mismatches"], 0);
  EXPECT_GT(s["vm"]["ad_faults"].get<std::uint64_t>(), 0u);
  EXPECT_GT(napot(s, "mapped"), 100u);
}

// 2 MiB of random accesses in one process with memory to spare: 512 pages of 4 KiB miss
// the 64-entry L1 almost every time; 32 ranges of 64 KiB fit in it (measured: 881 misses
// per 1000 accesses against 0.88).
TEST(NapotPlatform, OnAWorkloadThatFitsTlbMissesFall) {
  const std::string fits =
      "--set workload.type=random --set workload.processes=1 --set workload.footprint=2MiB "
      "--set workload.accesses=100000 --set firmware.user_frames=0 ";
  const json small = run_stats(fits);
  const json napot_run = run_stats(fits + kNapot);
  EXPECT_EQ(napot(napot_run, "mapped"), 32u);   // 2 MiB in 64 KiB ranges
  EXPECT_EQ(napot(napot_run, "unfolds"), 32u);  // only as the process exits
  const auto misses = [](const json& s) { return s["tlb"]["l1"]["misses"].get<std::uint64_t>(); };
  EXPECT_LT(misses(napot_run) * 100, misses(small));
  EXPECT_EQ(napot_run["check"]["mismatches"], 0);
}

// A store through the range's one TLB entry sets D only in the PTE that entry was made
// from: a kernel that reads a page's D from its own PTE drops data the checker then misses.
TEST(NapotPlatform, ReadingDFromOnePteAloneIsCaughtByTheIntegrityChecker) {
  const test::Result r =
      test::mmusim("run -q " + kNapot + "--set firmware.fault_injection=napot_own_ad");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("data mismatch"), std::string::npos) << r.err;
}

TEST(NapotPlatform, NapotPagesNeedAnMmuWithSvnapot) {
  const test::Result r = test::mmusim("run -q --set firmware.napot=true");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "--set:1: firmware.napot: NAPOT pages need an mmu with Svnapot (firmware.napot from "
            "--set:1, mmu.svnapot from default)\n");
}

}  // namespace
}  // namespace mmusim
