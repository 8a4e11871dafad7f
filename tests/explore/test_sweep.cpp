// `mmusim sweep`: specs refused at their line before any run, a results table, runs that
// resume, failures and time-outs recorded and never dropped, configs that replay.

#include <filesystem>
#include <map>
#include <sstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"
#include "signal_mmusim.h"

namespace mmusim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct SweepDir {
  std::string dir;
  explicit SweepDir(const std::string& name = "sweep") : dir(test::temp_path(name)) {
    fs::remove_all(dir);
  }
  ~SweepDir() { fs::remove_all(dir); }
  test::Result run(const std::string& spec_text, const std::string& options = "") const {
    return test::mmusim("sweep " + test::write_temp_file("sweep_spec.json", spec_text) +
                        " --out " + dir + " " + options);
  }
  std::vector<std::string> results() const { return lines_of(test::slurp(dir + "/results.csv")); }
};

TEST(Sweep, ABadSpecIsRefusedAtItsLineBeforeAnyRun) {
  std::string values;  // 400 of them: two such keys make more runs than a sweep takes
  for (int i = 1; i <= 400; ++i) values += (i == 1 ? "" : ", ") + std::to_string(1000 * i);
  const std::pair<std::string, std::string> cases[] = {
      {"{\n  \"grid\": {\"workload.accesses\": [" + values + "],\n    \"sim.seed\": [" + values +
           "]}\n}\n",
       ":3: the spec makes 160000 runs or more, past the 100000 one sweep takes"},
      {"{\n  \"grid\": {\n    \"mmu.tlb.l1.entries\": [16, 48]\n  }\n}\n",
       ":3: mmu.tlb.l1.entries: entries / ways must be a power of two"},
      {"{\n  \"grid\": {\"mmu.tlb.l1.entrys\": [16]}\n}\n",
       ":2: unknown config key 'mmu.tlb.l1.entrys' (did you mean 'mmu.tlb.l1.entries'?)"},
      {"{\n  \"grid\": {}\n}\n", ":2: the grid is empty"},
      {"{\n  \"grid\": {\"mmu.mode\": []}\n}\n", ":2: grid.mmu.mode must be a non-empty list"},
      {"{\"gird\": {}}", ":1: unknown sweep key 'gird' (did you mean 'grid'?)"},
  };
  for (const auto& [spec, error] : cases) {
    const SweepDir sweep;
    const test::Result r = sweep.run(spec);
    EXPECT_EQ(r.status, 2) << spec;
    EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(sweep.dir + "/runs")) << "a run started";
  }
}

const char* const kGrid = R"({
  "set": {"workload.type": "random", "workload.accesses": 3000, "workload.processes": 1,
          "workload.footprint": "1MiB"},
  "grid": {"mmu.tlb.l1.entries": [16, 64]},
  "seeds": [1, 2],
  "columns": ["tlb.l1.misses", "tlb.l1.misses/kacc"]
})";

TEST(Sweep, EveryPointIsARowAndASecondRunRunsOnlyWhatIsNew) {
  const SweepDir sweep;
  test::Result r = sweep.run(kGrid, "-j 2");
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = sweep.results();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0],
            "id,workload,seed,mmu.tlb.l1.entries,tlb.l1.misses,tlb.l1.misses/kacc,status,exit,"
            "host_seconds,error");
  EXPECT_NE(rows[1].find(",1,16,"), std::string::npos) << rows[1];
  EXPECT_NE(rows[4].find(",2,64,"), std::string::npos) << rows[4];
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_NE(rows[i].find(",ok,0,"), std::string::npos);
  // Each run's config replays it: the same stats, byte for byte but for the host's.
  const std::string id = rows[1].substr(0, 12);
  const std::string again = test::temp_path("replayed.json");
  ASSERT_EQ(test::mmusim("run -q " + sweep.dir + "/runs/" + id + ".config.json --stats " + again)
                .status,
            0);
  json first = json::parse(test::slurp(sweep.dir + "/runs/" + id + ".json"));
  json second = json::parse(test::slurp(again));
  first.erase("host");
  second.erase("host");
  EXPECT_TRUE(first == second);

  r = sweep.run(kGrid);
  EXPECT_NE(r.out.find("ran 0 of 4 runs (4 already done)"), std::string::npos) << r.out;
  std::string wider = kGrid;
  wider.replace(wider.find("[16, 64]"), 8, "[16, 64, 128]");
  r = sweep.run(wider);
  EXPECT_NE(r.out.find("ran 2 of 6 runs (4 already done)"), std::string::npos) << r.out;
  EXPECT_EQ(sweep.results().size(), 7u);
}

