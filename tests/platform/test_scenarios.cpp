// Scenarios end to end: every example in scenarios/ passes on the model, the RTL and in
// lockstep; the ones about flushes fail when the firmware skips them; broken scripts
// are refused before anything runs, and expectations that do not hold fail the run at
// their line.

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_mmusim.h"
#include "sanitizers.h"

namespace mmusim {
namespace {

using test::mmusim;
using test::Result;
using test::write_temp_file;

std::vector<std::string> examples() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(MMUSIM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result run_scenario(const std::string& path, const std::string& extra = "") {
  return mmusim("run -q --set workload.type=scenario --set workload.path=" + path + " " + extra);
}

TEST(Scenarios, EveryExamplePassesOnTheModelTheRtlAndInLockstep) {
  const auto paths = examples();
  ASSERT_GE(paths.size(), 12u);
  for (const std::string impl : {"model", "rtl", "lockstep"}) {
    for (const auto& path : paths) {
      const Result r = run_scenario(path, "--set mmu.impl=" + impl);
      EXPECT_EQ(r.status, 0) << impl << " " << path << "\n" << r.err;
    }
  }
}

// A segment and a library of 64 GiB, touched at both ends by two processes: their page
// records and the library's image on the device are made for the pages touched, so the
// run needs little host memory (a record per page of the whole object, and the whole
// image written to the device before the run, had taken 540 MB for the segment and
// failed to allocate the library).
TEST(Scenarios, LargeSegmentsAndLibrariesCostHostMemoryForThePagesTouched) {
  const std::string path = write_temp_file("sparse_objects.txt", R"(shm S 64GiB
lib L 64GiB
process A
A attach S 0x1000000000 rw
A maplib L 0x2000000000
A write 0x1000000000 5
A write 0x1fffff0000 7
A read 0x2000000000
A read 0x2ffffff000
process B
B attach S 0x1000000000 r
B read 0x1000000000 = 5
B read 0x1fffff0000 = 7
B maplib L 0x2000000000
B read 0x2ffffff000
)");
  const std::string stats = test::temp_path("sparse_objects.json");
  const Result r = run_scenario(path, "--stats " + stats);
  ASSERT_EQ(r.status, 0) << r.err;  // the library's words are checked as they are read
  const nlohmann::json s = nlohmann::json::parse(test::slurp(stats));
  EXPECT_EQ(s["vm"]["library_reads"], 2);
  if (!test::kAddressSanitizer) {
    EXPECT_LT(s["host"]["max_rss_kib"].get<int>(), 100 * 1024);
  }
}

TEST(Scenarios, FlushAndCopyOnWriteExamplesFailWhenTheFirmwareIsBroken) {
  // A firmware that skips TLB flushes lets stale translations through; one that does
  // not copy a shared page on a store lets one side change the other's data.
  const std::pair<const char*, const char*> cases[] = {
      {"shootdown.txt", "skip_flush"},
      {"shootdown_freed_tables.txt", "skip_flush"},
      {"protect_cow.txt", "skip_flush"},
      {"asid_reuse.txt", "skip_flush"},
      {"larger_than_memory.txt", "lose_dirty_pages"},
      {"protect_cow.txt", "cow_no_copy"},
      {"fork_cow.txt", "cow_no_copy"}};
  for (const auto& [file, fault] : cases) {
    for (const std::string impl : {"model", "rtl"}) {
      const Result r =
          run_scenario(std::string(MMUSIM_SOURCE_DIR "/scenarios/") + file,
                       "--set mmu.impl=" + impl + " --set firmware.fault_injection=" + fault);
      EXPECT_EQ(r.status, 1) << file << " " << fault << " " << impl;
      EXPECT_NE(r.err.find(std::string("mmusim: FAILED: ") + MMUSIM_SOURCE_DIR "/scenarios/" +
                           file + ":"),
                std::string::npos)
          << r.err;
    }
  }
}

TEST(Scenarios, AnExpectationThatDoesNotHoldFailsAtItsLine) {
  const auto path = write_temp_file("expect.txt",
                                    "process A\n"
                                    "A mmap 0x10000000 4KiB rw\n"
                                    "A write 0x10000000 5\n"
                                    "A read 0x10000000 = 6\n");
  Result r = run_scenario(path);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(path + ":4: expected = 0x6, got 0x5"), std::string::npos) << r.err;

  const auto fault = write_temp_file("fault.txt",
                                     "process A\n"
                                     "A mmap 0x10000000 4KiB rw\n"
                                     "A write 0x10000000 5 => fault\n"
                                     "A write 0x10000000 6 => fault\n");
  r = run_scenario(fault);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(fault + ":4: expected a fault the firmware resolves, got no fault"),
            std::string::npos)
      << r.err;

  const auto segv = write_temp_file("segv.txt", "process A\nA read 0x10000000\n");
  r = run_scenario(segv);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(
      r.err.find(segv +
                 ":2: expected ok, got a segfault (segmentation fault: address in no region)"),
      std::string::npos)
      << r.err;

