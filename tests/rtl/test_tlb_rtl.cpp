// tlb.sv against the C++ reference Tlb: the same random operations on both, every answer
// compared, for each replacement policy and a range of geometries.

#include <gtest/gtest.h>
#include <random>

#include "tlb.h"
#include "tlb_rtl.h"
#include "uniform.h"

namespace mmusim {
namespace {

struct Geometry {
  unsigned entries;
  unsigned ways;
};

std::string describe(const TlbEntry* e) {
  if (e == nullptr) return "miss";
  return "hit level " + std::to_string(e->level) + " pte " + std::to_string(e->pte);
}

// Runs `operations` random operations; counts in `hits` the lookups that hit (so a test
// can check the stimulus is not all misses).
void run_lockstep(const TlbGeometry& geometry, std::uint64_t seed, unsigned operations,
                  unsigned& hits) {
  Tlb model(geometry);
  RtlTlb rtl(geometry);
  std::mt19937_64 rng(seed);
  auto pick = [&rng](std::uint64_t n) { return scale_to_range(rng(), n); };
  // A small page range, a few times the TLB's reach, so sets fill and entries get evicted.
  const std::uint64_t pages = geometry.entries * 3;
  hits = 0;
  for (unsigned op = 0; op < operations; ++op) {
    const std::uint64_t va = (pick(pages) << 12) | (pick(512) << 3);
    const auto asid = static_cast<std::uint16_t>(1 + pick(3));
    const unsigned kind = static_cast<unsigned>(pick(100));
    SCOPED_TRACE("operation " + std::to_string(op) + ", va " + std::to_string(va));
    if (kind < 65) {
      const TlbEntry* expected = model.lookup(va, asid);
      const auto got = rtl.lookup(va, asid);
      ASSERT_EQ(got.has_value(), expected != nullptr) << "model: " << describe(expected);
      if (expected != nullptr) {
        ++hits;
        ASSERT_EQ(got->pte, expected->pte);
        ASSERT_EQ(got->level, expected->level);
        ASSERT_EQ(got->napot, expected->napot);
        ASSERT_EQ(got->global, expected->global);
      }
    } else if (kind < 70) {
      const TlbEntry* expected = model.probe(va, asid);
      ASSERT_EQ(rtl.probe(va, asid).has_value(), expected != nullptr);
    } else if (kind < 95) {
      TlbEntry e;
      e.level = static_cast<std::uint8_t>(pick(10) == 0 ? 1 + pick(2) : 0);  // some superpages
      e.napot = e.level == 0 && pick(8) == 0;  // and some 64 KiB NAPOT pages
      e.vpn = va >> e.shift();
      e.asid = asid;
      e.global = pick(10) == 0;
      e.pte = sv::make_pte(0x8000'0000 + (rng() & 0xFFF'F000), sv::kPteV | sv::kPteR | sv::kPteA);
      if (e.napot) e.pte |= sv::kPteN;  // the RTL tells a NAPOT entry by its N bit
      model.fill(e);
      rtl.fill(e);
    } else {
      const FlushRequest req{static_cast<mmu_regs::FlushKind>(pick(4)), va, asid};
      model.flush(req);
      rtl.flush(req);
    }
  }
}

class TlbRtlLockstep : public ::testing::TestWithParam<std::tuple<ReplacementKind, Geometry>> {};

TEST_P(TlbRtlLockstep, AgreesWithTheModelOnRandomOperations) {
  const auto [policy, g] = GetParam();
  const TlbGeometry geometry{g.entries, g.ways, policy, 1};
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    unsigned hits = 0;
    run_lockstep(geometry, seed, 4000, hits);
    if (HasFatalFailure()) return;
    EXPECT_GT(hits, 100u) << "the stimulus should hit now and then";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Policies, TlbRtlLockstep,
    ::testing::Combine(::testing::Values(ReplacementKind::Lru, ReplacementKind::Plru,
                                         ReplacementKind::Fifo),
                       ::testing::Values(Geometry{4, 4}, Geometry{16, 4}, Geometry{32, 1},
                                         Geometry{64, 64}, Geometry{128, 8}, Geometry{512, 4})),
    [](const auto& info) {
      const Geometry g = std::get<1>(info.param);
      return std::string(to_string(std::get<0>(info.param))) + "_" + std::to_string(g.entries) +
             "x" + std::to_string(g.ways);
    });

TEST(TlbRtl, NonPowerOfTwoWaysWorkForLruAndFifo) {
  for (auto policy : {ReplacementKind::Lru, ReplacementKind::Fifo}) {
    unsigned hits = 0;
    run_lockstep({48, 3, policy, 1}, 5, 4000, hits);
    if (HasFatalFailure()) return;
    EXPECT_GT(hits, 100u);
  }
}

TEST(TlbRtl, RefusesWhatTheRtlCannotDo) {
  EXPECT_THROW(RtlTlb({16, 4, ReplacementKind::Random, 1}), std::invalid_argument);
  EXPECT_THROW(RtlTlb({2048, 4, ReplacementKind::Lru, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace mmusim
