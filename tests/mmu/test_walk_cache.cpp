// The walk cache: non-leaf PTEs let a walk skip the upper levels; flushes drop them.

#include <gtest/gtest.h>

#include "fake_memory.h"
#include "reference_engine.h"
#include "walk_cache.h"

namespace mmusim {
namespace {

using namespace sv;

constexpr std::uint64_t kUserRw = kPteR | kPteW | kPteU | kPteA | kPteD;

struct WalkCacheTest : ::testing::Test {
  WalkCacheTest() : tables(memory, Mode::Sv39) {
    config.walk_cache_entries = 4;
    config.l2.entries = 0;
  }
  void start() {
    engine = std::make_unique<ReferenceEngine>(config, memory);
    engine->write_satp(tables.satp());
  }
  bool load(std::uint64_t va) {
    sc_core::sc_time d;
    return engine->translate({va, {AccessKind::Read, Privilege::User}}, d).ok();
  }
  MmuConfig config;
  test::FakeMemory memory;
  test::PageTableBuilder tables;
  std::unique_ptr<ReferenceEngine> engine;
};

TEST_F(WalkCacheTest, SecondWalkInTheSameMegapageReadsOnlyTheLeaf) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x2000, 0x9000'2000, kUserRw);
  start();
  ASSERT_TRUE(load(0x1000));
  EXPECT_EQ(memory.reads, 3u);
  ASSERT_TRUE(load(0x2000));
  EXPECT_EQ(memory.reads, 4u);
  EXPECT_EQ(engine->stats().walk_cache.lookups, 2u);
  EXPECT_EQ(engine->stats().walk_cache.hits, 1u);
}

TEST_F(WalkCacheTest, WalkInAnotherGigapageRegionUsesTheLevelTwoEntry) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x20'0000, 0x9000'2000, kUserRw);  // another 2 MiB region, same 1 GiB region
  start();
  ASSERT_TRUE(load(0x1000));
  ASSERT_TRUE(load(0x20'0000));
  EXPECT_EQ(memory.reads, 3u + 2u);
}

TEST_F(WalkCacheTest, FlushAllForgetsNonLeafEntries) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x2000, 0x9000'2000, kUserRw);
  start();
  ASSERT_TRUE(load(0x1000));
  engine->flush({mmu_regs::FlushKind::All, 0, 0});
  ASSERT_TRUE(load(0x2000));
  EXPECT_EQ(memory.reads, 6u);
}

TEST_F(WalkCacheTest, WithoutAWalkCacheEveryWalkReadsEveryLevel) {
  config.walk_cache_entries = 0;
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x2000, 0x9000'2000, kUserRw);
  start();
  ASSERT_TRUE(load(0x1000));
  ASSERT_TRUE(load(0x2000));
  EXPECT_EQ(memory.reads, 6u);
}

TEST(WalkCacheFlush, AFlushOfAPageDropsTheEntriesOfEveryLevelWhoseRegionHoldsIt) {
  constexpr std::uint64_t kVa = 0x12'3456'7000;
  const auto entry = [](std::uint64_t va, unsigned level, std::uint16_t asid, bool global) {
    TlbEntry e;
    e.vpn = va >> page_shift(level);
    e.pte = kPteV | (std::uint64_t{level} << 10);  // told apart by their PPN
    e.level = static_cast<std::uint8_t>(level);
    e.asid = asid;
    e.global = global;
    return e;
  };
  WalkCache cache(8);
  for (unsigned level = 1; level <= 3; ++level) cache.fill(entry(kVa, level, 1, false));
  cache.fill(entry(kVa + (1u << 21), 1, 1, false));    // the next 2 MiB region
  cache.fill(entry(kVa, 1, 2, false));                 // another address space
  cache.fill(entry(kVa + (1ull << 30), 2, 0, true));   // global, the next 1 GiB region

  cache.flush({mmu_regs::FlushKind::VaAsid, kVa + 0x800, 1});
  for (unsigned level = 1; level <= 3; ++level) {
    EXPECT_EQ(cache.lookup(kVa, 1, level), nullptr) << "level " << level;
  }
  EXPECT_NE(cache.lookup(kVa + (1u << 21), 1, 1), nullptr);
  EXPECT_NE(cache.lookup(kVa, 2, 1), nullptr);

  cache.flush({mmu_regs::FlushKind::VaAsid, kVa + (1ull << 30), 1});  // keeps global entries
  EXPECT_NE(cache.lookup(kVa + (1ull << 30), 1, 2), nullptr);
  cache.flush({mmu_regs::FlushKind::Va, kVa + (1ull << 30) + (5u << 21), 0});
  EXPECT_EQ(cache.lookup(kVa + (1ull << 30), 1, 2), nullptr);
  cache.flush({mmu_regs::FlushKind::Va, kVa, 0});
  EXPECT_EQ(cache.lookup(kVa, 2, 1), nullptr);
  EXPECT_NE(cache.lookup(kVa + (1u << 21), 1, 1), nullptr);
}

TEST(SplitAndTwoLevelTlbs, FetchesAndDataUseSeparateL1sAndShareTheL2) {
  test::FakeMemory memory;
  test::PageTableBuilder tables(memory, Mode::Sv39);
  tables.map(0x1000, 0x9000'1000, kUserRw | kPteX);
  MmuConfig config;
  config.split_l1 = true;
  config.l2 = {64, 4, ReplacementKind::Lru, 1};
  ReferenceEngine engine(config, memory);
  engine.write_satp(tables.satp());
  sc_core::sc_time d;
  ASSERT_TRUE(engine.translate({0x1000, {AccessKind::Read, Privilege::User}}, d).ok());
  const auto fetch = engine.translate({0x1000, {AccessKind::Fetch, Privilege::User}}, d);
  ASSERT_TRUE(fetch.ok());
  EXPECT_TRUE(fetch.tlb_hit);  // from the L2
  const MmuStats& s = engine.stats();
  EXPECT_EQ(s.l1d.misses, 1u);
  EXPECT_EQ(s.l1i.misses, 1u);
  EXPECT_EQ(s.l1.lookups, 2u);
  EXPECT_EQ(s.l2.lookups, 2u);
  EXPECT_EQ(s.l2.hits, 1u);
  EXPECT_EQ(s.walks, 1u);
  EXPECT_TRUE(engine.translate({0x1008, {AccessKind::Fetch, Privilege::User}}, d).tlb_hit);
  EXPECT_EQ(s.l1i.hits, 1u);
}

}  // namespace
}  // namespace mmusim