// A file a spec names is found beside the spec, from any directory, and the run's config
// names it so that it replays from anywhere too.
TEST(Sweep, AFileTheSpecNamesIsRelativeToTheSpec) {
  const std::string pages = test::write_temp_file("pages.txt", "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n");
  const std::string name = fs::path(pages).filename().string();
  const std::string spec = test::write_temp_file("spec_beside.json", R"({
  "set": {"workload.type": "pages", "workload.path": ")" + name + R"(", "workload.processes": 1,
          "firmware.replacement": "fifo"},
  "grid": {"firmware.user_frames": [3]},
  "columns": ["vm.page_faults"]
})");
  const SweepDir sweep;
  const std::string cmd = "cd / && " + std::string(MMUSIM_BIN) + " sweep " + spec + " --out " +
                          sweep.dir + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto rows = sweep.results();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1].find(",3,9,ok,"), std::string::npos) << rows[1];  // FIFO, 3 frames: 9 faults
  const std::string config = test::slurp(sweep.dir + "/runs/" + rows[1].substr(0, 12) + ".config.json");
  EXPECT_NE(config.find("\"" + fs::absolute(pages).lexically_normal().string() + "\""),
            std::string::npos)
      << config;
}

// The time-out leaves the short runs ample time even in the sanitizer build on a loaded
// machine (1 s did not); the long run would take minutes there.
TEST(Sweep, FailuresAndTimeoutsAreRecordedAndTheRestStillRuns) {
  const SweepDir sweep;
  const test::Result r = sweep.run(R"({
    "set": {"workload.accesses": 3000},
    "points": [{"firmware.fault_injection": "lose_dirty_pages", "firmware.user_frames": 64},
               {"workload.accesses": 2000000000},
               {"firmware.fault_injection": "none"}]
  })", "--timeout 8");
  EXPECT_EQ(r.status, 1);
  const auto rows = sweep.results();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].find(",failed,1,"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("mmusim: FAILED: data mismatch"), std::string::npos) << rows[1];
  EXPECT_NE(rows[2].find(",timeout,null,"), std::string::npos) << rows[2];
  EXPECT_NE(rows[3].find(",ok,0,"), std::string::npos) << rows[3];
}

// The GNU parallel path for real: the emitted jobs run under Debian's parallel, then merge
// joins what they wrote; merge reports what is missing and what two directories both hold.
// SIGTERM (or Ctrl-C) stops a sweep: no run starts after it, the running one ends as a
// signal ends a run (its stats written) and records nothing, so that the sweep runs it
// again next time; what finished is in the table, and no run is left running on its own.
TEST(Sweep, SigtermStopsTheRunningRunsAndRecordsOnlyWhatFinished) {
  const SweepDir sweep;
  const std::string spec = test::write_temp_file("sweep_spec.json", R"({
    "set": {"workload.accesses": 3000, "workload.processes": 1},
    "points": [{}, {"workload.accesses": 2000000000}, {"workload.type": "random"}]
  })");
  const fs::path runs = sweep.dir + "/runs";
  const auto count = [&](const std::string& ending) {
    std::size_t n = 0;
    if (!fs::exists(runs)) return n;
    for (const auto& f : fs::directory_iterator(runs)) {
      const std::string name = f.path().filename().string();
      n += name.size() > ending.size() && name.compare(name.size() - ending.size(), ending.size(), ending) == 0;
    }
    return n;
  };
  // Signalled once the first run is recorded and the second (the long one) is ready for
  // it: `mmusim run` (not the sweep's fork before it), with its handler.
  const auto long_run_going = [&](pid_t sweep_pid) {
    const auto children = test::children_of(sweep_pid);
    if (count(".status.json") != 1 || children.size() != 1) return false;
    const std::string command = test::slurp("/proc/" + std::to_string(children.front()) + "/cmdline");
    return command.find(std::string("run\0-q", 6)) != std::string::npos &&
           test::catches(children.front(), SIGTERM);
  };
  std::vector<pid_t> children;
  const test::Result r = test::run_and_signal(
      {"sweep", spec, "--out", sweep.dir, "-j", "1"}, SIGTERM, long_run_going, &children);
  EXPECT_EQ(r.status, 143) << r.err;
  EXPECT_NE(r.err.find("sweep: stopped by SIGTERM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 run(s) have no result yet"), std::string::npos) << r.err;
  EXPECT_EQ(count(".status.json"), 1u);
  EXPECT_EQ(count(".config.json"), 2u) << "a run started after the signal";
  EXPECT_EQ(sweep.results().size(), 2u);
  ASSERT_EQ(children.size(), 1u);
  EXPECT_NE(kill(children.front(), 0), 0) << "the long run outlived the sweep";
  for (const auto& f : fs::directory_iterator(runs)) {
    const std::string path = f.path().string();
    if (path.find(".config.json") == std::string::npos ||
        test::slurp(path).find("2000000000") == std::string::npos) {
      continue;
    }
    const std::string stem = path.substr(0, path.size() - std::string(".config.json").size());
    EXPECT_FALSE(fs::exists(stem + ".status.json"));
    EXPECT_EQ(json::parse(test::slurp(stem + ".json"))["sim"]["cut_short"], "interrupted");
  }
}

