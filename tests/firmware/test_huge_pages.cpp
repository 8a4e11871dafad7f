// Huge pages in the kernel, against a fake HAL: a 2 MiB superpage on the first touch of
// an aligned block, the 4 KiB fallback, splits (eviction, munmap, fork) that keep every
// value, and collapse back into one superpage.

#include "kernel_fixture.h"

namespace mmusim {
namespace {

using namespace sv;
using test::KernelTest;
using test::kHeap;

constexpr std::uint64_t kHuge = std::uint64_t{2} << 20;
constexpr std::uint64_t kFrames = 2048;  // 8 MiB: four runs of 512 frames

std::vector<fw::Region> big_heap(bool marked = false) {
  fw::Region r{"heap", fw::RegionKind::Heap, kHeap, kHeap + 2 * kHuge, kPteR | kPteW};
  r.huge = marked;
  return {r};
}

// A value per 4 KiB page, different for every page and process.
std::uint64_t value_of(fw::Pid pid, std::uint64_t va) { return (va >> kPageShift) * 131 + pid + 1; }

class HugePages : public KernelTest {
 protected:
  static fw::KernelConfig huge_config(std::uint64_t user_frames, bool collapse = false,
                               fw::HugePages mode = fw::HugePages::Always) {
    fw::KernelConfig c = KernelTest::config(user_frames, fw::PageReplacementKind::Fifo);
    c.dram_size = kFrames * kPageSize;
    c.huge_pages = mode;
    c.huge_collapse = collapse;
    return c;
  }

