// The same config and seed give byte-identical stats (all but the host's timings), and
// identical waveforms, for every workload type and both engines.

#include <cstdlib>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

// The stats of one run (minus `host`), and the waveform files it wrote.
struct RunOutput {
  std::string stats;
  std::string rtl_waves;
  std::string platform_waves;
};

RunOutput run_once(const std::string& args, const std::string& tag, bool rtl) {
  const std::string stats = test::temp_path(tag + ".json");
  const std::string waves = test::temp_path(tag + ".fst");
  const test::Result r = test::mmusim("run -q " + args + " --stats " + stats + " --waves " + waves);
  EXPECT_EQ(r.status, 0) << args << ": " << r.err;
  json s = json::parse(test::slurp(stats));
  s.erase("host");
  std::string rtl_vcd;
  if (rtl) {
    // The FST's header holds the time it was written: compare its contents as VCD,
    // without the $date section.
    const std::string vcd = test::temp_path(tag + ".vcd");
    EXPECT_EQ(std::system(("fst2vcd -f " + waves + " -o " + vcd + " >/dev/null 2>&1").c_str()), 0);
    rtl_vcd = test::slurp(vcd);
    const std::size_t date = rtl_vcd.find("$date");
    if (date != std::string::npos) rtl_vcd.erase(date, rtl_vcd.find("$end", date) + 4 - date);
  }
  return {s.dump(), rtl_vcd, test::slurp(test::temp_path(tag + "_platform.vcd"))};
}

class Determinism : public ::testing::TestWithParam<std::string> {};

TEST_P(Determinism, TheSameConfigAndSeedGiveTheSameStatsAndWaves) {
  std::string args = "--set workload.type=" + GetParam() + " --set workload.accesses=2000";
  if (GetParam() == "lackey") {
    args += " --set workload.path=" +
            test::write_temp_file("trace.txt",
                                  "I  00401000,4\n L 1ff000,8\n S 1ff008,8\n M 203000,4\n");
  } else if (GetParam() == "pages") {
    args += " --set workload.path=" + test::write_temp_file("pages.txt", "1\n2\n3\n1\n4\n2\n");
  } else if (GetParam() == "scenario") {
    args += " --set workload.path=" + std::string(MMUSIM_SOURCE_DIR) + "/scenarios/fork_cow.txt";
  }
  for (const char* impl : {"model", "rtl"}) {
    const std::string with = args + " --set mmu.impl=" + impl;
    const bool rtl = std::string(impl) == "rtl";
    const RunOutput a = run_once(with, std::string(impl) + "_a", rtl);
    const RunOutput b = run_once(with, std::string(impl) + "_b", rtl);
    // (EXPECT_TRUE: a failure must not print megabytes of waveform.)
    EXPECT_TRUE(a.stats == b.stats) << with;
    EXPECT_FALSE(a.platform_waves.empty());
    EXPECT_TRUE(a.platform_waves == b.platform_waves) << with;
    EXPECT_TRUE(a.rtl_waves == b.rtl_waves) << with;
    if (rtl) EXPECT_FALSE(a.rtl_waves.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(EveryWorkload, Determinism,
                         ::testing::Values("sequential", "strided", "random", "zipf", "program",
                                           "lackey", "pages", "scenario"));

}  // namespace
}  // namespace mmusim
