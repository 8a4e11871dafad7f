// The mmusim binary end to end: default scenario, stats, determinism, exit statuses and
// error reports, the golden `translate` command, and replay of a real valgrind trace.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"
#include "sanitizers.h"

namespace mmusim {
namespace {

using nlohmann::json;
using test::mmusim;
using test::Result;
using test::slurp;
using test::temp_path;
using test::write_temp_file;

json stats_of(const std::string& args) {
  const std::string path = temp_path("stats.json");
  std::remove(path.c_str());
  const Result r = mmusim("run -q --stats " + path + " " + args);
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(slurp(path));
}

TEST(Cli, NoArgumentsRunsTheDefaultScenario) {
  const Result r = mmusim("");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("accesses by 8 process(es), sv39"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tlb.l1"), std::string::npos);
  EXPECT_EQ(r.out.find("SystemC"), std::string::npos) << "banner leaked";
}

TEST(Cli, StatsHoldTheDocumentedKeysAndAddUp) {
  const json s = stats_of("--set workload.accesses=20000");
  const json& l1 = s["tlb"]["l1"];
  EXPECT_EQ(l1["hits"].get<std::uint64_t>() + l1["misses"].get<std::uint64_t>(),
            l1["lookups"].get<std::uint64_t>());
  // 4 processes x 20000, and 4 children x 5000: each forks halfway and its child runs
  // for half of what is left.
  EXPECT_EQ(s["sim"]["accesses"], 100000);
  // Every completed access and every retried one is one L1 lookup.
  EXPECT_EQ(l1["lookups"].get<std::uint64_t>(),
            s["sim"]["accesses"].get<std::uint64_t>() + s["cpu"]["traps"].get<std::uint64_t>());
  // Every mmu fault is one trap, and the kernel accounts for each.
  const json& vm = s["vm"];
  EXPECT_EQ(s["faults"]["total"], s["cpu"]["traps"]);
  EXPECT_EQ(vm["page_faults"].get<std::uint64_t>(),
            vm["minor_faults"].get<std::uint64_t>() + vm["major_faults"].get<std::uint64_t>());
  EXPECT_EQ(vm["page_faults"].get<std::uint64_t>() + vm["ad_faults"].get<std::uint64_t>() +
                vm["spurious_faults"].get<std::uint64_t>() + vm["kills"].get<std::uint64_t>(),
            s["cpu"]["traps"].get<std::uint64_t>());
  EXPECT_GT(s["walker"]["walks"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(s["walk_cache"].contains("hits"));
  EXPECT_TRUE(s["tlb"]["l2"].contains("misses"));
  EXPECT_GT(s["sim"]["time_ps"].get<std::uint64_t>(), 0u);
  EXPECT_GT(s["host"]["seconds"].get<double>(), 0);
  EXPECT_EQ(s["config"]["workload"]["accesses"], 20000);
}

TEST(Cli, SameConfigAndSeedGiveTheSameStatsByteForByte) {
  json a = stats_of("--set workload.accesses=30000 --set workload.type=random");
  json b = stats_of("--set workload.accesses=30000 --set workload.type=random");
  json c =
      stats_of("--set workload.accesses=30000 --set workload.type=random --set workload.seed=2");
  for (json* s : {&a, &b, &c}) s->erase("host");
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_NE(a["tlb"].dump(), c["tlb"].dump());
}

TEST(Cli, EveryWorkloadTypeAndModeRuns) {
  for (const std::string set :
       {"--set mmu.mode=bare --set workload.type=zipf", "--set mmu.mode=sv48",
        "--set workload.type=sequential", "--set workload.type=random", "--set workload.type=zipf",
        "--set workload.type=strided --set workload.stride=4096", "--set mmu.ad_update=fault",
        "--set mmu.tlb.l1.split=true --set workload.mix.fetch=0.2 "
        "--set workload.mix.read=0.5",
        "--set mmu.tlb.l2.entries=0 --set mmu.walk_cache.entries=0"}) {
    const json s = stats_of("--set workload.accesses=5000 " + set);
    const bool program = s["config"]["workload"]["type"] == "program";  // 4 children of 1250 more
    EXPECT_EQ(s["sim"]["accesses"], program ? 25000 : 20000) << set;
    EXPECT_EQ(s["vm"]["kills"], 0) << set;
  }
}

TEST(Cli, BareModeNeverWalksAndSvadeTakesAdFaults) {
  const json bare =
      stats_of("--set mmu.mode=bare --set workload.type=zipf --set workload.accesses=5000");
  EXPECT_EQ(bare["walker"]["walks"], 0);
  EXPECT_EQ(bare["vm"]["page_faults"], 0);
  const json svade = stats_of("--set mmu.ad_update=fault --set workload.accesses=5000");
  EXPECT_GT(svade["vm"]["ad_faults"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(svade["walker"]["pte_writes"], 0);
  const json svadu = stats_of("--set workload.accesses=5000");
  EXPECT_EQ(svadu["vm"]["ad_faults"], 0);
  EXPECT_GT(svadu["walker"]["pte_writes"].get<std::uint64_t>(), 0u);
}

TEST(Cli, PageTraceRunsOneFaultPerNewPage) {
  const auto trace = write_temp_file("pages.txt", "1\n2\n3\n1\n2\n0x10\n3\n");
  const json s =
      stats_of("--set workload.type=pages --set workload.processes=1 --set workload.path=" + trace);
  EXPECT_EQ(s["sim"]["accesses"], 7);
  EXPECT_EQ(s["vm"]["minor_faults"], 4);
}

TEST(Cli, BadInputExitsTwoWithFileAndLine) {
  const auto config =
      write_temp_file("bad.json", "{\n  \"workload\": {\n    \"typo\": 1\n  }\n}\n");
  Result r = mmusim("run " + config);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, config + ":3: unknown key 'workload.typo' (did you mean 'workload.type'?)\n");

  r = mmusim("run --set mmu.tlb.l1.replacement=mru");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("--set:1: mmu.tlb.l1.replacement: must be one of", 0), 0u) << r.err;

  const auto trace = write_temp_file("bad_trace.txt", "I  04001000,3\n L zzz,8\n");
  r = mmusim("run --set workload.type=lackey --set workload.path=" + trace);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(trace + ":2: bad hex address", 0), 0u) << r.err;

  r = mmusim("run /nonexistent/config.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "/nonexistent/config.json: cannot open config file\n");

  r = mmusim("run --stats /nonexistent/dir/stats.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "--stats: cannot write /nonexistent/dir/stats.json\n");

  r = mmusim("frobnicate");
  EXPECT_EQ(r.status, 2);
  r = mmusim("run --stats");
  EXPECT_EQ(r.status, 2);
}

TEST(Translate, ExplainShowsEachStepTheRuleAndItsSection) {
  const auto image = write_temp_file("image.txt",
                                     "0x80000000 0x20000401\n0x80001000 0x20000801\n"
                                     "0x80001008 0x240000cf\n0x80002008 0x200010d7\n");
  const auto requests = write_temp_file("req.txt", "0x1234 r u\n0x1234 x u\n0x200010 r u\n");
  const Result r = mmusim("translate --satp 8000000000080000 --explain --image " + image +
                          " --requests " + requests);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* line :
       {"{\"va\":\"0x1234\",\"pa\":\"0x80004234\",\"level\":0,\"pte\":\"0x200010d7\"}\n"
        "  L1 TLB miss, L2 TLB miss\n"
        "  level 2: PTE at 0x80000000 = 0x20000401  V - - - - - - - ppn 0x80001\n"
        "  level 1: PTE at 0x80001000 = 0x20000801  V - - - - - - - ppn 0x80002\n"
        "  level 0: PTE at 0x80002008 = 0x200010d7  V R W - U - A D ppn 0x80004\n"
        "  decided: translated (§4.3.2 step 8",
        "{\"va\":\"0x1234\",\"cause\":12}\n  L1 TLB hit\n"
        "  decided: no_execute (§4.3.2 step 5: a fetch needs X): instruction_page_fault\n",
        "  walk cache: hit, the level 2 pointer 0x20000401 gives the level 1 table\n"
        "  level 1: PTE at 0x80001008 = 0x240000cf  V R W X - - A D ppn 0x90000\n"
        "  decided: s_page_from_u (§4.3.2 step 5, §4.3.1: U-mode may only use pages with U = 1): "
        "load_page_fault\n"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n---\n" << r.out;
  }
}

TEST(Cli, ATraceAddressOutsideUserMemoryIsRefusedBeforeTheRun) {
  // Sv39 user VAs stop at 2^38: page 0x4000000 (VA 2^38) cannot be user memory. (It used
  // to kill the process with a segmentation fault and exit 0; the scenarios show kills.)
  const auto trace = write_temp_file("segv.txt", "1\n0x4000000\n2\n");
  const Result r = mmusim(
      "run -q --set workload.type=pages --set workload.processes=2 "
      "--set workload.path=" +
      trace);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, trace +
                       ":2: address 0x4000000000 cannot be user memory (user addresses are "
                       "below 0x4000000000)\n");
}

// Sv39 tables at 0x8000_0000 (root) -> 0x8000_1000 (level 1) -> 0x8000_2000 (level 0).
const char* const kImage =
    "# root: VPN[2]=0 -> level-1 table\n"
    "0x80000000 0x20000401\n"
    "0x80001000 0x20000801   # VPN[1]=0 -> level-0 table\n"
    "0x80001008 0x240000cf   # VPN[1]=1: 2 MiB S page at 0x90000000, RWX A D\n"
    "0x80002008 0x200010d7   # VA 0x1000 -> 0x80004000, U RW A D\n"
    "0x80002010 0x20001413   # VA 0x2000 -> 0x80005000, U R, A and D clear\n";
const char* const kRequests =
    "0x1234 r u\n"
    "0x1234 x u\n"
    "0x200010 r u\n"
    "0x200010 r s\n"
    "0x2000 r u\n"
    "0x2000 w u\n"
    "0x4000000000 r u\n"
    "0x3000 r u\n"
    "0x1234 r s\n"
    "0x1234 r s sum\n";

// Sv57 (§4.6): five levels, and a 256 TiB superpage at level 4 (its PPN aligned to 2^36
// pages, else it faults as any misaligned superpage).
TEST(Translate, Sv57WalksFiveLevelsAndMaps256TiBPages) {
  const auto image =
      write_temp_file("image57.txt",
                      "0x80000000 0x4000000000d7\n"    // VPN[4]=0: a 256 TiB leaf, PA 2^48
                      "0x80000008 0x20000401\n"        // VPN[4]=1 -> 0x80001000
                      "0x80001000 0x20000801\n"        // VPN[3]=0 -> 0x80002000
                      "0x80002000 0x20000c01\n"        // VPN[2]=0 -> 0x80003000
                      "0x80003000 0x20001001\n"        // VPN[1]=0 -> 0x80004000
                      "0x80004008 0x200014d7\n"        // VPN[0]=1 -> PA 0x80005000
                      "0x80000010 0x4000400000d7\n");  // VPN[4]=2: misaligned
  const auto requests =
      write_temp_file("requests57.txt",
                      "0x123456789abc r u\n0x1000000001234 w u\n0x2000000000000 r u\n"
                      "0x100000000000000 r u\n");
  const Result r =
      mmusim("translate --satp a000000000080000 --image " + image + " --requests " + requests);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"va\":\"0x123456789abc\",\"pa\":\"0x1123456789abc\",\"level\":4,"
            "\"pte\":\"0x4000000000d7\"}\n"
            "{\"va\":\"0x1000000001234\",\"pa\":\"0x80005234\",\"level\":0,"
            "\"pte\":\"0x200014d7\"}\n"
            "{\"va\":\"0x2000000000000\",\"cause\":13}\n"
            "{\"va\":\"0x100000000000000\",\"cause\":13}\n");  // bit 56 set: not canonical
}

// Svnapot (§5) and Svpbmt (§6), in the model and the RTL alike: a 64 KiB NAPOT page held
// as one TLB entry (the second request hits it although its own PTE is zero), reserved
// NAPOT encodings, N on a superpage and PBMT on a pointer fault, PBMT carried in the
// answer and PBMT = 3 faulting. With the extensions off, every one of those bits faults.
TEST(Translate, SvnapotAndSvpbmtInTheModelAndTheRtl) {
  const auto image = write_temp_file(
      "napot.txt",
      "0x80000000 0x20000401\n"            // VPN[2]=0 -> level-1 table
      "0x80000008 0x8000000020000401\n"    // VPN[2]=1: a pointer with N: reserved
      "0x80001000 0x20000801\n"            // VPN[1]=0 -> level-0 table
      "0x80001008 0x80000000240000cf\n"    // VPN[1]=1: a 2 MiB leaf with N: reserved
      "0x80002098 0x80000000200060d7\n"    // VA 0x13000: NAPOT, PPN 0x80018: 64 KiB at 0x80010000
      "0x80002100 0x80000000200050d7\n"    // VA 0x20000: N with PPN[3:0] = 0100: reserved
      "0x80002018 0x40000000200010d7\n"    // VA 0x3000: PBMT = IO
      "0x80002020 0x60000000200010d7\n");  // VA 0x4000: PBMT = 3, reserved
  const auto requests = write_temp_file(
      "napot_requests.txt",
      "0x13456 r u\n0x1f008 w u\n0x20000 r u\n0x200010 r s\n0x40000000 r u\n0x3010 r u\n"
      "0x4000 r u\n");
  for (const char* impl : {"model", "rtl"}) {
    const std::string command =
        "translate --satp 8000000000080000 --set mmu.impl=" + std::string(impl) + " --image " +
        image + " --requests " + requests;
    Result r = mmusim(command + " --set mmu.svnapot=true --set mmu.svpbmt=true");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "{\"va\":\"0x13456\",\"pa\":\"0x80013456\",\"level\":0,\"napot\":true,"
              "\"pte\":\"0x80000000200060d7\"}\n"
              "{\"va\":\"0x1f008\",\"pa\":\"0x8001f008\",\"level\":0,\"napot\":true,"
              "\"pte\":\"0x80000000200060d7\"}\n"
              "{\"va\":\"0x20000\",\"cause\":13}\n"
              "{\"va\":\"0x200010\",\"cause\":13}\n"
              "{\"va\":\"0x40000000\",\"cause\":13}\n"
              "{\"va\":\"0x3010\",\"pa\":\"0x80004010\",\"level\":0,"
              "\"pte\":\"0x40000000200010d7\",\"pbmt\":\"io\"}\n"
              "{\"va\":\"0x4000\",\"cause\":13}\n")
        << impl;
    r = mmusim(command);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "{\"va\":\"0x13456\",\"cause\":13}\n{\"va\":\"0x1f008\",\"cause\":15}\n"
              "{\"va\":\"0x20000\",\"cause\":13}\n{\"va\":\"0x200010\",\"cause\":13}\n"
              "{\"va\":\"0x40000000\",\"cause\":13}\n{\"va\":\"0x3010\",\"cause\":13}\n"
              "{\"va\":\"0x4000\",\"cause\":13}\n")
        << impl;
  }
}

TEST(Translate, ExplainNamesNapotPagesAndTheExtensionRules) {
  const auto image = write_temp_file("napot_explain.txt",
                                     "0x80000000 0x20000401\n0x80001000 0x20000801\n"
                                     "0x80002098 0x80000000200060d7\n"
                                     "0x80002100 0x80000000200050d7\n");
  const auto requests = write_temp_file("napot_explain_req.txt", "0x13456 r u\n0x20000 r u\n");
  const Result r = mmusim(
      "translate --satp 8000000000080000 --explain --set mmu.svnapot=true "
      "--image " +
      image + " --requests " + requests);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* line :
       {"  level 0: PTE at 0x80002098 = 0x80000000200060d7  V R W - U - A D ppn 0x80018 N\n",
        ": pa 0x80013456, a 64KiB NAPOT page\n",
        "  decided: napot_reserved (§4.3.2 step 3, §5 (Svnapot): N = 1 needs a level-0 leaf with "
        "PPN[3:0] = 1000 (Table 5.1)): load_page_fault\n"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n---\n" << r.out;
  }
}

TEST(Translate, GoldenAnswersWithHardwareAd) {
  const auto image = write_temp_file("image.txt", kImage);
  const auto requests = write_temp_file("requests.txt", kRequests);
  const Result r =
      mmusim("translate --satp 8000000000080000 --image " + image + " --requests " + requests);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"va\":\"0x1234\",\"pa\":\"0x80004234\",\"level\":0,\"pte\":\"0x200010d7\"}\n"
            "{\"va\":\"0x1234\",\"cause\":12}\n"
            "{\"va\":\"0x200010\",\"cause\":13}\n"
            "{\"va\":\"0x200010\",\"pa\":\"0x90000010\",\"level\":1,\"pte\":\"0x240000cf\"}\n"
            "{\"va\":\"0x2000\",\"pa\":\"0x80005000\",\"level\":0,\"pte\":\"0x20001453\"}\n"
            "{\"va\":\"0x2000\",\"cause\":15}\n"
            "{\"va\":\"0x4000000000\",\"cause\":13}\n"
            "{\"va\":\"0x3000\",\"cause\":13}\n"
            "{\"va\":\"0x1234\",\"cause\":13}\n"
            "{\"va\":\"0x1234\",\"pa\":\"0x80004234\",\"level\":0,\"pte\":\"0x200010d7\"}\n");
}

TEST(Translate, SvadeFaultsWhereHardwareWouldSetA) {
  const auto image = write_temp_file("image2.txt", kImage);
  const auto requests = write_temp_file("requests2.txt", "0x2000 r u\n0x1000 r u\n");
  const Result r = mmusim("translate --satp 0x8000000000080000 --ad fault --image " + image +
                          " --requests " + requests);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"va\":\"0x2000\",\"cause\":13}\n"
            "{\"va\":\"0x1000\",\"pa\":\"0x80004000\",\"level\":0,\"pte\":\"0x200010d7\"}\n");
}

