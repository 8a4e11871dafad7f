// --timeline: a Chrome/Perfetto trace-event file whose events agree with the stats.

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>

#include "run_mmusim.h"

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
