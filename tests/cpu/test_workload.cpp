// Synthetic access streams: address ranges, patterns, mix and reproducibility.

#include <gtest/gtest.h>
#include <map>

#include "uniform.h"
#include "xoshiro.h"
#include "workload.h"

namespace mmusim {
namespace {

std::vector<Access> drain(AccessStream& s) {
  std::vector<Access> out;
  for (Access a; s.next(a);) out.push_back(a);
  return out;
}

WorkloadConfig synthetic(WorkloadType type) {
  WorkloadConfig c;
  c.type = type;
  c.accesses = 20000;
  c.footprint = 64 << 10;
  return c;
}

TEST(Workload, SequentialWalksTheFootprintAndWraps) {
  auto c = synthetic(WorkloadType::Sequential);
  c.footprint = 64;
  c.accesses = 10;
  SyntheticStream s(c, 0x1000, 1);
  const auto a = drain(s);
  ASSERT_EQ(a.size(), 10u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].va, 0x1000 + (i % 8) * 8);
}

TEST(Workload, StridedUsesTheStride) {
  auto c = synthetic(WorkloadType::Strided);
  c.stride = 4096;
  c.footprint = 4 * 4096;
  c.accesses = 6;
  SyntheticStream s(c, 0, 1);
  const auto a = drain(s);
  EXPECT_EQ(a[1].va, 4096u);
  EXPECT_EQ(a[4].va, 0u);
  EXPECT_EQ(a[5].va, 4096u);
}

TEST(Workload, EveryTypeStaysInsideItsFootprintAligned) {
  for (auto type : {WorkloadType::Sequential, WorkloadType::Strided, WorkloadType::Random,
                    WorkloadType::Zipf}) {
    const auto c = synthetic(type);
    SyntheticStream s(c, 0x8000'0000, 3);
    for (const Access& a : drain(s)) {
      ASSERT_GE(a.va, 0x8000'0000u);
      ASSERT_LT(a.va, 0x8000'0000u + c.footprint);
      ASSERT_EQ(a.va % 8, 0u);
      ASSERT_EQ(a.size, 8u);
    }
  }
}

// The mix compares integers against unit_threshold(p) instead of converting each draw to
// a double: the same decision for every draw, so the streams did not change.
TEST(Uniform, ThresholdDecidesAsTheUnitIntervalDoes) {
  Xoshiro256 rng(3);
  for (const double p : {0.0, 0.1, 0.3, 0.1 + 0.3, 1.0 / 3, 0.5, 0.999999, 1.0}) {
    const std::uint64_t threshold = unit_threshold(p);
    // Draws on both sides of the boundary, and random ones.
    for (std::uint64_t k : {threshold - 1, threshold, threshold + 1}) {
      const std::uint64_t draw = k << 11;
      if ((draw >> 11) != k) continue;  // beyond 53 bits
      EXPECT_EQ(to_unit_interval(draw) < p, k < threshold) << p << " " << k;
    }
    for (int i = 0; i < 10000; ++i) {
      const std::uint64_t draw = rng();
      ASSERT_EQ(to_unit_interval(draw) < p, (draw >> 11) < threshold) << p;
    }
  }
}

TEST(Workload, MixFollowsTheFractions) {
  auto c = synthetic(WorkloadType::Random);
  c.read_fraction = 0.5;
  c.write_fraction = 0.3;
  c.fetch_fraction = 0.2;
  SyntheticStream s(c, 0, 9);
  std::map<AccessKind, double> n;
  for (const Access& a : drain(s)) n[a.kind] += 1.0 / c.accesses;
  EXPECT_NEAR(n[AccessKind::Read], 0.5, 0.02);
  EXPECT_NEAR(n[AccessKind::Write], 0.3, 0.02);
  EXPECT_NEAR(n[AccessKind::Fetch], 0.2, 0.02);
}

TEST(Workload, ZipfConcentratesOnAHotSet) {
  auto c = synthetic(WorkloadType::Zipf);
  c.footprint = 16 << 20;  // 4096 pages
  SyntheticStream s(c, 0, 5);
  std::map<std::uint64_t, unsigned> per_page;
  for (const Access& a : drain(s)) ++per_page[a.va >> 12];
  // Rank 1 is the most popular page; the 64 hottest of 4096 pages get about half.
  unsigned top64 = 0;
  for (std::uint64_t p = 0; p < 64; ++p) top64 += per_page[p];
  EXPECT_GT(per_page[0], per_page[100]);
  EXPECT_GT(top64, c.accesses * 2 / 5);
}

TEST(Workload, SameSeedSameStreamOtherSeedOtherStream) {
  const auto c = synthetic(WorkloadType::Random);
  SyntheticStream a(c, 0, 42);
  SyntheticStream b(c, 0, 42);
  SyntheticStream other(c, 0, 43);
  const auto x = drain(a);
  const auto y = drain(b);
  const auto z = drain(other);
  ASSERT_EQ(x.size(), y.size());
  bool all_same = true;
  bool differs = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    all_same = all_same && x[i].va == y[i].va && x[i].kind == y[i].kind;
    differs = differs || x[i].va != z[i].va;
  }
  EXPECT_TRUE(all_same);
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace mmusim
