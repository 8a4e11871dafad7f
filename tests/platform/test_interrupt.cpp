// Ctrl-C (SIGINT) and SIGTERM end a run, or a verification campaign, cleanly: what was
// done is kept and the exit status says which signal (models/common/interrupt.h).

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <string>

#include "signal_mmusim.h"

namespace mmusim::test {
namespace {

using nlohmann::json;

TEST(Interrupt, CtrlCEndsARunWithItsStatsWritten) {
  const std::string stats = temp_path("stats.json");
  const Result r =
      run_and_signal({"run", "-q", "--set", "workload.accesses=100000000", "--stats", stats},
                     SIGINT);
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_NE(r.err.find("stopped by SIGINT"), std::string::npos) << r.err;
  const json s = json::parse(slurp(stats));
  EXPECT_EQ(s["sim"]["cut_short"], "interrupted");
  // It ends where the cpu looks for a signal: every 16384 accesses.
  const auto accesses = s["sim"]["accesses"].get<std::uint64_t>();
  EXPECT_EQ(accesses % 16384, 0u) << accesses;
  EXPECT_LT(accesses, 4u * 100000000u);
}

TEST(Interrupt, SigtermStopsACampaignBetweenSeedsWithItsCoverage) {
  const std::string coverage = temp_path("coverage.json");
  const Result r = run_and_signal(
      {"verify", "--seed", "5000", "--seeds", "100000000", "--coverage", coverage}, SIGTERM);
  EXPECT_EQ(r.status, 143) << r.err;
  EXPECT_NE(r.out.find("stopped early, passed so far"), std::string::npos) << r.out;
  const json c = json::parse(slurp(coverage));
  const auto seeds = c["seeds"]["count"].get<std::uint64_t>();
  EXPECT_LT(seeds, 100000000u);
  EXPECT_EQ(c["seeds"]["first"], 5000);
  // How to go on from there, merging what was covered.
  EXPECT_NE(r.err.find("--seed " + std::to_string(5000 + seeds) + " --seeds " +
                       std::to_string(100000000 - seeds) + " --merge " + coverage),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mmusim::test
