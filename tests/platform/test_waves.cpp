// Waveforms: the RTL's FST and the platform's VCD hold every signal the GTKWave save
// files in waves/ name; windows and triggers limit what is recorded.

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

#include "activity_trace.h"
#include "run_mmusim.h"

namespace mmusim {
namespace {

using test::temp_path;

int run(const std::string& args, std::string* err = nullptr) {
  const test::Result r = test::mmusim(args);
  if (err != nullptr) *err = r.err;
  return r.status;
}

struct Vcd {
  std::set<std::string> signals;  // scope.path.name[msb:lsb]
  std::vector<std::uint64_t> times;
  std::size_t initial_values = 0;        // in $dumpvars
  std::vector<std::string> last_values;  // at the last instant
};

Vcd read_vcd(const std::string& path) {
  Vcd vcd;
  std::ifstream in(path);
  std::vector<std::string> scopes;
  bool in_dumpvars = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "$scope") {
      std::string kind, name;
      words >> kind >> name;
      scopes.push_back(name);
    } else if (first == "$upscope") {
      scopes.pop_back();
    } else if (first == "$var") {
      std::string type, width, code, name, range;
      words >> type >> width >> code >> name >> range;
      std::string full;
      for (const auto& s : scopes) full += s + ".";
      vcd.signals.insert(full + name + (range != "$end" ? range : ""));
    } else if (!first.empty() && first[0] == '#') {
      vcd.times.push_back(std::stoull(first.substr(1)));
      vcd.last_values.clear();
    } else if (first == "$dumpvars") {
      in_dumpvars = true;
    } else if (first == "$end" && in_dumpvars) {
      in_dumpvars = false;
    } else if (!first.empty() && vcd.times.size() > 0) {
      if (in_dumpvars) ++vcd.initial_values;
      vcd.last_values.push_back(line);
    }
  }
  return vcd;
}

std::vector<std::string> gtkw_signals(const std::string& name) {
  std::ifstream in(std::string(MMUSIM_SOURCE_DIR) + "/waves/" + name);
  std::vector<std::string> signals;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '@' || line[0] == '-' || line[0] == '[') continue;
    if (line[0] == '+') line = line.substr(line.find("} ") + 2);  // +{alias} signal
    signals.push_back(line);
  }
  return signals;
}

Vcd rtl_vcd(const std::string& fst) {
  const std::string vcd = fst + ".vcd";
  EXPECT_EQ(std::system(("fst2vcd -f " + fst + " -o " + vcd + " >/dev/null 2>&1").c_str()), 0);
  return read_vcd(vcd);
}

TEST(Waves, DumpsHoldEverySignalTheSaveFilesGroup) {
  const std::string fst = temp_path("run.fst");
  ASSERT_EQ(run("run -q --set mmu.impl=rtl --set workload.accesses=3000 --waves " + fst), 0);
  const Vcd rtl = rtl_vcd(fst);
  const auto rtl_names = gtkw_signals("mmu_rtl.gtkw");
  ASSERT_GT(rtl_names.size(), 20u);
  for (const auto& s : rtl_names) EXPECT_EQ(rtl.signals.count(s), 1u) << s;
  EXPECT_GT(rtl.times.size(), 1000u);
  const Vcd platform = read_vcd(temp_path("run_platform.vcd"));
  for (const auto& s : gtkw_signals("platform.gtkw")) EXPECT_EQ(platform.signals.count(s), 1u) << s;
  EXPECT_GT(platform.times.size(), 1000u);
}

TEST(Waves, AWindowLimitsWhatIsRecorded) {
  const std::string fst = temp_path("window.fst");
  ASSERT_EQ(run("run -q --set mmu.impl=rtl --set workload.accesses=5000 --waves " + fst +
                " --waves-from 100us --waves-to 120us"),
            0);
  const Vcd platform = read_vcd(temp_path("window_platform.vcd"));
  ASSERT_FALSE(platform.times.empty());
  for (auto t : platform.times) {
    EXPECT_GE(t, 100'000'000u);
    EXPECT_LE(t, 120'000'000u);
  }
  const Vcd rtl = rtl_vcd(fst);
  ASSERT_GT(rtl.times.size(), 10u);
  for (std::size_t i = 1; i < rtl.times.size(); ++i) {  // the first is the header's #0
    EXPECT_GE(rtl.times[i], 100'000'000u);
    EXPECT_LE(rtl.times[i], 120'000'000u);
  }
}

TEST(Waves, AFaultTriggerStartsAtTheFirstFault) {
  ASSERT_EQ(run("run -q --set workload.accesses=5000 --waves " + temp_path("trig.vcd") +
                " --waves-trigger fault --waves-span 5us"),
            0);
  const Vcd platform = read_vcd(temp_path("trig_platform.vcd"));
  ASSERT_FALSE(platform.times.empty());
  EXPECT_LE(platform.times.back() - platform.times.front(), 5'000'000u);
}