  const auto alive = write_temp_file("alive.txt",
                                     "process A\nA mmap 0x10000000 4KiB rw\n"
                                     "A read 0x10000000 => segfault\n");
  r = run_scenario(alive);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(alive + ":3: expected a segfault, got a fault the firmware resolved"),
            std::string::npos)
      << r.err;
}

TEST(Scenarios, BrokenScriptsAreRefusedAtTheirLineBeforeAnythingRuns) {
  const std::pair<const char*, const char*> cases[] = {
      {"process A\nB read 0x1000\n", ":2: unknown process 'B'"},
      {"process A\nprocess A\n", ":2: process 'A' exists already"},
      {"process A\nA frob 0x1000\n", ":2: unknown action 'frob'"},
      {"process A\nA mmap 0x1000 4KiB rwq\n", ":2: permissions are some of r, w, x, got 'rwq'"},
      {"process A\nA mmap 0x1000 3000 rw\n", ":2: bad size '3000'"},
      {"process A\nA read 0x1004\n", ":2: a read or write must be 8-byte aligned"},
      {"process A\nA read 1000\n", ":2: an address is hex (0x...) or kernel+0x..., got '1000'"},
      {"process A\nA read 0x1000 => maybe\n", ":2: unknown outcome 'maybe'"},
      {"process A\nA attach S 0x1000 rw\n", ":2: unknown segment 'S'"},
      {"process A\nA maplib L 0x1000\n", ":2: unknown library 'L'"},
      {"shm S 4KiB\nprocess A\nA detach S\n", ":3: 'S' is not attached to A"},
      {"process A\nA exit\nA read 0x1000\n", ":3: process 'A' has exited (line 2)"},
      {"process A\nA read 0x1000 => segfault\nA read 0x1000\n",
       ":3: process 'A' was killed (line 2 expects a segfault)"},
      {"process A\nA fork A\n", ":2: process 'A' exists already"},
      {"process A\nset sim.seed=2\n", ":2: `set` lines go at the top, before any action"},
      {"# nothing\n", ": the scenario has no actions"},
  };
  for (const auto& [text, error] : cases) {
    const auto path = write_temp_file("broken.txt", text);
    const Result r = run_scenario(path);
    EXPECT_EQ(r.status, 2) << text;
    EXPECT_EQ(r.err.rfind(path + error, 0), 0u) << text << "\n" << r.err;
    EXPECT_EQ(r.out, "") << text;
  }
}

TEST(Scenarios, SetLinesOverrideTheConfigAndErrorsNameTheirLine) {
  const auto path = write_temp_file("set.txt",
                                    "# a comment line\n"
                                    "set mmu.asid_bits=2\n"
                                    "set firmware.replacement=mru\n"
                                    "process A\n");
  const Result r = run_scenario(path);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(path + ":3: firmware.replacement: must be one of", 0), 0u) << r.err;
  // The command line wins over the scenario's own settings.
  const auto stats = test::temp_path("stats.json");
  const Result ok = run_scenario(MMUSIM_SOURCE_DIR "/scenarios/asid_reuse.txt",
                                 "--set mmu.asid_bits=3 --stats " + stats);
  ASSERT_EQ(ok.status, 0) << ok.err;
  const auto s = nlohmann::json::parse(test::slurp(stats));
  EXPECT_EQ(s["config"]["mmu"]["asid_bits"], 3);
  EXPECT_EQ(s["vm"]["asid_rollovers"], 0);  // 8 ASIDs: six processes never run out
}

TEST(VmLog, PrintsEveryKindOfEventAsItHappensAndAgreesWithTheStats) {
  const auto stats = test::temp_path("stats.json");
  const std::string args = "run -q --log vm --set workload.type=scenario --stats " + stats +
                           " --set workload.path=" MMUSIM_SOURCE_DIR "/scenarios/";
  const Result r = mmusim(args + "shared_memory.txt");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* what :
       {"new process", "attach segment 'scenario:S'", "minor fault: zero-filled",
        "fork: child pid 2 (copy-on-write", "evict frame", "written back: swap write",
        "major fault: swap read", "shootdown: flush this page", "detach segment 'scenario:S'",
        "killed: segmentation fault", "exit: frames, swap slots and ASID freed"}) {
    EXPECT_NE(r.out.find(what), std::string::npos) << what << "\n" << r.out;
  }
  // Every line: time in us, pid, VA or -, what.
  std::istringstream lines(r.out);
  std::uint64_t evictions = 0;
  double last = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    double us = 0;
    std::string unit, pid;
    words >> us >> unit >> pid;
    EXPECT_EQ(unit, "us") << line;
    EXPECT_EQ(pid, "pid") << line;
    EXPECT_GE(us, last) << line;
    last = us;
    evictions += line.find("evict frame") != std::string::npos;
  }
  const auto s = nlohmann::json::parse(test::slurp(stats));
  EXPECT_EQ(evictions, s["vm"]["evictions"].get<std::uint64_t>());
  // The same run logs the same lines: two runs can be diffed.
  EXPECT_EQ(mmusim(args + "shared_memory.txt").out, r.out);
  // Without --log nothing is printed.
  EXPECT_EQ(run_scenario(MMUSIM_SOURCE_DIR "/scenarios/shared_memory.txt").out, "");
}

}  // namespace
}  // namespace mmusim