TEST(Translate, BadInputExitsTwoWithFileAndLine) {
  const auto image = write_temp_file("bad_image.txt", "0x80000000 0x1\n0x80000004 0x2\n");
  const auto requests = write_temp_file("ok_requests.txt", "0x1000 r u\n");
  Result r =
      mmusim("translate --satp 8000000000080000 --image " + image + " --requests " + requests);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, image + ":2: physical address 0x80000004 is not 8-byte aligned\n");
  EXPECT_TRUE(r.out.empty());
  const auto twice = write_temp_file("twice_image.txt", "0x80000000 0x1\n\n0x80000000 0x2\n");
  r = mmusim("translate --satp 8000000000080000 --image " + twice + " --requests " + requests);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, twice + ":3: physical address 0x80000000 is given twice (also on line 1)\n");

  const auto good_image = write_temp_file("good_image.txt", kImage);
  const auto bad_requests = write_temp_file("bad_requests.txt", "0x1000 r u\n0x1000 q u\n");
  r = mmusim("translate --satp 8000000000080000 --image " + good_image + " --requests " +
             bad_requests);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(bad_requests + ":2: access must be r, w or x", 0), 0u) << r.err;
  EXPECT_TRUE(r.out.empty()) << "no partial output on bad input";

  r = mmusim("translate --satp 0xB000000000080000 --image " + good_image + " --requests " +
             requests);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("--satp: MODE 11 is not supported", 0), 0u) << r.err;
  r = mmusim("translate --satp xyz --image " + good_image + " --requests " + requests);
  EXPECT_EQ(r.status, 2);
}