TEST(Waves, VcdOutputForTheRtlToo) {
  const std::string vcd = temp_path("rtl.vcd");
  ASSERT_EQ(run("run -q --set mmu.impl=rtl --set workload.accesses=1000 --waves " + vcd), 0);
  const Vcd rtl = read_vcd(vcd);
  EXPECT_EQ(rtl.signals.count("TOP.mmu_top.mem_req_o"), 1u);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Waves, AMismatchTriggerRecordsUpToTheFailingTranslationAndMarksIt) {
  std::string err;
  const std::string fst = temp_path("mismatch.fst");
  EXPECT_EQ(run("run -q --set mmu.impl=lockstep --set mmu.lockstep_injection=ad_policy "
                "--set workload.accesses=20000 --waves " +
                    fst + " --waves-trigger mismatch",
                &err),
            1);
  const std::string again = "up to the mismatch at ";
  const std::size_t at = err.find(again);
  ASSERT_NE(at, std::string::npos) << err;
  const std::uint64_t marker = std::stoull(err.substr(at + again.size()));
  // The failing translation is in both dumps: the platform's last instant is its request
  // (the VA the report names), the RTL evaluates it from there on.
  const std::string va = err.substr(err.find("of VA ") + 6,
                                    err.find(" (", err.find("of VA ")) - err.find("of VA ") - 6);
  const Vcd platform = read_vcd(temp_path("mismatch_platform.vcd"));
  ASSERT_FALSE(platform.times.empty());
  EXPECT_EQ(platform.times.back(), marker);
  std::string va_bits;
  for (std::uint64_t v = std::stoull(va, nullptr, 16); v != 0; v >>= 1)
    va_bits.insert(0, 1, char('0' + (v & 1)));
  bool va_seen = false;
  for (const auto& line : platform.last_values) va_seen |= line == "b" + va_bits + " !";
  EXPECT_TRUE(va_seen) << va;
  const Vcd rtl = rtl_vcd(fst);
  EXPECT_GE(rtl.times.back(), marker);
  // Each dump has its own save file, opening its dump with the marker at the mismatch.
  for (const auto& [save, dump] : {std::pair{"mismatch.gtkw", "mismatch.fst"},
                                   std::pair{"mismatch_platform.gtkw", "mismatch_platform.vcd"}}) {
    const std::string text = read_file(temp_path(save));
    EXPECT_NE(text.find(std::string(dump) + "\"\n"), std::string::npos) << save;
    EXPECT_NE(text.find(" " + std::to_string(marker) + " -1 -1"), std::string::npos) << save;
  }
}

TEST(Waves, EveryPlatformSignalHasAValueFromTheFirstInstant) {
  ASSERT_EQ(run("run -q --set workload.accesses=5000 --waves " + temp_path("first.vcd") +
                " --waves-from 55us --waves-to 65us"),
            0);
  const Vcd platform = read_vcd(temp_path("first_platform.vcd"));
  ASSERT_FALSE(platform.times.empty());
  EXPECT_EQ(platform.times.front(), 55'000'000u);
  EXPECT_EQ(platform.initial_values, platform.signals.size());
}

// A window in which nothing changes (the cpu waits on a swap I/O throughout) still
// starts at its first instant, with the values that hold then.
TEST(Waves, AWindowWithoutChangesHoldsTheValuesOfItsStart) {
  const std::string path = temp_path("quiet.vcd");
  {
    WaveWindow window;
    window.from_ps = 100;
    window.to_ps = 200;
    ActivityTrace trace(path, window);
    trace.change(50, ActivityTrace::Signal::SwapBusy, 1);
    trace.change(300, ActivityTrace::Signal::SwapBusy, 0);
  }
  const Vcd vcd = read_vcd(path);
  EXPECT_EQ(vcd.times, std::vector<std::uint64_t>{100});
  EXPECT_EQ(vcd.initial_values, ActivityTrace::kSignalCount);
  EXPECT_NE(std::find(vcd.last_values.begin(), vcd.last_values.end(), "1)"),
            vcd.last_values.end());  // swap.busy, code ')'
}

// A long run's changes go out as the simulation settles, not all at the end: the file
// holds what came before the settled time while the run goes on, and ends the same as if
// every change had been sorted at close (a change before a settled time is a bug).
TEST(Waves, ThePlatformTraceIsWrittenAsTheRunSettles) {
  const std::string path = temp_path("settled.vcd");
  constexpr std::uint64_t kChanges = 600000;  // more than the trace buffers
  std::vector<std::uint64_t> written_times;
  {
    ActivityTrace trace(path, WaveWindow{});
    // Two threads' worth: each change's time runs up to 1000 ps ahead of the global time.
    for (std::uint64_t i = 0; i < kChanges; ++i) {
      trace.change(10 * i + (i * 7919) % 1000, ActivityTrace::Signal::TranslationVa, i);
      if (i % 1000 == 999) trace.settled(10 * i);
    }
    written_times = read_vcd(path).times;  // before close
    EXPECT_THROW(trace.change(0, ActivityTrace::Signal::TlbHit, 1), std::logic_error);
  }
  EXPECT_GT(written_times.size(), kChanges / 4) << "nothing was written before the end";
  const Vcd vcd = read_vcd(path);
  EXPECT_TRUE(std::is_sorted(vcd.times.begin(), vcd.times.end()));
  EXPECT_EQ(vcd.times.size(), std::set<std::uint64_t>(vcd.times.begin(), vcd.times.end()).size());
  EXPECT_GE(vcd.times.size(), written_times.size());
}

TEST(Waves, BadWaveOptionsAreBadInput) {
  std::string err;
  EXPECT_EQ(run("run --waves out.txt", &err), 2);
  EXPECT_EQ(err, "--waves: the file must end in .fst or .vcd, got 'out.txt'\n");
  EXPECT_EQ(run("run --waves x.fst --waves-from soon", &err), 2);
  EXPECT_EQ(run("run --waves-from 1us", &err), 2);
}

}  // namespace
}  // namespace mmusim