TEST(Sweep, EmittedJobsRunUnderGnuParallelAndMergeJoinsThem) {
  const SweepDir sweep;
  test::Result r = sweep.run(kGrid, "--emit parallel");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(test::slurp(sweep.dir + "/jobs.txt")).size(), 4u);
  r = test::mmusim("sweep merge " + sweep.dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("4 run(s) have no result yet"), std::string::npos) << r.err;
  const std::string log = test::temp_path("parallel.log");
  ASSERT_EQ(std::system(("parallel --will-cite --jobs 2 < " + sweep.dir + "/jobs.txt > " + log +
                         " 2>&1").c_str()),
            0)
      << test::slurp(log);
  r = test::mmusim("sweep merge " + sweep.dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("4 runs, 4 with results (0 failed), 0 missing"), std::string::npos) << r.out;
  EXPECT_EQ(sweep.results().size(), 5u);
  // A second directory holding one of the same runs: reported, kept once.
  const SweepDir copy("sweep_copy");
  fs::create_directories(copy.dir + "/runs");
  fs::copy_file(sweep.dir + "/sweep.json", copy.dir + "/sweep.json");
  const std::string id = sweep.results()[1].substr(0, 12);
  for (const char* ext : {".status.json", ".json"}) {
    fs::copy_file(sweep.dir + "/runs/" + id + ext, copy.dir + "/runs/" + id + ext);
  }
  const std::string joined = test::temp_path("joined.csv");
  r = test::mmusim("sweep merge " + sweep.dir + " " + copy.dir + " --out " + joined);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("run " + id + " (in " + sweep.dir + " and " + copy.dir), std::string::npos)
      << r.err;
  EXPECT_EQ(lines_of(test::slurp(joined)).size(), 5u);
}

// Slurm's sbatch needs a controller; the script is checked as sh, and for the array and
// the one job per line of ids.txt it promises.
TEST(Sweep, TheSlurmScriptIsAnArrayWithOneTaskPerRun) {
  const SweepDir sweep;
  const test::Result r = sweep.run(kGrid, "--emit slurm");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string script = test::slurp(sweep.dir + "/sweep.sbatch");
  EXPECT_NE(script.find("#SBATCH --array=0-3\n"), std::string::npos) << script;
  EXPECT_EQ(lines_of(test::slurp(sweep.dir + "/ids.txt")).size(), 4u);
  EXPECT_EQ(std::system(("sh -n " + sweep.dir + "/sweep.sbatch").c_str()), 0);
  // Task 2 by hand, as Slurm would start it.
  ASSERT_EQ(std::system(("SLURM_ARRAY_TASK_ID=2 sh " + sweep.dir + "/sweep.sbatch").c_str()), 0);
  const std::string third = lines_of(test::slurp(sweep.dir + "/ids.txt"))[2];
  EXPECT_TRUE(fs::exists(sweep.dir + "/runs/" + third + ".status.json"));
}

TEST(Plot, DrawsAColumnAgainstTheVariedKeyAsPngAndSvg) {
  const SweepDir sweep;
  ASSERT_EQ(sweep.run(kGrid).status, 0);
  test::Result r = test::mmusim("plot " + sweep.dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string png = sweep.dir + "/tlb_l1_misses_vs_mmu_tlb_l1_entries.png";
  EXPECT_NE(r.out.find(png), std::string::npos) << r.out;
  EXPECT_EQ(test::slurp(png).substr(0, 4), "\x89PNG");
  const std::string svg = test::slurp(sweep.dir + "/tlb_l1_misses_vs_mmu_tlb_l1_entries.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("mmu.tlb.l1.entries (entries)"), std::string::npos);  // the axis, with its unit
  r = test::mmusim("plot " + sweep.dir + " --y tlb.l9.misses");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no column 'tlb.l9.misses'"), std::string::npos) << r.err;
}

// The shipped example: FIFO takes more page faults with 4 frames than with 3 on Belady's
// reference string; LRU and OPT (stack algorithms) never do.
TEST(Plot, TheBeladySweepShowsTheAnomalyForFifoOnly) {
  const SweepDir sweep;
  const std::string cmd = std::string("cd ") + MMUSIM_SOURCE_DIR + " && " + MMUSIM_BIN +
                          " sweep sweeps/belady.json --out " + sweep.dir + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::map<std::string, std::map<int, int>> faults;  // policy -> frames -> faults
  const auto rows = sweep.results();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> f;
    std::istringstream in(rows[i]);
    for (std::string field; std::getline(in, field, ',');) f.push_back(field);
    faults[f[4]][std::stoi(f[3])] = std::stoi(f[5]);
  }
  EXPECT_GT(faults["fifo"][4], faults["fifo"][3]);
  for (const char* stack : {"lru", "opt"}) {
    for (int frames = 2; frames <= 6; ++frames) {
      EXPECT_LE(faults[stack][frames], faults[stack][frames - 1]) << stack << " " << frames;
    }
  }
  EXPECT_EQ(test::mmusim("plot " + sweep.dir).status, 0);
}

}  // namespace
}  // namespace mmusim