  explicit HugePages(const fw::KernelConfig& c = huge_config(1500)) : KernelTest(c) {
    hal.swap_capacity = 4096;  // read at boot, by the first spawn
  }
  // The level of the leaf that maps va for the running process (after one access there).
  unsigned level_at(std::uint64_t va) {
    ReferenceEngine engine(mmu, memory);
    engine.write_satp(hal.satp);
    sc_core::sc_time d;
    const auto r = engine.translate({va, {AccessKind::Read, Privilege::User}}, d);
    EXPECT_TRUE(r.ok()) << std::hex << va;
    return r.level;
  }
  void write_block(fw::Pid pid, std::uint64_t base, std::uint64_t pages = 512) {
    for (std::uint64_t i = 0; i < pages; ++i) {
      write(pid, base + i * kPageSize, value_of(pid, base + i * kPageSize));
    }
  }
  void expect_block(fw::Pid pid, std::uint64_t base, std::uint64_t pages = 512) {
    for (std::uint64_t i = 0; i < pages; ++i) {
      ASSERT_EQ(read(pid, base + i * kPageSize), value_of(pid, base + i * kPageSize)) << i;
    }
  }
};

TEST_F(HugePages, TheFirstTouchOfAnAlignedBlockMapsOne2MiBPage) {
  const fw::Pid pid = start(big_heap());
  write_block(pid, kHeap);
  EXPECT_EQ(kernel.stats().page_faults, 1u);  // one fault for all 512 pages
  EXPECT_EQ(kernel.stats().huge_mapped, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 512u);
  EXPECT_EQ(kernel.stats().huge_pages_in_use, 1u);
  EXPECT_EQ(level_at(kHeap + 0x1234), 1u);
  expect_block(pid, kHeap);
  kernel.exit(pid);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
  EXPECT_EQ(kernel.stats().huge_pages_in_use, 0u);
}

class HugeFallback : public HugePages {
 protected:
  HugeFallback() : HugePages(huge_config(300)) {}
};

// 512 more frames would pass firmware.user_frames: a 4 KiB page instead, counted.
TEST_F(HugeFallback, WithNoRoomForARunTheFaultGetsA4KiBPage) {
  const fw::Pid pid = start(big_heap());
  write(pid, kHeap, 7);
  EXPECT_EQ(kernel.stats().huge_fallbacks, 1u);
  EXPECT_EQ(kernel.stats().huge_mapped, 0u);
  EXPECT_EQ(level_at(kHeap), 0u);
  EXPECT_EQ(read(pid, kHeap), 7u);
}

class HugeMadvise : public HugePages {
 protected:
  HugeMadvise() : HugePages(huge_config(1500, false, fw::HugePages::Madvise)) {}
};

TEST_F(HugeMadvise, OnlyMarkedRegionsGetHugePages) {
  const fw::Pid plain = start(big_heap(false));
  write(plain, kHeap, 1);
  EXPECT_EQ(level_at(kHeap), 0u);
  EXPECT_EQ(kernel.stats().huge_fallbacks, 0u);  // not eligible is not a fallback
  const fw::Pid marked = start(big_heap(true));
  write(marked, kHeap, 2);
  EXPECT_EQ(level_at(kHeap), 1u);
  EXPECT_EQ(kernel.stats().huge_mapped, 1u);
}

class HugeUnderPressure : public HugePages {
 protected:
  HugeUnderPressure() : HugePages(huge_config(600)) {}
};

// The second block cannot be huge (600 frames), and its pages push the first huge page
// out: it is split, then evicted 4 KiB at a time, and every value comes back from swap.
TEST_F(HugeUnderPressure, EvictionSplitsTheHugePageAndLosesNothing) {
  const fw::Pid pid = start(big_heap());
  write_block(pid, kHeap);
  write_block(pid, kHeap + kHuge, 200);
  EXPECT_EQ(kernel.stats().huge_mapped, 1u);
  EXPECT_GE(kernel.stats().huge_fallbacks, 1u);
  EXPECT_EQ(kernel.stats().huge_splits, 1u);
  EXPECT_GT(kernel.stats().dirty_writebacks, 0u);
  EXPECT_LE(kernel.stats().user_frames_in_use, 600u);
  expect_block(pid, kHeap);
  expect_block(pid, kHeap + kHuge, 200);
  EXPECT_EQ(kernel.stats().huge_pages_in_use, 0u);
}

// munmap of the middle of a huge page: split, the rest stays, the hole segfaults.
TEST_F(HugePages, AnUnmapThatCutsAHugePageSplitsIt) {
  const fw::Pid pid = start(big_heap());
  write_block(pid, kHeap);
  kernel.unmap(pid, kHeap + 0x10'0000, 0x8'0000);  // 512 KiB from 1 MiB in
  EXPECT_EQ(kernel.stats().huge_splits, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 512u - 128u);
  expect_block(pid, kHeap, 256);
  expect_block(pid, kHeap + 0x18'0000, 128);
  EXPECT_EQ(killed(pid, kHeap + 0x10'0000, AccessKind::Read).kind, fw::KillKind::Segfault);
}

// An unmap of the whole huge page needs no split: the run is freed whole.
TEST_F(HugePages, AnUnmapOfAWholeHugePageFreesItsRun) {
  const fw::Pid pid = start(big_heap());
  write_block(pid, kHeap, 4);
  kernel.unmap(pid, kHeap, kHuge);
  EXPECT_EQ(kernel.stats().huge_splits, 0u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
}

// fork splits the parent's huge pages and shares the 4 KiB pages copy-on-write.
TEST_F(HugePages, ForkSplitsAndSharesThe4KiBPagesCopyOnWrite) {
  const fw::Pid parent = start(big_heap());
  write_block(parent, kHeap);
  const auto child = kernel.fork(parent);
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(kernel.stats().huge_splits, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 512u);
  kernel.switch_to(*child);
  write(*child, kHeap, 5);
  EXPECT_EQ(kernel.stats().cow_copies, 1u);
  EXPECT_EQ(read(*child, kHeap), 5u);
  kernel.switch_to(parent);
  expect_block(parent, kHeap);
}

class HugeCollapse : public HugePages {
 protected:
  HugeCollapse() : HugePages(huge_config(1100, true)) {}
};

// Process A's huge page is split and partly evicted by B; once B is gone and A has all
// 512 pages back, they are copied into one 2 MiB page again.
TEST_F(HugeCollapse, AFullyMappedBlockBecomesOneHugePageAgain) {
  const fw::Pid a = start(big_heap());
  write_block(a, kHeap);
  const fw::Pid b = start(big_heap());
  write_block(b, kHeap);
  write_block(b, kHeap + kHuge, 150);
  ASSERT_GE(kernel.stats().huge_splits, 1u);
  ASSERT_GT(kernel.stats().evictions, 0u);
  kernel.exit(b);
  kernel.switch_to(a);
  expect_block(a, kHeap);
  EXPECT_GE(kernel.stats().huge_collapses, 1u);
  EXPECT_EQ(level_at(kHeap), 1u);
  expect_block(a, kHeap);  // the copies hold every value
}

class HugeGigabyte : public HugePages {
 protected:
  static fw::KernelConfig gigabyte() {
    fw::KernelConfig c = huge_config(0);
    c.dram_size = std::uint64_t{3} << 30;  // an aligned GiB after the kernel's first frames
    c.huge_pages_1g = true;
    return c;
  }
  HugeGigabyte() : HugePages(gigabyte()) {}
};

// A region holding an aligned GiB gets a 1 GiB page there, 2 MiB pages around it; a
// 1 GiB page that an unmap cuts splits into 2 MiB pages, and only the one cut further.
TEST_F(HugeGigabyte, AnAlignedGigabyteIsOnePageAndSplitsInto2MiBPages) {
  constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
  const fw::Pid pid = start({{"big", fw::RegionKind::Mmap, kGiB - kHuge, 2 * kGiB, kPteR | kPteW}});
  write(pid, kGiB + 0x1234'5000, 1);
  write(pid, kGiB - kHuge, 2);
  EXPECT_EQ(level_at(kGiB + 0x1234'5000), 2u);
  EXPECT_EQ(level_at(kGiB - kHuge), 1u);
  EXPECT_EQ(kernel.stats().huge_1g_mapped, 1u);
  EXPECT_EQ(kernel.stats().huge_mapped, 1u);
  kernel.unmap(pid, kGiB + 0x1000, kPageSize);
  EXPECT_EQ(kernel.stats().huge_splits, 2u);  // 1 GiB -> 2 MiB pages, then the first of them
  EXPECT_EQ(level_at(kGiB + 0x1234'5000), 1u);
  EXPECT_EQ(level_at(kGiB), 0u);
  EXPECT_EQ(read(pid, kGiB + 0x1234'5000), 1u);
  EXPECT_EQ(kernel.stats().huge_pages_in_use, 1u + 511u);  // below the GiB, and in it
}

}  // namespace
}  // namespace mmusim
