// Hardware cost: the MMU RTL of a configuration synthesized by Yosys (`mmusim synth`, and
// a sweep's hw.* columns), once per configuration, and the Pareto plot drawn from it.

#include <filesystem>
#include <map>
#include <sstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The smallest MMU: a 2-entry L1, no L2, no walk cache (about 20 s of Yosys).
const char* const kTiny =
    " --set mmu.tlb.l1.entries=2 --set mmu.tlb.l1.ways=2 --set mmu.tlb.l2.entries=0"
    " --set mmu.walk_cache.entries=0";

struct CacheDir {
  std::string dir = test::temp_path("synth_cache");
  CacheDir() { fs::remove_all(dir); }
  ~CacheDir() { fs::remove_all(dir); }
};

TEST(HardwareCost, SynthesizesAConfigurationOnceAndKeepsTheResult) {
  const CacheDir cache;
  test::Result r = test::mmusim(std::string("synth --json --cache ") + cache.dir + kTiny);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("mmusim synth: yosys on l1-2x2-lru_l2-none_wc-0_ad-hw_asid-16_"),
            std::string::npos)
      << r.err;
  const json cost = json::parse(r.out);
  // Two TLB entries alone hold 2 x (valid, level, G, ASID, VPN, PTE: 136 bits) and their LRU
  // stamps; the walker and the request and satp registers add more.
  EXPECT_GT(cost["flip_flops"].get<int>(), 2 * 136 + 2 * 64);
  EXPECT_GT(cost["cells"].get<int>(), cost["flip_flops"].get<int>());
  EXPECT_GT(cost["logic_depth"].get<int>(), 0);
  // The second time it is read from the cache: no Yosys, the same answer.
  const test::Result again = test::mmusim(std::string("synth --json --cache ") + cache.dir + kTiny);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.err.find("yosys on"), std::string::npos) << again.err;
  EXPECT_EQ(json::parse(again.out), cost);
}

TEST(HardwareCost, WhatTheRtlCannotBuildIsRefusedNamingTheKey) {
  const CacheDir cache;
  const test::Result r =
      test::mmusim("synth --cache " + cache.dir + " --set mmu.tlb.l1.replacement=random");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mmu.tlb.l1.replacement: the RTL has no random replacement"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(cache.dir)) << "nothing is synthesized";
}

// A sweep with hardware_cost: each geometry synthesized once into DIR/synth, its cost in
// the hw.* columns, a larger TLB costing more; a Pareto plot of misses against cells.
TEST(HardwareCost, ASweepTabulatesEachGeometrysCostAndPlotsTheParetoFront) {
  const std::string dir = test::temp_path("hw_sweep");
  fs::remove_all(dir);
  const auto spec_with_seeds = [](const std::string& seeds) {
    return test::write_temp_file("hw_sweep.json", R"({
  "set": {"workload.type": "random", "workload.accesses": 2000, "workload.processes": 1,
          "workload.footprint": "64KiB", "mmu.tlb.l1.ways": 2, "mmu.tlb.l2.entries": 0,
          "mmu.walk_cache.entries": 0},
  "grid": {"mmu.tlb.l1.entries": [2, 4]},
  "seeds": )" + seeds + R"(,
  "columns": ["tlb.l1.misses/kacc"],
  "hardware_cost": true
})");
  };
  std::string spec = spec_with_seeds("[1, 2]");
  test::Result r = test::mmusim("sweep " + spec + " --out " + dir + " -j 2");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream csv(test::slurp(dir + "/results.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_NE(header.find(",tlb.l1.misses/kacc,hw.cells,hw.flip_flops,hw.logic_depth,status"),
            std::string::npos)
      << header;
  std::map<int, long> cells;  // entries -> cells
  for (std::string row; std::getline(csv, row);) {
    std::vector<std::string> f;
    std::istringstream in(row);
    for (std::string field; std::getline(in, field, ',');) f.push_back(field);
    ASSERT_GE(f.size(), 8u) << row;
    ASSERT_FALSE(f[5].empty()) << "no cost in " << row;
    cells[std::stoi(f[3])] = std::stol(f[5]);
  }
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_GT(cells[4], cells[2]);
  std::size_t results = 0;
  for (const auto& entry : fs::directory_iterator(dir + "/synth")) {
    const std::string name = entry.path().filename().string();
    results += name.find(".config.") == std::string::npos && entry.path().extension() == ".json";
  }
  EXPECT_EQ(results, 2u) << "one synthesis per geometry, not per run";

  // One more seed: its runs are new, their hardware is not.
  spec = spec_with_seeds("[1, 2, 3]");
  r = test::mmusim("sweep " + spec + " --out " + dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ran 2 of 6 runs"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("yosys"), std::string::npos) << r.err;

  r = test::mmusim("plot " + dir + " --kind pareto");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string png = dir + "/tlb_l1_misses_kacc_vs_hw_cells.png";
  EXPECT_NE(r.out.find(png), std::string::npos) << r.out;
  EXPECT_EQ(test::slurp(png).substr(0, 4), "\x89PNG");
  const std::string svg = test::slurp(dir + "/tlb_l1_misses_kacc_vs_hw_cells.svg");
  EXPECT_NE(svg.find("Pareto front"), std::string::npos);
  EXPECT_NE(svg.find("MMU cells (Yosys generic gates)"), std::string::npos);
  fs::remove_all(dir);
}

TEST(HardwareCost, AParetoPlotNeedsTheCostColumns) {
  const std::string dir = test::temp_path("no_hw_sweep");
  fs::remove_all(dir);
  const std::string spec = test::write_temp_file("no_hw_sweep.json", R"({
  "set": {"workload.type": "random", "workload.accesses": 500, "workload.processes": 1},
  "grid": {"mmu.tlb.l1.entries": [16]}
})");
  ASSERT_EQ(test::mmusim("sweep " + spec + " --out " + dir).status, 0);
  const test::Result r = test::mmusim("plot " + dir + " --kind pareto");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("\"hardware_cost\": true"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mmusim
