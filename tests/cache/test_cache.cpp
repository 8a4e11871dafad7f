// The cache levels against a real DRAM model: hits, misses, write-backs, replacement,
// PTE traffic counted apart, debug access, and the hierarchy's coherence with agents
// that enter below a level (DMA, a walker attached lower down).

#include <gtest/gtest.h>
#include <systemc>

#include "bus.h"
#include "cache.h"
#include "dram.h"
#include "hierarchy.h"
#include "pte_traffic.h"
#include "test_initiator.h"

namespace mmusim {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;
using test::Initiator;

constexpr std::uint64_t kDramSize = 1 << 20;
constexpr unsigned kLine = 64;

// 4 sets x 2 ways x 64 B: lines 0x0, 0x100, 0x200 ... share set 0.
CacheConfig small_cache(ReplacementKind policy = ReplacementKind::Lru) {
  CacheConfig c;
  c.size = 4 * 2 * kLine;
  c.ways = 2;
  c.line = kLine;
  c.hit_latency = sc_time(1, SC_NS);
  c.replacement = policy;
  return c;
}
constexpr std::uint64_t kSetStride = 4 * kLine;  // next line of the same set

DramConfig small_dram() {
  DramConfig d;
  d.size = kDramSize;
  return d;
}

// A bus with no hop latency in front of a DRAM, so that several initiators reach it.
struct Memory {
  Memory() : bus("bus", sc_core::SC_ZERO_TIME), dram("dram", small_dram()) {
    bus.attach(dram.target, "dram", 0, kDramSize);
  }
  Bus bus;
  Dram dram;
};

// cpu -> cache -> memory; everything below 512 KiB is cacheable.
struct OneLevel {
  explicit OneLevel(const CacheConfig& config)
      : cache("cache", config, {0, kDramSize / 2}), dram(memory.dram) {
    cpu.socket.bind(cache.target);
    cache.next.bind(memory.bus.target);
    probe.socket.bind(memory.bus.target);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  Initiator cpu{"cpu"};
  Initiator probe{"probe"};  // reads memory behind the cache's back
  Memory memory;
  Cache cache;
  Dram& dram;
};

TEST(Cache, AMissFillsTheLineAndTheNextAccessHitsInTheHitLatency) {
  OneLevel t(small_cache());
  sc_time miss, hit;
  t.cpu.read(0x48, &miss);
  t.cpu.read(0x40, &hit);  // same line
  EXPECT_EQ(hit, sc_time(1, SC_NS));
  EXPECT_GT(miss, hit + sc_time(10, SC_NS));  // a DRAM access on top
  EXPECT_EQ(t.cache.stats().misses, 1u);
  EXPECT_EQ(t.cache.stats().hits, 1u);
  EXPECT_EQ(t.dram.stats().reads, 1u);
  EXPECT_EQ(t.dram.stats().bytes_read, kLine);
}

TEST(Cache, AStoreStaysInTheCacheUntilItsDirtyLineIsEvicted) {
  OneLevel t(small_cache());
  t.cpu.write(0x10, 0xABCD);
  EXPECT_EQ(t.cpu.read(0x10), 0xABCDu);
  EXPECT_EQ(t.probe.debug_read(0x10), 0u);  // memory has not seen it
  EXPECT_TRUE(t.cache.holds_dirty(0x10));
  t.cpu.read(kSetStride);      // set 0's second way
  t.cpu.read(2 * kSetStride);  // evicts line 0, the least recently used
  EXPECT_FALSE(t.cache.holds(0x10));
  EXPECT_EQ(t.cache.stats().write_backs, 1u);
  EXPECT_EQ(t.probe.debug_read(0x10), 0xABCDu);
  EXPECT_EQ(t.cpu.read(0x10), 0xABCDu);  // back from memory
  // A clean victim is dropped without a write.
  const std::uint64_t writes = t.dram.stats().writes;
  t.cpu.read(3 * kSetStride);
  t.cpu.read(4 * kSetStride);
  EXPECT_EQ(t.dram.stats().writes, writes);
  EXPECT_EQ(t.cache.stats().write_backs, 1u);
}

// Fills a, b, touches a, then fills c into the same two-way set: which of a, b stays?
void fill_touch_fill(OneLevel& t, bool a_stays) {
  const std::uint64_t a = 0, b = kSetStride, c = 2 * kSetStride;
  t.cpu.read(a);
  t.cpu.read(b);
  t.cpu.read(a);  // a is now the most recently used, and still the first filled
  t.cpu.read(c);
  EXPECT_TRUE(t.cache.holds(c));
  EXPECT_EQ(t.cache.holds(a), a_stays);
  EXPECT_EQ(t.cache.holds(b), !a_stays);
}

TEST(Cache, LruEvictsTheLineUsedLeastRecently) {
  OneLevel t(small_cache(ReplacementKind::Lru));
  fill_touch_fill(t, true);
}

TEST(Cache, FifoEvictsTheLineFilledFirst) {
  OneLevel t(small_cache(ReplacementKind::Fifo));
  fill_touch_fill(t, false);
}

TEST(Cache, PlruOfTwoWaysEvictsTheLineUsedLeastRecently) {
  OneLevel t(small_cache(ReplacementKind::Plru));
  fill_touch_fill(t, true);
}

TEST(Cache, AStoreOfAWholeLineDoesNotReadIt) {
  OneLevel t(small_cache());
  std::uint8_t line[kLine];
  for (unsigned i = 0; i < kLine; ++i) line[i] = static_cast<std::uint8_t>(i);
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(0x80);
  p.set_data_ptr(line);
  p.set_data_length(kLine);
  p.set_streaming_width(kLine);
  sc_time delay;
  t.cpu.socket->b_transport(p, delay);
  ASSERT_TRUE(p.is_response_ok());
  EXPECT_EQ(t.dram.stats().reads, 0u);
  EXPECT_EQ(t.cpu.read(0x88), 0x0F0E0D0C0B0A0908u);
}

TEST(Cache, ARequestSpanningLinesLooksUpEachAndMovesEveryByte) {
  OneLevel t(small_cache());
  for (std::uint64_t a = 0; a < 0x100; a += 8) t.probe.debug_write(a, a * 3);
  std::uint64_t words[16] = {};
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(0x20);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(words));
  p.set_data_length(sizeof words);  // 0x20..0xA0: three lines
  p.set_streaming_width(sizeof words);
  sc_time delay;
  t.cpu.socket->b_transport(p, delay);
  ASSERT_TRUE(p.is_response_ok());
  for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(words[i], (0x20 + 8 * i) * 3) << i;
  EXPECT_EQ(t.cache.stats().misses, 3u);
  EXPECT_EQ(t.cache.stats().reads, 1u);
}

TEST(Cache, AddressesOutsideTheCacheableRangePassStraightThrough) {
  OneLevel t(small_cache());
  const std::uint64_t device = kDramSize / 2 + 0x40;  // beyond the cacheable half
  t.cpu.write(device, 5);
  EXPECT_EQ(t.probe.debug_read(device), 5u);
  EXPECT_FALSE(t.cache.holds(device));
  EXPECT_EQ(t.cache.stats().uncached, 1u);
  EXPECT_EQ(t.cache.stats().misses, 0u);
}

TEST(Cache, DebugAccessSeesTheNewestCopyAndChangesNoState) {
  OneLevel t(small_cache());
  t.cpu.write(0x100, 1);  // dirty here, 0 in memory
  const CacheStats before = t.cache.stats();
  EXPECT_EQ(t.cpu.debug_read(0x100), 1u);
  t.cpu.debug_write(0x108, 2);  // updates the held line and memory
  EXPECT_EQ(t.probe.debug_read(0x108), 2u);
  EXPECT_EQ(t.cpu.read(0x108), 2u);
  EXPECT_EQ(t.cache.stats().misses, before.misses);
  EXPECT_EQ(t.cpu.debug_read(0x2000), 0u);  // not held: from memory, not filled
  EXPECT_FALSE(t.cache.holds(0x2000));
}

// ... and says which level served it: the deepest one its fills reached.
TEST(Cache, PteTrafficIsCountedApartAtEveryLevelItReaches) {
  CacheConfig upper = small_cache(), lower = small_cache();
  lower.size *= 4;
  lower.level = 1;
  Cache l1("l1", upper, {0, kDramSize}), l2("l2", lower, {0, kDramSize});
  Memory memory;
  Initiator walker("walker"), walker_at_l2("walker_at_l2");
  walker.socket.bind(l1.target);
  walker_at_l2.socket.bind(l2.target);
  l1.next.bind(l2.target);
  l2.next.bind(memory.bus.target);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  PteTraffic tag;
  std::uint64_t pte = 0;
  sc_time delay;
  ASSERT_EQ(walker.access(tlm::TLM_READ_COMMAND, 0x3000, pte, delay, &tag), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(tag.served_by, PteTraffic::kMemory);
  ASSERT_EQ(walker.access(tlm::TLM_READ_COMMAND, 0x3008, pte, delay, &tag), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(tag.served_by, 0u);
  ASSERT_EQ(walker_at_l2.access(tlm::TLM_READ_COMMAND, 0x3010, pte, delay, &tag),
            tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(tag.served_by, 1u);
  EXPECT_EQ(l2.stats().pte_hits, 1u);
  walker.read(0x4000);  // a data access
  EXPECT_EQ(l1.stats().pte_misses, 1u);
  EXPECT_EQ(l1.stats().pte_hits, 1u);
  EXPECT_EQ(l1.stats().misses, 2u);
  EXPECT_EQ(l2.stats().pte_misses, 1u);  // l1's fill carried the mark down
  EXPECT_EQ(l2.stats().misses, 2u);
  EXPECT_EQ(l2.stats().pte_hits, 1u);
}

// cpu and walker -> l1d -> l2 -> dram, the walker entering at l2, DMA at memory.
struct TwoLevels {
  explicit TwoLevels(bool snoop_dma)
      : caches("caches", config(snoop_dma), {0, kDramSize}, memory.bus.target) {
    cpu.socket.bind(caches.data_entry());
    walker.socket.bind(caches.walker_entry());
    dma.socket.bind(caches.dma_entry());
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  static HierarchyConfig config(bool snoop_dma) {
    HierarchyConfig h;
    h.levels[0] = small_cache();
    h.levels[1] = small_cache();
    h.levels[1].size *= 8;
    h.walker_entry = CacheLevel::L2;
    h.snoop_dma = snoop_dma;
    return h;
  }
  const Cache& l1d() const { return *caches.level(CacheLevel::L1d); }
  const Cache& l2() const { return *caches.level(CacheLevel::L2); }
  Initiator cpu{"cpu"}, walker{"walker"}, dma{"dma"};
  Memory memory;
  CacheHierarchy caches;
};

TEST(CacheHierarchy, ADmaReadTakesDirtyLinesFromEveryLevelAndADmaWriteDropsThem) {
  TwoLevels t(true);
  t.cpu.write(0x40, 7);
  EXPECT_EQ(t.dma.read(0x40), 7u);  // a swap-out reads what the cpu wrote
  EXPECT_TRUE(t.l1d().holds(0x40));
  EXPECT_FALSE(t.l1d().holds_dirty(0x40));
  EXPECT_EQ(t.l1d().stats().snoop_write_backs, 1u);
  t.dma.write(0x40, 9);  // a swap-in overwrites the frame
  EXPECT_FALSE(t.l1d().holds(0x40));
  EXPECT_FALSE(t.l2().holds(0x40));
  EXPECT_EQ(t.cpu.read(0x40), 9u);
  EXPECT_GE(t.l1d().stats().snoop_invalidations, 1u);
}

TEST(CacheHierarchy, AWayADmaWriteFreedTakesTheNextMissBeforeAnyEviction) {
  TwoLevels t(true);
  const std::uint64_t a = 0, b = kSetStride, c = 2 * kSetStride;  // one two-way l1d set
  t.cpu.read(a);
  t.cpu.read(b);
  t.cpu.read(a);  // b is the least recently used
  t.dma.write(a, 1);
  ASSERT_FALSE(t.l1d().holds(a));
  t.cpu.read(c);  // into a's freed way: b stays
  EXPECT_TRUE(t.l1d().holds(b));
  EXPECT_TRUE(t.l1d().holds(c));
}

TEST(CacheHierarchy, WithoutTheSnoopDmaSeesStaleMemoryAndTheCpuAStaleLine) {
  TwoLevels t(false);  // cache.fault_injection=skip_dma_snoop
  t.cpu.write(0x40, 7);
  EXPECT_EQ(t.dma.read(0x40), 0u);
  t.dma.write(0x40, 9);
  EXPECT_EQ(t.cpu.read(0x40), 7u);
}

TEST(CacheHierarchy, AWalkerEnteringAtL2SeesWhatTheFirmwareLeftDirtyInL1d) {
  TwoLevels t(true);
  t.cpu.write(0x200, 0x1234);  // the firmware stores a PTE
  EXPECT_EQ(t.walker.read(0x200), 0x1234u);
  EXPECT_FALSE(t.l1d().holds_dirty(0x200));
  EXPECT_TRUE(t.l2().holds_dirty(0x200));
  t.walker.write(0x208, 0x55);  // an A/D update: l1d's copy of the line goes
  EXPECT_FALSE(t.l1d().holds(0x208));
  EXPECT_EQ(t.cpu.read(0x208), 0x55u);
  EXPECT_EQ(t.cpu.read(0x200), 0x1234u);
}

}  // namespace
}  // namespace mmusim
