// --timeline: a Chrome/Perfetto trace-event file whose events agree with the stats.

#include <gtest/gtest.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "run_mmusim.h"
#include "timeline.h"

namespace mmusim {
namespace {

using nlohmann::json;

struct Timed {
  json timeline;
  json stats;
};

Timed run_with_timeline(const std::string& sets) {
  const std::string timeline = test::temp_path("timeline.json");
  const std::string stats = test::temp_path("timeline_stats.json");
  const test::Result r = test::mmusim("run -q --set workload.accesses=3000 " + sets +
                                      " --timeline " + timeline + " --stats " + stats);
  EXPECT_EQ(r.status, 0) << r.err;
  return {json::parse(test::slurp(timeline)), json::parse(test::slurp(stats))};
}

TEST(Timeline, IsTraceEventJsonWithPairedSlicesInTimeOrder) {
  const Timed t = run_with_timeline("");
  const json& events = t.timeline["traceEvents"];
  ASSERT_TRUE(events.is_array());
  double last_ts = 0;
  std::map<int, int> open;  // per track: slices begun and not ended
  for (const json& e : events) {
    const std::string ph = e["ph"];
    ASSERT_TRUE(ph == "M" || ph == "B" || ph == "E" || ph == "X" || ph == "i" || ph == "C") << e;
    ASSERT_TRUE(e["pid"].is_number_integer() && e["tid"].is_number_integer()) << e;
    ASSERT_TRUE(e["name"].is_string()) << e;
    if (ph == "M") continue;
    ASSERT_TRUE(e["ts"].is_number()) << e;
    EXPECT_GE(e["ts"].get<double>(), last_ts) << e;
    last_ts = e["ts"].get<double>();
    const int track = e["pid"];
    if (ph == "B") ++open[track];
    if (ph == "E") {
      EXPECT_GE(--open[track], 0) << "an end with no begin: " << e;
    } else if (ph == "X") {
      EXPECT_TRUE(e["dur"].is_number() && e["dur"].get<double>() >= 0) << e;
    } else if (ph == "C") {
      EXPECT_TRUE(e["args"]["value"].is_number()) << e;
    }
  }
  for (const auto& [track, depth] : open) EXPECT_EQ(depth, 0) << "track " << track;
}

TEST(Timeline, ItsEventsAreTheStats) {
  const Timed t = run_with_timeline("");
  std::map<std::string, std::uint64_t> count;  // "phase name"
  for (const json& e : t.timeline["traceEvents"]) {
    ++count[e["ph"].get<std::string>() + " " + e["name"].get<std::string>()];
  }
  const json& s = t.stats;
  EXPECT_EQ(count["X walk"], s["walker"]["walks"].get<std::uint64_t>());
  EXPECT_EQ(count["i minor fault"] + count["i COW fault"] + count["i major fault"],
            s["vm"]["page_faults"].get<std::uint64_t>());
  EXPECT_EQ(count["i major fault"], s["vm"]["major_faults"].get<std::uint64_t>());
  EXPECT_EQ(count["B command"],
            s["swap"]["reads"].get<std::uint64_t>() + s["swap"]["writes"].get<std::uint64_t>());
  EXPECT_EQ(count["i fork"], s["vm"]["forks"].get<std::uint64_t>());
  EXPECT_GT(count["B running"], 0u);
  EXPECT_GT(count["C resident user frames"], 0u);
}

// Each walk says whether it started from the walk cache, in the model and in the RTL.
TEST(Timeline, ItsWalksSayWhichStartedFromTheWalkCache) {
  for (const char* impl : {"model", "rtl"}) {
    const Timed t = run_with_timeline(std::string("--set mmu.impl=") + impl);
    std::uint64_t from_cache = 0;
    for (const json& e : t.timeline["traceEvents"]) {
      if (e["name"] == "walk") from_cache += e["args"]["walk_cache_hit"].get<bool>();
    }
    EXPECT_EQ(from_cache, t.stats["walk_cache"]["hits"].get<std::uint64_t>()) << impl;
    EXPECT_GT(from_cache, 0u) << impl;
  }
}

// A long run's events go out as the simulation settles, not all at the end: while the
// run goes on the file holds what came before the settled time, and at the end every
// event in time order with each 100 us bin's fault count (an event before one already
// written is a bug, and throws).
TEST(Timeline, IsWrittenAsTheRunSettles) {
  const std::string path = test::temp_path("settled_timeline.json");
  constexpr std::uint64_t kFaults = 150000;  // more than the timeline buffers
  constexpr std::uint64_t kApartPs = 10000;  // 10 000 faults per 100 us bin
  std::uintmax_t written_before_close = 0;
  {
    Timeline timeline(path);
    for (std::uint64_t i = 0; i < kFaults; ++i) {
      // Each up to 1000 ps ahead of the global time, as a thread within its quantum.
      timeline.vm_event(kApartPs * i + (i * 7919) % 1000, 0, ~std::uint64_t{0},
                        "minor fault: zero-filled frame 1");
      if (i % 1000 == 999) timeline.settled(kApartPs * i);
    }
    written_before_close = std::filesystem::exists(path) ? std::filesystem::file_size(path) : 0;
    EXPECT_THROW(timeline.flush(0, "all"), std::logic_error);
  }
  EXPECT_GT(written_before_close, kFaults * 50) << "little was written before the end";
  const json events = json::parse(test::slurp(path))["traceEvents"];
  std::uint64_t faults = 0;
  std::vector<std::uint64_t> per_bin;
  std::vector<double> times;
  for (const json& e : events) {
    if (e["ph"] == "M") continue;
    times.push_back(e["ts"].get<double>());
    if (e["name"] == "minor fault") ++faults;
    if (e["name"] == "page faults per 100 us") per_bin.push_back(e["args"]["value"]);
  }
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(faults, kFaults);
  ASSERT_EQ(per_bin.size(), 16u);  // 15 bins, and one after the last fault
  for (std::size_t bin = 0; bin < 15; ++bin) EXPECT_EQ(per_bin[bin], 10000u) << bin;
  EXPECT_EQ(per_bin.back(), 0u);
}

TEST(Timeline, TheSameRunGivesTheSameTimelineAndTheVmLogStillPrints) {
  const std::string a = test::temp_path("timeline_a.json"), b = test::temp_path("timeline_b.json");
  const std::string args = "run -q --set workload.accesses=2000 --log vm --timeline ";
  const test::Result first = test::mmusim(args + a);
  const test::Result second = test::mmusim(args + b);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(test::slurp(a) == test::slurp(b));
  EXPECT_NE(first.out.find("minor fault"), std::string::npos);
}

}  // namespace
}  // namespace mmusim
