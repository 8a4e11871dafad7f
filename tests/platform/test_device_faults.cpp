// Faults put in on purpose: a swap device that fails commands (error status, no
// interrupt, corrupt reads) and a firmware that writes corrupt PTEs. The firmware must
// recover or kill only the process affected; no survivor may lose data; nothing hangs.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;

struct Outcome {
  test::Result result;
  json stats;
};

Outcome run(const std::string& sets) {
  const std::string path = test::temp_path("fault_stats.json");
  Outcome r{test::mmusim("run -q --set workload.accesses=100000 " + sets + " --stats " + path), {}};
  if (r.result.status != 2) r.stats = json::parse(test::slurp(path));
  return r;
}

std::uint64_t u(const json& j) { return j.get<std::uint64_t>(); }

TEST(DeviceFaults, TheDriverDetectsEveryKindRetriesAndNoDataIsLost) {
  const Outcome r = run("--set swap.fault_rate=0.05 --set firmware.swap_verify=true");
  ASSERT_EQ(r.result.status, 0) << r.result.err;
  const json& injected = r.stats["swap"]["injected"];
  const json& io = r.stats["vm"]["swap_io"];
  EXPECT_GT(u(injected["errors"]), 0u);
  EXPECT_GT(u(injected["timeouts"]), 0u);
  EXPECT_GT(u(injected["corruptions"]), 0u);
  // Each injected fault is seen by the driver as what it is.
  EXPECT_EQ(u(io["device_errors"]), u(injected["errors"]));
  EXPECT_EQ(u(io["timeouts"]), u(injected["timeouts"]));
  EXPECT_EQ(u(io["bad_checksums"]), u(injected["corruptions"]));
  EXPECT_EQ(u(r.stats["swap"]["aborts"]), u(injected["timeouts"]));
  EXPECT_GT(u(io["recovered"]), 0u);
  // Every fault but the last of a transfer that gave up is followed by a retry.
  EXPECT_EQ(u(io["retries"]), u(io["device_errors"]) + u(io["timeouts"]) +
                                  u(io["bad_checksums"]) - u(io["failed"]));
  EXPECT_EQ(u(r.stats["check"]["mismatches"]), 0u);
  EXPECT_GT(u(r.stats["check"]["reads_verified"]), 100000u);
}

TEST(DeviceFaults, WhenRetriesRunOutOnlyTheAffectedProcessIsKilled) {
  const Outcome r = run(
      "--set workload.processes=8 --set swap.fault_rate=0.002 --set firmware.swap_retries=0 "
      "--set firmware.swap_verify=true");
  // Killed for an I/O error it asked for: the run itself succeeds.
  ASSERT_EQ(r.result.status, 0) << r.result.err;
  const json& kills = r.stats["vm"]["kills_by_reason"];
  EXPECT_GT(u(kills["I/O error"]), 0u);
  EXPECT_EQ(u(kills["I/O error"]), u(r.stats["vm"]["kills"]));
  EXPECT_EQ(u(r.stats["vm"]["swap_io"]["failed"]), u(kills["I/O error"]));
  EXPECT_NE(r.result.err.find("killed: "), std::string::npos);
  EXPECT_NE(r.result.err.find("(no retries)"), std::string::npos) << r.result.err;
  EXPECT_GT(u(r.stats["cpu"]["processes_finished"]), 0u);  // the survivors ran to the end
  EXPECT_EQ(u(r.stats["check"]["mismatches"]), 0u);
}

// Without checksums nothing stops a corrupt read: the integrity checker must catch it.
TEST(DeviceFaults, ACorruptReadTheDriverDoesNotCheckIsCaughtByTheIntegrityChecker) {
  const Outcome r = run("--set swap.fault_rate=0.05 --set swap.fault_kinds=corrupt");
  EXPECT_EQ(r.result.status, 1);
  EXPECT_NE(r.result.err.find("data mismatch"), std::string::npos) << r.result.err;
}

TEST(DeviceFaults, AnUnknownKindIsRefused) {
  const Outcome r = run("--set swap.fault_kinds=error,fire");
  EXPECT_EQ(r.result.status, 2);
  EXPECT_NE(r.result.err.find("--set:2: swap.fault_kinds: 'fire' is not a fault kind"),
            std::string::npos)
      << r.result.err;
}

// A corrupt PTE: the walker faults or translates (it never hangs), and what follows is
// caught: by the kernel (a PTE it did not write, a fault that does not go away) or by
// the integrity checker.
TEST(DeviceFaults, ACorruptPteIsNoticedAndNeverHangs) {
  for (int seed = 1; seed <= 4; ++seed) {
    const Outcome r = run("--set firmware.fault_injection=corrupt_pte --set sim.seed=" +
                      std::to_string(seed));
    EXPECT_EQ(r.result.status, 1) << "seed " << seed;
    EXPECT_NE(r.result.err.find("mmusim: FAILED: "), std::string::npos) << r.result.err;
    EXPECT_EQ(r.result.err.find("uncaught exception"), std::string::npos) << r.result.err;
  }
}

}  // namespace
}  // namespace mmusim
