// TLB organisation: victim choice of each replacement policy, the four SFENCE.VMA
// forms, superpage entries, set indexing, and the one-hit-at-most guarantee.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tlb.h"

namespace mmusim {
namespace {

using mmu_regs::FlushKind;

TlbEntry page(std::uint64_t vpn, std::uint16_t asid = 1, unsigned level = 0, bool global = false) {
  TlbEntry e;
  e.vpn = vpn;
  e.pte = sv::make_pte(0x9000'0000 + (vpn << 12), sv::kPteV | sv::kPteR | sv::kPteA);
  e.asid = asid;
  e.level = static_cast<std::uint8_t>(level);
  e.global = global;
  return e;
}
std::uint64_t va_of(std::uint64_t vpn, unsigned level = 0) { return vpn << sv::page_shift(level); }

// A 4-entry fully associative TLB: fill pages 0..3, touch some, add page 4, and report
// which of 0..3 was evicted.
std::uint64_t evicted_after(ReplacementKind kind, const std::vector<std::uint64_t>& touches,
                            std::uint64_t seed = 1) {
  Tlb tlb({4, 4, kind, seed});
  for (std::uint64_t vpn = 0; vpn < 4; ++vpn) EXPECT_EQ(tlb.fill(page(vpn)), -1);  // a free way
  for (std::uint64_t vpn : touches) EXPECT_NE(tlb.lookup(va_of(vpn), 1), nullptr);
  const int victim_way = tlb.fill(page(4));
  std::uint64_t evicted = ~std::uint64_t{0};
  for (std::uint64_t vpn = 0; vpn < 4; ++vpn) {
    if (tlb.probe(va_of(vpn), 1) == nullptr) {
      EXPECT_EQ(evicted, ~std::uint64_t{0}) << "two entries evicted";
      evicted = vpn;
    }
  }
  EXPECT_NE(tlb.probe(va_of(4), 1), nullptr);
  EXPECT_EQ(victim_way, static_cast<int>(evicted));  // filled in way order, so way = vpn
  return evicted;
}

TEST(TlbReplacement, LruEvictsTheLeastRecentlyUsed) {
  EXPECT_EQ(evicted_after(ReplacementKind::Lru, {}), 0u);
  EXPECT_EQ(evicted_after(ReplacementKind::Lru, {0, 1}), 2u);
  EXPECT_EQ(evicted_after(ReplacementKind::Lru, {2, 0, 3, 1}), 2u);
}

TEST(TlbReplacement, FifoIgnoresHits) {
  EXPECT_EQ(evicted_after(ReplacementKind::Fifo, {}), 0u);
  EXPECT_EQ(evicted_after(ReplacementKind::Fifo, {0, 0, 1, 2}), 0u);
}

TEST(TlbReplacement, PlruFollowsTheTreeBits) {
  // Fills 0,1,2,3 leave every node pointing left of the last fill: victim way 0.
  EXPECT_EQ(evicted_after(ReplacementKind::Plru, {}), 0u);
  // Touch 0: n0 -> right, n1 -> right; victim follows n0 right, n2: last set by 3 -> left = 2.
  EXPECT_EQ(evicted_after(ReplacementKind::Plru, {0}), 2u);
  // Touch 2 then 0: n0 -> right, n2 -> right (after 2): victim 3.
  EXPECT_EQ(evicted_after(ReplacementKind::Plru, {2, 0}), 3u);
  // Touch 3, 1: n0 -> right (after 1), n2 -> left (after 3): victim 2.
  EXPECT_EQ(evicted_after(ReplacementKind::Plru, {3, 1}), 2u);
  // Touch 3, 0: n0 -> right, n2 -> left: victim 2, where exact LRU would evict 1.
  EXPECT_EQ(evicted_after(ReplacementKind::Plru, {3, 0}), 2u);
  EXPECT_EQ(evicted_after(ReplacementKind::Lru, {3, 0}), 1u);
}

TEST(TlbReplacement, PlruPolicyTreeDirectly) {
  PlruPolicy plru(1, 8);
  for (unsigned w = 0; w < 8; ++w) plru.fill(0, w);
  EXPECT_EQ(plru.victim(0), 0u);
  plru.hit(0, 0);
  EXPECT_EQ(plru.victim(0), 4u);  // root points right; right subtree last touched at 7 -> 4
  plru.hit(0, 4);
  EXPECT_EQ(plru.victim(0), 2u);
}

// What LRU and FIFO mean, in the plainest form: a stamp per way from a counter, set by a
// fill (and for LRU a hit); the victim is the way with the oldest stamp, the lowest on a
// tie (ways never touched).
class Stamps {
 public:
  Stamps(unsigned ways, bool stamp_on_hit) : stamps_(ways, 0), stamp_on_hit_(stamp_on_hit) {}
  void hit(unsigned way) {
    if (stamp_on_hit_) stamps_[way] = ++clock_;
  }
  void fill(unsigned way) { stamps_[way] = ++clock_; }
  unsigned victim() const {
    return static_cast<unsigned>(std::min_element(stamps_.begin(), stamps_.end()) -
                                 stamps_.begin());
  }

 private:
  std::vector<std::uint64_t> stamps_;
  bool stamp_on_hit_;
  std::uint64_t clock_ = 0;
};

// Both implementations (packed order up to 16 ways, a list above) choose what stamps do.
TEST(TlbReplacement, LruAndFifoChooseWhatStampsChoose) {
  for (const auto kind : {ReplacementKind::Lru, ReplacementKind::Fifo}) {
    for (const unsigned ways : {1u, 3u, 8u, 16u, 17u, 32u}) {
      const auto policy = make_replacement(kind, 2, ways, 0);
      std::vector<Stamps> stamps(2, Stamps(ways, kind == ReplacementKind::Lru));
      std::mt19937_64 rng(ways);
      for (unsigned op = 0; op < 20000; ++op) {
        const auto set = static_cast<unsigned>(rng() % 2);
        const auto way = static_cast<unsigned>(rng() % ways);
        SCOPED_TRACE(std::string(to_string(kind)) + ", ways " + std::to_string(ways) +
                     ", operation " + std::to_string(op));
        switch (rng() % 3) {
          case 0: policy->hit(set, way), stamps[set].hit(way); break;
          case 1: policy->fill(set, way), stamps[set].fill(way); break;
          default: ASSERT_EQ(policy->victim(set), stamps[set].victim());
        }
      }
    }
  }
}

TEST(TlbReplacement, RandomIsReproducibleForASeedAndVariesAcrossSeeds) {
  std::vector<std::uint64_t> a;
  std::vector<std::uint64_t> b;
  std::set<std::uint64_t> seen;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    a.push_back(evicted_after(ReplacementKind::Random, {}, seed));
    b.push_back(evicted_after(ReplacementKind::Random, {}, seed));
    seen.insert(a.back());
  }
  EXPECT_EQ(a, b);
  EXPECT_GT(seen.size(), 1u);
}

TEST(TlbReplacement, InvalidWaysAreFilledBeforeAnyEviction) {
  Tlb tlb({4, 4, ReplacementKind::Fifo, 1});
  for (std::uint64_t vpn = 0; vpn < 4; ++vpn) tlb.fill(page(vpn));
  tlb.flush({FlushKind::Va, va_of(2), 0});
  tlb.fill(page(9));
  for (std::uint64_t vpn : {0, 1, 3, 9}) EXPECT_NE(tlb.probe(va_of(vpn), 1), nullptr) << vpn;
}

TEST(TlbOrganisation, SetIndexIsTheVpnLowBits) {
  Tlb tlb({8, 2, ReplacementKind::Lru, 1});  // 4 sets
  ASSERT_EQ(tlb.sets(), 4u);
  // VPNs 0, 4, 8 share set 0: the third evicts the first; VPN 1 (set 1) is unaffected.
  tlb.fill(page(1));
  tlb.fill(page(0));
  tlb.fill(page(4));
  tlb.fill(page(8));
  EXPECT_EQ(tlb.probe(va_of(0), 1), nullptr);
  EXPECT_NE(tlb.probe(va_of(4), 1), nullptr);
  EXPECT_NE(tlb.probe(va_of(8), 1), nullptr);
  EXPECT_NE(tlb.probe(va_of(1), 1), nullptr);
}

TEST(TlbOrganisation, SuperpageIsOneEntryCoveringItsWholeRange) {
  Tlb tlb({16, 4, ReplacementKind::Lru, 1});
  tlb.fill(page(3, 1, 1));  // 2 MiB page number 3
  EXPECT_EQ(tlb.valid_entries(), 1u);
  for (std::uint64_t off : {0ull, 0x1000ull, 0x1F'F000ull}) {
    const TlbEntry* e = tlb.probe(va_of(3, 1) + off, 1);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->level, 1u);
  }
  EXPECT_EQ(tlb.probe(va_of(4, 1), 1), nullptr);
  tlb.fill(page(5, 1, 2));  // 1 GiB page
  EXPECT_NE(tlb.probe(va_of(5, 2) + 0x3FFF'F000, 1), nullptr);
}

// Svnapot (§5): a 64 KiB page is one entry, indexed by VA >> 16, hit for all 16 of its
// 4 KiB pages; it replaces the 4 KiB pages inside it and is replaced by the 2 MiB page
// around it; a flush by the VA of any of its pages removes it.
TEST(TlbOrganisation, NapotPageIsOneEntryBetween4KiBAndSuperpages) {
  Tlb tlb({16, 4, ReplacementKind::Lru, 1});
  TlbEntry small = page(0x13, 1, 0);  // a 4 KiB page inside 64 KiB range 1
  tlb.fill(small);
  TlbEntry napot = page(1, 1, 0);
  napot.napot = true;  // vpn = va >> 16
  tlb.fill(napot);
  EXPECT_EQ(tlb.valid_entries(), 1u);
  for (std::uint64_t page4k = 0x10; page4k < 0x20; ++page4k) {
    const TlbEntry* e = tlb.probe(va_of(page4k), 1);
    ASSERT_NE(e, nullptr) << page4k;
    EXPECT_TRUE(e->napot);
  }
  EXPECT_EQ(tlb.probe(va_of(0x20), 1), nullptr);
  tlb.flush({mmu_regs::FlushKind::VaAsid, va_of(0x1F), 1});
  EXPECT_EQ(tlb.valid_entries(), 0u);
  tlb.fill(napot);
  tlb.fill(page(0, 1, 1));  // the 2 MiB page around it
  EXPECT_EQ(tlb.valid_entries(), 1u);
  EXPECT_FALSE(tlb.probe(va_of(0x13), 1)->napot);
}

TEST(TlbOrganisation, RefillKeepsOneHitAtMost) {
  Tlb tlb({16, 16, ReplacementKind::Lru, 1});
  tlb.fill(page(0x200, 1, 0));  // 4 KiB page inside 2 MiB page 1
  tlb.fill(page(1, 1, 1));      // the 2 MiB page that covers it
  EXPECT_EQ(tlb.valid_entries(), 1u);
  tlb.fill(page(1, 1, 1));
  EXPECT_EQ(tlb.valid_entries(), 1u);
}

TEST(TlbOrganisation, SuperpageFillRemovesSmallerPagesInsideIt) {
  Tlb tlb({16, 4, ReplacementKind::Lru, 1});
  tlb.fill(page(0x205, 1, 0));  // a 4 KiB page inside 2 MiB page 1, not at its start
  tlb.fill(page(0x3FF, 1, 0));  // and another, in another set
  tlb.fill(page(0x400, 1, 0));  // outside it
  tlb.fill(page(1, 1, 1));
  EXPECT_EQ(tlb.valid_entries(), 2u);
  EXPECT_EQ(tlb.probe(va_of(0x205), 1)->level, 1u);
  EXPECT_EQ(tlb.probe(va_of(0x400), 1)->level, 0u);
}

TEST(TlbOrganisation, GlobalFillRemovesOverlapsOfEveryAsid) {
  Tlb tlb({16, 16, ReplacementKind::Lru, 1});
  tlb.fill(page(7, 2));
  tlb.fill(page(7, 3, 0, true));  // global: would also match ASID 2's lookups
  EXPECT_EQ(tlb.valid_entries(), 1u);
  EXPECT_TRUE(tlb.probe(va_of(7), 2)->global);
}

TEST(TlbOrganisation, LookupRefreshesLruButProbeDoesNot) {
  Tlb tlb({2, 2, ReplacementKind::Lru, 1});
  tlb.fill(page(0));
  tlb.fill(page(1));
  ASSERT_NE(tlb.probe(va_of(0), 1), nullptr);  // hidden: page 0 stays least recent
  tlb.fill(page(2));
  EXPECT_EQ(tlb.probe(va_of(0), 1), nullptr);
  ASSERT_NE(tlb.lookup(va_of(1), 1), nullptr);
  tlb.fill(page(3));
  EXPECT_NE(tlb.probe(va_of(1), 1), nullptr);
  EXPECT_EQ(tlb.probe(va_of(2), 1), nullptr);
}

class TlbFlush : public ::testing::Test {
 protected:
  // ASID 1: pages 1, 2; ASID 2: pages 1, 2; global page 3 (filled under ASID 1).
  void SetUp() override {
    for (std::uint16_t asid : {1, 2}) {
      tlb.fill(page(1, asid));
      tlb.fill(page(2, asid));
    }
    tlb.fill(page(3, 1, 0, true));
  }
  bool has(std::uint64_t vpn, std::uint16_t asid) const {
    return tlb.probe(va_of(vpn), asid) != nullptr;
  }
  Tlb tlb{{32, 32, ReplacementKind::Lru, 1}};
};

TEST_F(TlbFlush, AllRemovesEverythingIncludingGlobal) {
  tlb.flush({FlushKind::All, 0, 0});
  EXPECT_EQ(tlb.valid_entries(), 0u);
}

TEST_F(TlbFlush, AsidRemovesThatAsidButKeepsGlobal) {
  tlb.flush({FlushKind::Asid, 0, 1});
  EXPECT_FALSE(has(1, 1));
  EXPECT_FALSE(has(2, 1));
  EXPECT_TRUE(has(1, 2));
  EXPECT_TRUE(has(2, 2));
  EXPECT_TRUE(has(3, 1));
}

TEST_F(TlbFlush, VaRemovesThatPageInEveryAsidIncludingGlobal) {
  tlb.flush({FlushKind::Va, va_of(1) + 0x123, 0});
  EXPECT_FALSE(has(1, 1));
  EXPECT_FALSE(has(1, 2));
  EXPECT_TRUE(has(2, 1));
  tlb.flush({FlushKind::Va, va_of(3), 0});
  EXPECT_FALSE(has(3, 1));
}

TEST_F(TlbFlush, VaAsidRemovesOnlyThatPageOfThatAsidAndKeepsGlobal) {
  tlb.flush({FlushKind::VaAsid, va_of(1), 2});
  EXPECT_TRUE(has(1, 1));
  EXPECT_FALSE(has(1, 2));
  EXPECT_TRUE(has(2, 2));
  tlb.flush({FlushKind::VaAsid, va_of(3), 1});
  EXPECT_TRUE(has(3, 1));
}

TEST_F(TlbFlush, VaFormsRemoveSuperpagesContainingTheVa) {
  tlb.fill(page(1, 1, 1));  // 2 MiB page 0x20_0000..0x3F_FFFF
  tlb.flush({FlushKind::VaAsid, 0x2A'B000, 1});
  EXPECT_EQ(tlb.probe(0x20'0000, 1), nullptr);
}

TEST(TlbPlru, OneWaySetsWork) {
  // Direct-mapped PLRU has no tree: each fill replaces the one entry of its set.
  Tlb tlb({4, 1, ReplacementKind::Plru, 1});
  for (std::uint64_t vpn = 0; vpn < 4; ++vpn) EXPECT_EQ(tlb.fill(page(vpn)), -1);
  EXPECT_NE(tlb.lookup(va_of(1), 1), nullptr);
  EXPECT_EQ(tlb.fill(page(5)), 0);  // set 1's only way
  EXPECT_EQ(tlb.probe(va_of(1), 1), nullptr);
  EXPECT_NE(tlb.probe(va_of(5), 1), nullptr);
}

}  // namespace
}  // namespace mmusim