TEST(LackeyReplay, RealValgrindTraceOfAProgramReplays) {
  const std::string trace = temp_path("lackey_true.txt");
  const std::string cmd =
      "valgrind --tool=lackey --trace-mem=yes --log-file=" + trace + " /bin/true >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "valgrind is installed by setup.sh";
  const json s = stats_of(
      "--set workload.type=lackey --set workload.processes=2 --set workload.path=" + trace);
  // Every line of the trace is at least one access; each process replays all of it.
  std::ifstream in(trace);
  std::uint64_t lines = 0;
  std::uint64_t modifies = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("==", 0) == 0) continue;
    ++lines;
    modifies += line.rfind(" M ", 0) == 0;
  }
  ASSERT_GT(lines, 10000u);
  const auto accesses = s["sim"]["accesses"].get<std::uint64_t>();
  EXPECT_GE(accesses, 2 * (lines + modifies));
  EXPECT_GT(s["cpu"]["fetches"].get<std::uint64_t>(), 0u);
  EXPECT_GT(s["vm"]["minor_faults"].get<std::uint64_t>(), 10u);
  EXPECT_EQ(s["vm"]["kills"], 0);
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

TEST(VirtualMemory, DefaultScenarioSwapsAndEveryReadChecksOut) {
  const json s = stats_of("");
  const json& vm = s["vm"];
  EXPECT_GT(vm["major_faults"].get<std::uint64_t>(), 0u);
  EXPECT_GT(s["swap"]["writes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(s["check"]["reads_verified"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(s["check"]["mismatches"], 0);
  EXPECT_EQ(vm["kills"], 0);
  EXPECT_EQ(vm["processes_created"], 8);  // 4 and a child of each
  EXPECT_EQ(vm["processes_exited"], 8);
  EXPECT_LE(vm["user_frames_peak"].get<std::uint64_t>(), 4096u);
  EXPECT_EQ(vm["evictions"].get<std::uint64_t>(), vm["dirty_writebacks"].get<std::uint64_t>() +
                                                      vm["clean_drops"].get<std::uint64_t>() +
                                                      vm["zero_drops"].get<std::uint64_t>());
  EXPECT_EQ(s["swap"]["writes"], vm["dirty_writebacks"]);
  EXPECT_EQ(s["swap"]["reads"], vm["major_faults"]);
  EXPECT_GT(vm["resident_frames"].size(), 10u);
  EXPECT_GT(s["cpu"]["syscalls"].get<std::uint64_t>(), 0u);
  // It shares: copy-on-write after fork, a library in every process, a segment in two.
  EXPECT_GT(vm["cow_faults"].get<std::uint64_t>(), 0u);
  EXPECT_GT(vm["cow_copies"].get<std::uint64_t>(), 0u);
  EXPECT_GT(vm["shared_frames"].get<std::uint64_t>(), 0u);
  EXPECT_GT(vm["library_reads"].get<std::uint64_t>(), 0u);
  EXPECT_GT(vm["swap_cache_hits"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(vm["shm_segments"], 2);
  // Everything was given back at the end.
  EXPECT_EQ(vm["user_frames_in_use"], 0);
  EXPECT_EQ(vm["swap_slots_in_use"], 0);
}

TEST(VirtualMemory, PageReferenceStringsGiveTextbookFaultCounts) {
  const auto trace =
      write_temp_file("classic.txt",
                      "# Silberschatz's reference string\n"
                      "7 \n0\n1\n2\n0\n3\n0\n4\n2\n3\n0\n3\n2\n1\n2\n0\n1\n7\n0\n1\n");
  const std::map<std::string, int> expected = {
      {"fifo", 15}, {"lru", 12}, {"opt", 9}, {"clock", 14}, {"nru", 14}};
  for (const auto& [policy, faults] : expected) {
    const json s = stats_of(
        "--set workload.type=pages --set workload.processes=1 "
        "--set firmware.user_frames=3 --set firmware.replacement=" +
        policy + " --set workload.path=" + trace);
    EXPECT_EQ(s["vm"]["page_faults"], faults) << policy;
    EXPECT_LE(s["vm"]["user_frames_peak"].get<int>(), 3) << policy;
  }
}

TEST(VirtualMemory, StressWithDramFarSmallerThanTheWorkingSetLosesNothing) {
  for (const std::string policy : {"clock", "fifo", "nru", "random", "lru"}) {
    const json s = stats_of(
        "--set dram.size=1MiB --set firmware.user_frames=0 "
        "--set workload.processes=6 --set workload.footprint=2MiB "
        "--set workload.accesses=40000 --set cpu.timeslice=20us "
        "--set firmware.replacement=" +
        policy);
    EXPECT_GT(s["vm"]["major_faults"].get<std::uint64_t>(), 1000u) << policy;
    EXPECT_GT(s["check"]["reads_verified"].get<std::uint64_t>(), 100000u) << policy;
    EXPECT_EQ(s["check"]["mismatches"], 0) << policy;
    EXPECT_EQ(s["vm"]["kills"], 0) << policy;
  }
}

TEST(VirtualMemory, SvadeAndSv48SwapWithoutLosingData) {
  for (const std::string set : {"--set mmu.ad_update=fault", "--set mmu.mode=sv48",
                                "--set mmu.tlb.l1.split=true --set swap.preset=disk"}) {
    const json s = stats_of("--set workload.accesses=60000 --set firmware.user_frames=512 " + set);
    EXPECT_GT(s["vm"]["major_faults"].get<std::uint64_t>(), 0u) << set;
    EXPECT_EQ(s["check"]["mismatches"], 0) << set;
  }
}

TEST(VirtualMemory, ProcessesStartedAfterOthersExitedGetCleanPageTables) {
  // Each process exits before the next starts, so every new root is a recycled frame:
  // unless it is zeroed, the dead process's PTEs lead the walker astray and the kernel
  // kills the newcomer ("out of memory for page tables").
  json s = stats_of(
      "--set workload.type=random --set workload.accesses=3000 "
      "--set workload.processes=3 --set cpu.spawn_interval=500us");
  EXPECT_EQ(s["vm"]["kills"], 0);
  EXPECT_EQ(s["check"]["mismatches"], 0);
  s = stats_of(
      "--set workload.type=random --set workload.accesses=100 --set workload.footprint=4KiB "
      "--set workload.processes=4096 --set cpu.spawn_interval=1us");
  EXPECT_EQ(s["vm"]["processes_created"], 4096);
  EXPECT_EQ(s["vm"]["kills"], 0);
}

TEST(VirtualMemory, AKillTheWorkloadDidNotAskForFailsTheRunAndSaysWhy) {
  std::string trace;
  for (int page = 0; page < 20; ++page) {
    std::ostringstream line;
    line << " S " << std::hex << 0x10000000 + page * 4096 << ",8\n";
    trace += line.str();
  }
  const auto path = write_temp_file("stores.trace", trace);
  const Result r = mmusim(
      "run --set workload.type=lackey --set workload.processes=1 "
      "--set firmware.user_frames=4 --set swap.size=8KiB --set workload.path=" +
      path);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.out.find("1 process(es) killed (out of memory 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("mmusim: FAILED: 1 process(es) killed by the kernel (first: pid 0, out of "
                       "memory: swap is full and no clean page can be evicted)"),
            std::string::npos)
      << r.err;
}

TEST(VirtualMemory, SharingUnderMemoryPressureLosesNothing) {
  // Each program forks three children; every process maps the library; pairs share a
  // segment; 1024 frames for user pages. Thousands of shared and copy-on-write pages
  // are evicted, library pages dropped and read again: every read still checks out.
  const std::string stress = "--set workload.forks=3 --set firmware.user_frames=1024 ";
  for (const std::string& run :
       {stress + "--set workload.accesses=100000",
        stress + "--set workload.accesses=20000 --set mmu.impl=lockstep",
        stress + "--set workload.accesses=100000 --set firmware.fork=copy"}) {
    const json s = stats_of(run);
    const json& vm = s["vm"];
    EXPECT_EQ(s["check"]["mismatches"], 0) << run;
    EXPECT_EQ(vm["kills"], 0) << run;
    EXPECT_EQ(vm["forks"], 12) << run;
    EXPECT_GT(vm["shared_evictions"].get<std::uint64_t>(), 1000u) << run;
    EXPECT_GT(vm["library_reads"].get<std::uint64_t>(), 1000u) << run;
    EXPECT_EQ(vm["user_frames_in_use"], 0) << run;
    EXPECT_EQ(vm["swap_slots_in_use"], 0) << run;
    if (run.find("copy") != std::string::npos) {
      EXPECT_EQ(vm["cow_faults"], 0) << run;
      EXPECT_GT(vm["fork_frames_copied"].get<std::uint64_t>(), 0u) << run;
    } else {
      EXPECT_GT(vm["cow_copies"].get<std::uint64_t>(), 1000u) << run;
      EXPECT_GT(vm["swap_cache_hits"].get<std::uint64_t>(), 100u) << run;
    }
  }
}

TEST(VirtualMemory, TheIntegrityCheckerCatchesFirmwareFaultsPutThereOnPurpose) {
  for (const std::string fault : {"lose_dirty_pages", "skip_flush", "cow_no_copy"}) {
    const Result r = mmusim("run -q --set firmware.fault_injection=" + fault);
    EXPECT_EQ(r.status, 1) << fault;
    EXPECT_NE(r.err.find("mmusim: FAILED: data mismatch: pid "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("expected 0x"), std::string::npos) << r.err;
  }
}

TEST(VirtualMemory, BadVirtualMemoryConfigsNameTheKey) {
  Result r = mmusim("run --set swap.size=1MiB --set firmware.user_frames=256");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("--set:1: swap.size: memory + swap too small", 0), 0u) << r.err;
  r = mmusim("run --set firmware.replacement=opt");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("firmware.replacement: opt needs the future"), std::string::npos) << r.err;
  r = mmusim("run --set firmware.replacement=mru");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("firmware.replacement: must be one of"), std::string::npos) << r.err;
  r = mmusim("run --set swap.command_time=1us");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("only used with swap.preset=custom"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

// Stats of a run, without what legitimately differs between engines.
json functional_stats(const std::string& args) {
  json s = stats_of(args);
  s.erase("host");
  s["config"]["mmu"].erase("impl");
  return s;
}

TEST(RtlCosim, RtlAndModelGiveIdenticalStatsAcrossConfigurations) {
  for (const std::string set :
       {"--set workload.accesses=20000",
        "--set workload.type=random --set workload.accesses=20000 --set "
        "mmu.tlb.l1.replacement=plru "
        "--set mmu.tlb.l2.replacement=fifo",
        "--set workload.type=zipf --set workload.accesses=20000 --set mmu.tlb.l1.split=true "
        "--set mmu.tlb.l2.entries=0 --set mmu.walk_cache.entries=0",
        "--set workload.accesses=10000 --set mmu.mode=sv48 --set mmu.ad_update=fault "
        "--set mmu.tlb.l1.entries=16 --set mmu.tlb.l1.ways=16 --set mmu.tlb.l1.replacement=fifo",
        "--set workload.accesses=10000 --set mmu.tlb.l1.entries=48 --set mmu.tlb.l1.ways=3"}) {
    const json model = functional_stats("--set mmu.impl=model " + set);
    const json rtl = functional_stats("--set mmu.impl=rtl " + set);
    EXPECT_EQ(model.dump(), rtl.dump()) << set;
    EXPECT_GT(rtl["walker"]["walks"].get<std::uint64_t>(), 100u) << set;
  }
}

TEST(RtlCosim, LockstepRunsTheDefaultScenarioWithoutAMismatch) {
  const Result r = mmusim("run -q --set mmu.impl=lockstep --set workload.accesses=100000");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

// Sv57 in the RTL as in the model: five-level walks, the kernel's tables and huge pages.
TEST(RtlCosim, LockstepRunsSv57WithoutAMismatch) {
  for (const char* huge : {"never", "always"}) {
    const Result r = mmusim(
        "run -q --set mmu.impl=lockstep --set mmu.mode=sv57 "
        "--set workload.accesses=20000 --set firmware.huge_pages=" +
        std::string(huge));
    EXPECT_EQ(r.status, 0) << huge << "\n" << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
  }
}

TEST(RtlCosim, LockstepRunsRandomWorkloadsWithoutAMismatch) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Result r = mmusim(
        "run -q --set mmu.impl=lockstep --set workload.type=random "
        "--set workload.accesses=20000 --set workload.mix.fetch=0.2 "
        "--set workload.mix.read=0.5 --set firmware.user_frames=1024 "
        "--set workload.seed=" +
        std::to_string(seed));
    EXPECT_EQ(r.status, 0) << r.err;
  }
}

TEST(RtlCosim, LockstepCatchesADivergencePutThereOnPurpose) {
  const Result r = mmusim(
      "run -q --set mmu.impl=lockstep --set mmu.lockstep_injection=ad_policy "
      "--set workload.accesses=20000");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("mmusim: FAILED: lockstep mismatch at simulated time"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("\n  rtl:   "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n  model: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("to reproduce"), std::string::npos) << r.err;
}

TEST(RtlCosim, TranslateWithTheRtlGivesTheGoldenAnswers) {
  const auto image = write_temp_file("image.txt", kImage);
  const auto requests = write_temp_file("requests.txt", kRequests);
  const std::string args =
      "translate --satp 8000000000080000 --image " + image + " --requests " + requests;
  const Result model = mmusim(args);
  const Result rtl = mmusim(args + " --set mmu.impl=rtl");
  EXPECT_EQ(rtl.status, 0) << rtl.err;
  EXPECT_EQ(rtl.out, model.out);
  EXPECT_NE(rtl.out.find("\"pa\":\"0x80004234\""), std::string::npos);
}

TEST(RtlCosim, WhatTheRtlCannotDoIsABadConfig) {
  Result r = mmusim("run --set mmu.impl=rtl --set mmu.tlb.l1.replacement=random");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mmu.tlb.l1.replacement: the RTL TLB has lru, plru and fifo"),
            std::string::npos)
      << r.err;
  r = mmusim("run --set mmu.impl=rtl --set mmu.tlb.l2.entries=2048");
  EXPECT_EQ(r.status, 2);
  r = mmusim("run --set mmu.lockstep_injection=ad_policy");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("only applies to mmu.impl=lockstep"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

// A --stats file's `config` object, run again, gives the same stats byte for byte (all
// but the host's timings): what the lockstep failure report tells users to do.
std::string replayed_stats_differ(const std::string& args) {
  const std::string first = test::temp_path("replay_first.json");
  const std::string again = test::temp_path("replay_again.json");
  const std::string config = test::temp_path("replay_config.json");
  const test::Result r1 = test::mmusim("run -q --stats " + first + " " + args);
  if (r1.status != 0) return "first run: " + r1.err;
  json a = json::parse(test::slurp(first));
  std::ofstream(config) << a["config"].dump(2);
  const test::Result r2 = test::mmusim("run -q " + config + " --stats " + again);
  if (r2.status != 0) return "replay: " + r2.err;
  json b = json::parse(test::slurp(again));
  a.erase("host");
  b.erase("host");
  return a.dump() == b.dump() ? "" : "the stats differ";
}

TEST(Replay, AStatsFilesConfigRunsAgainToTheSameStats) {
  EXPECT_EQ(replayed_stats_differ("--set workload.accesses=20000"), "");
  EXPECT_EQ(replayed_stats_differ("--set swap.preset=disk --set workload.type=random "
                                  "--set workload.accesses=3000"),
            "");
  EXPECT_EQ(replayed_stats_differ("--set mmu.impl=lockstep --set workload.type=random "
                                  "--set workload.accesses=3000"),
            "");
}

TEST(Replay, ARunCutShortIsMarkedAndReplaysCutShort) {
  const std::string path = test::temp_path("cut.json");
  ASSERT_EQ(test::mmusim("run -q --max-accesses 5000 --stats " + path).status, 0);
  const json s = json::parse(test::slurp(path));
  EXPECT_EQ(s["sim"]["accesses"], 5000);
  EXPECT_EQ(s["sim"]["cut_short"], "max_accesses");
  EXPECT_EQ(replayed_stats_differ("--max-accesses 5000"), "");
  EXPECT_EQ(replayed_stats_differ("--max-sim-time 1ms"), "");
  const test::Result time = test::mmusim("run -q --max-sim-time 1ms --stats " + path);
  ASSERT_EQ(time.status, 0) << time.err;
  EXPECT_EQ(json::parse(test::slurp(path))["sim"]["cut_short"], "max_sim_time");
}

TEST(Replay, TheDefaultsAsAConfigFileLoadBack) {
  const test::Result config = test::mmusim("config --json");
  ASSERT_EQ(config.status, 0) << config.err;
  const std::string path = test::write_temp_file("defaults.json", config.out);
  const test::Result r = test::mmusim("run -q " + path + " --set workload.accesses=2000");
  EXPECT_EQ(r.status, 0) << r.err;
  // ... and still refuses a swap time the preset would ignore.
  const test::Result bad = test::mmusim("run -q --set swap.command_time=5us");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--set:1: swap.command_time: is only used with swap.preset=custom"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

TEST(Cli, OutputPathsAreCheckedBeforeTheRun) {
  const std::string out_dir = test::temp_path("out_dir");
  std::filesystem::create_directories(out_dir);
  const test::Result dir = test::mmusim("run -q --stats " + out_dir + "/");
  EXPECT_EQ(dir.status, 2);
  EXPECT_NE(dir.err.find("--stats: "), std::string::npos) << dir.err;
  EXPECT_NE(dir.err.find("is a directory"), std::string::npos) << dir.err;
  const test::Result waves = test::mmusim("run -q --set mmu.impl=rtl --waves /nonexistent/w.fst");
  EXPECT_EQ(waves.status, 2);
  EXPECT_EQ(waves.err, "--waves: cannot write /nonexistent/w.fst\n");
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

TEST(Cli, AMisspeltKeyOptionOrSubcommandGetsAHint) {
  test::Result r = test::mmusim("run --set mmu.tlb.l1.entrys=32");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "--set:1: unknown key 'mmu.tlb.l1.entrys' (did you mean 'mmu.tlb.l1.entries'?)\n");
  r = test::mmusim("verfy");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mmusim: did you mean 'verify'?"), std::string::npos) << r.err;
  r = test::mmusim("run --wavs x.fst");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("mmusim: did you mean '--waves'?"), std::string::npos) << r.err;
}

TEST(Cli, ConfigListsEveryKeyAndWritesConfigsThatRun) {
  test::Result r = test::mmusim("config");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("mmu.tlb.l1.entries"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[lru | plru | fifo | random]"), std::string::npos) << r.out;
  r = test::mmusim("config mmu.walk_cache");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << r.out;
  r = test::mmusim("config mmu.tlb.l1.entrys");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown key 'mmu.tlb.l1.entrys' (did you mean 'mmu.tlb.l1.entries'?)"),
            std::string::npos)
      << r.err;
  r = test::mmusim("config --set mmu.impl=rtl");
  EXPECT_EQ(r.status, 2);
  // --json with a file and --set: what that run would use, as a file that runs as it is.
  const std::string base = write_temp_file("base.json", R"({"mmu": {"mode": "sv48"}})");
  r = test::mmusim("config --json --from " + base + " --set workload.accesses=1500");
  ASSERT_EQ(r.status, 0) << r.err;
  const json merged = json::parse(r.out);
  EXPECT_EQ(merged["mmu"]["mode"], "sv48");
  EXPECT_EQ(merged["workload"]["accesses"], 1500);
  const std::string path = test::temp_path("merged_stats.json");
  r = test::mmusim("run -q " + write_temp_file("merged.json", r.out) + " --stats " + path);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(test::slurp(path))["config"]["mmu"]["mode"], "sv48");
}

// A trace streams: ten times the lines, the same host memory.
TEST(Cli, ATraceTenTimesLongerReplaysInTheSameMemory) {
  if (test::kAddressSanitizer) GTEST_SKIP() << "ASan's quarantine keeps freed memory resident";
  const auto peak_kib = [](std::size_t lines) {
    std::string text;
    for (std::size_t i = 0; i < lines; ++i) text += std::to_string((i * 7919) % 5000) + "\n";
    const std::string trace = write_temp_file("long_" + std::to_string(lines) + ".txt", text);
    const std::string stats = test::temp_path("long_stats.json");
    const test::Result r =
        test::mmusim("run -q --set workload.type=pages --set workload.path=" + trace +
                     " --set workload.processes=1 --stats " + stats);
    EXPECT_EQ(r.status, 0) << r.err;
    const json s = json::parse(test::slurp(stats));
    EXPECT_EQ(s["sim"]["accesses"].get<std::size_t>(), lines);
    return s["host"]["max_rss_kib"].get<std::int64_t>();
  };
  const std::int64_t short_run = peak_kib(50000);
  const std::int64_t long_run = peak_kib(500000);
  // Held in memory (as the opt oracle does), the 450 000 more accesses take 10 MB more.
  EXPECT_LT(long_run - short_run, 4096) << short_run << " KiB against " << long_run << " KiB";
}

// Each command exits 2, its stderr starting with the error given beside it.
void expect_refused(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [args, error] : cases) {
    const test::Result r = test::mmusim(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.err.rfind(error, 0), 0u) << args << ": " << r.err;
  }
}

// A directory read as empty (a trace of nothing, exit 0) and /dev/zero never ended.
TEST(Cli, AnInputThatIsNotARegularFileIsRefusedAtOnce) {
  expect_refused({
      {"run -q --set workload.type=pages --set workload.path=/dev/zero",
       "/dev/zero: cannot read trace file: not a regular file (a device or a pipe)"},
      {"run -q --set workload.type=lackey --set workload.path=/tmp",
       "/tmp: cannot read trace file: not a regular file (a directory)"},
      {"run -q /dev/zero", "/dev/zero: cannot read config file: not a regular file"},
      {"run -q --set workload.type=scenario --set workload.path=/dev/zero",
       "/dev/zero: cannot read scenario file: not a regular file"},
      {"translate --satp 0 --image /dev/zero --requests /dev/zero",
       "/dev/zero: cannot read image file: not a regular file"},
  });
}

// CLI11 reads "-5" into an unsigned option as 2^64 - 5: a typo used to start a campaign of
// 2^64 seeds, or to fail (exit 1) allocating a case of 2^64 operations.
TEST(Cli, CountsSeedsAndTimeoutsAreCheckedBeforeAnythingRuns) {
  expect_refused({
      {"verify --seeds -5", "--seeds: must be a whole number, got -5"},
      {"verify --seed 1x", "--seed: must be a whole number, got 1x"},
      {"verify --requests -5", "--requests: must be a whole number in 1..1000000, got -5"},
      {"verify --requests 2000000", "--requests: must be a whole number in 1..1000000, got 2000000"},
      {"verify --around 0", "--around: must be a whole number in 1..1000000, got 0"},
      {"qemu-check --seeds -1", "--seeds: must be a whole number, got -1"},
      {"sweep spec.json -j 100000", "--jobs: must be a whole number in 1..1024, got 100000"},
      {"sweep spec.json --timeout -5", "--timeout: must be a number of seconds above 0, got -5"},
  });
}

// A program, file or directory an option names is checked before anything runs: a missing
// QEMU had failed as a run (exit 1, "exited with status 127"), a harness that is no ELF
// had kept QEMU busy until its ten-minute time-out, an unwritable --keep or --cache had
// failed with a filesystem error (exit 1), a campaign's coverage file that could not be
// written was found out at the campaign's end.
TEST(Cli, WhatTheOptionsNameIsCheckedBeforeAnythingRuns) {
  expect_refused({
      {"qemu-check --qemu /nonexistent/qemu", "--qemu: /nonexistent/qemu: no such program"},
      {"qemu-check --qemu no-such-qemu-anywhere", "--qemu: no-such-qemu-anywhere: no such program"},
      {"qemu-check --qemu /bin/true --harness /etc/passwd",
       "--harness: /etc/passwd: not a 64-bit RISC-V ELF file"},
      {"qemu-check --qemu /bin/true --harness /bin/true",
       "--harness: /bin/true: not a 64-bit RISC-V ELF file"},
      {"synth --cache /proc/mmusim_cache", "--cache: cannot create /proc/mmusim_cache"},
      // A campaign had run to its end and then failed to write its coverage (exit 1).
      {"verify --seeds 1 --coverage /proc/mmusim/coverage.json",
       "--coverage: cannot write /proc/mmusim/coverage.json"},
      {"verify --seeds 1 --waves /proc/mmusim/w.fst", "--waves: cannot write /proc/mmusim/w.fst"},
      {"sweep " MMUSIM_SOURCE_DIR "/sweeps/tlb_reach.json --out /proc/mmusim_sweep",
       "--out: cannot write into /proc/mmusim_sweep: No such file or directory"},
  });
}

// verify took any --set and ignored what it does not use: keys outside the MMU, and the
// mode, A/D policy and extensions, which each seed chooses; and what the RTL cannot build
// is refused as `run` refuses it. qemu-check likewise for keys outside the MMU and the mode.
TEST(Cli, VerifyRefusesTheKeysItWouldIgnore) {
  expect_refused({
      {"verify --seeds 1 --set workload.processes=4",
       "--set:1: workload.processes: verify runs the MMU alone: only mmu.* keys apply"},
      {"verify --seeds 1 --set mmu.asid_bits=4 --set mmu.mode=sv48",
       "--set:2: mmu.mode: each seed chooses it (Sv39, Sv48 and Sv57;"},
      {"verify --seeds 1 --set mmu.ad_update=hw", "--set:1: mmu.ad_update: each seed chooses it"},
      {"verify --seeds 1 --set mmu.svnapot=true", "--set:1: mmu.svnapot: each seed chooses it"},
      {"verify --seeds 1 --set mmu.impl=rtl", "--set:1: mmu.impl: verify checks what --impl names"},
      // What the RTL cannot build had failed the campaign (exit 1).
      {"verify --seeds 1 --set mmu.tlb.l1.replacement=random",
       "--set:1: mmu.tlb.l1.replacement: the RTL TLB has lru, plru and fifo, not random"},
      {"verify --seeds 1 --set mmu.walk_cache.entries=128",
       "--set:1: mmu.walk_cache.entries: the RTL walk cache holds at most 64"},
      {"qemu-check --set workload.processes=4",
       "--set:1: workload.processes: qemu-check runs the MMU alone: only mmu.* keys apply"},
      {"qemu-check --set mmu.mode=sv48",
       "--set:1: mmu.mode: each case chooses it (Sv39, Sv48 and Sv57)"},
  });
  EXPECT_EQ(test::mmusim("verify --seeds 1 --coverage \"\" --impl model "
                         "--set mmu.tlb.l1.replacement=random").status,
            0);
}

TEST(Cli, VersionAndTheExitStatusesInHelp) {
  test::Result r = test::mmusim("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("mmusim ", 0), 0u) << r.out;
  for (const char* command : {"run", "verify", "sweep"}) {
    r = test::mmusim(std::string(command) + " --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("Exit status: 0"), std::string::npos) << command << ": " << r.out;
    EXPECT_NE(r.out.find("143 (SIGTERM)"), std::string::npos) << command << ": " << r.out;
  }
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

// Times in the stats are integers (ps, or ns for the histogram's power-of-two edges);
// only rates, ratios per 1000 accesses and means are fractions, rounded where they are
// printed.
void expect_integer_times(const json& j, const std::string& path) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) expect_integer_times(v, path + "." + k);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) expect_integer_times(j[i], path);
  } else if (j.is_number_float()) {
    const bool fraction = path.find("rate") != std::string::npos ||
                          path.find("mean") != std::string::npos ||
                          path.find("per_1000") != std::string::npos;
    EXPECT_TRUE(fraction) << path << " = " << j.dump();
  }
}

TEST(Stats, TimesAreIntegersWithoutFloatNoise) {
  const std::string path = test::temp_path("stats.json");
  ASSERT_EQ(test::mmusim("run -q --set workload.accesses=20000 --stats " + path).status, 0);
  json s = json::parse(test::slurp(path));
  s.erase("host");
  s.erase("config");
  expect_integer_times(s, "");
}

}  // namespace
}  // namespace mmusim
