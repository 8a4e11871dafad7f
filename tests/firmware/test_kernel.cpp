// The kernel against a fake HAL. A test "cpu" translates with the reference engine
// over the tables the kernel built in (fake) DRAM, runs the trap handler on a fault and
// retries, exactly as the platform's cpu does.

#include "kernel_fixture.h"

namespace mmusim {
namespace {

using namespace sv;
using test::FakeHal;
using test::KernelTest;
using test::kHeap;
namespace regs = mmu_regs;

TEST_F(KernelTest, SwitchWritesSatpWithModeAsidAndRoot) {
  const fw::Pid a = kernel.spawn(heap());
  const fw::Pid b = kernel.spawn(heap());
  kernel.switch_to(a);  // ASIDs are handed out at the first switch
  kernel.switch_to(b);
  const Satp satp = Satp::decode(hal.satp);
  EXPECT_EQ(satp.mode, Mode::Sv39);
  EXPECT_EQ(satp.asid, kernel.asid_of(b));
  EXPECT_NE(kernel.asid_of(a), kernel.asid_of(b));
  EXPECT_GE(satp.root_ppn << kPageShift, FakeHal::kDram);
  EXPECT_EQ(kernel.stats().table_frames_in_use, 2u);
}

TEST_F(KernelTest, DemandZeroMapsAZeroedFrameAndFlushesThatPage) {
  const fw::Pid pid = start();
  EXPECT_EQ(read(pid, kHeap + 0x2468), 0u);
  EXPECT_EQ(kernel.stats().minor_faults, 1u);
  EXPECT_EQ(kernel.stats().page_faults, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 1u);
  const std::vector<std::uint64_t> flush = {static_cast<std::uint64_t>(regs::FlushKind::VaAsid),
                                            kHeap + 0x2000, kernel.asid_of(pid)};
  EXPECT_EQ(hal.last_flush(), flush);
  EXPECT_GT(hal.spent_ps, 0u);
  write(pid, kHeap + 0x2468, 42);
  EXPECT_EQ(read(pid, kHeap + 0x2468), 42u);
  EXPECT_EQ(kernel.stats().page_faults, 1u);
}

TEST_F(KernelTest, HoleGuardGapAndPermissionViolationsAreSegfaults) {
  fw::ProgramImage image;
  const fw::Pid pid = start(fw::standard_layout(image));
  auto report = killed(pid, 0x5000'0000, AccessKind::Write);  // between heap and mmap area
  EXPECT_EQ(report.pid, pid);
  EXPECT_EQ(report.va, 0x5000'0000u);
  EXPECT_EQ(report.access, AccessKind::Write);
  EXPECT_EQ(report.cause, Cause::StorePageFault);
  EXPECT_EQ(report.reason, "segmentation fault: address in no region");
  EXPECT_EQ(kernel.stats().table_frames_in_use, 0u);  // the dead process's memory is freed

  const fw::Pid second = start(fw::standard_layout(image));
  const std::uint64_t limit = fw::Layout::kStackTop - image.stack_max;
  report = killed(second, limit - 8, AccessKind::Write);
  EXPECT_EQ(report.reason, "segmentation fault: stack overflow into the guard gap");

  const fw::Pid third = start(fw::standard_layout(image));
  report = killed(third, fw::Layout::kTextBase, AccessKind::Write);
  EXPECT_EQ(report.reason, "segmentation fault: region 'text' forbids write");
  EXPECT_EQ(kernel.stats().segfaults, 3u);
}

TEST_F(KernelTest, StackGrowsDownOnDemandButNotIntoTheGuardGap) {
  fw::ProgramImage image;
  const fw::Pid pid = start(fw::standard_layout(image));
  const std::uint64_t deep = fw::Layout::kStackTop - image.stack_max;  // the lowest stack byte
  write(pid, deep, 7);
  EXPECT_EQ(read(pid, deep), 7u);
  const auto& regions = kernel.address_space(pid).regions();
  const auto stack = std::find_if(regions.begin(), regions.end(),
                                  [](const fw::Region& r) { return r.kind == fw::RegionKind::Stack; });
  EXPECT_EQ(stack->start, deep);
  // The hole below costs nothing: only the pages touched have frames.
  EXPECT_EQ(kernel.stats().user_frames_in_use, 1u);
}

TEST_F(KernelTest, AccessFaultKills) {
  const fw::Pid pid = start();
  hal.fault_cause = Cause::LoadAccessFault;
  hal.fault_va = kHeap;
  ASSERT_TRUE(kernel.handle_trap(pid).has_value());
}

TEST_F(KernelTest, SvadeFaultsSetD) {
  mmu.ad_update = AdUpdate::Fault;
  const fw::Pid pid = start();
  EXPECT_EQ(read(pid, kHeap), 0u);  // mapped with A set: no A fault
  EXPECT_EQ(kernel.stats().minor_faults, 1u);
  EXPECT_EQ(kernel.stats().ad_faults, 0u);
  write(pid, kHeap, 5);
  EXPECT_EQ(kernel.stats().ad_faults, 1u);  // D
  EXPECT_EQ(read(pid, kHeap), 5u);
  EXPECT_EQ(kernel.stats().page_faults, 1u);  // A/D faults are not page faults
  write(pid, kHeap + kPageSize, 6);           // a store fault maps with D set: one fault
  EXPECT_EQ(kernel.stats().ad_faults, 1u);
  EXPECT_EQ(kernel.stats().page_faults, 2u);
}

TEST_F(KernelTest, EvictedDirtyPageRoundTripsThroughSwap) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 8; ++page) write(pid, kHeap + page * kPageSize + 16, 100 + page);
  EXPECT_EQ(hal.swap_writes, 0u);
  write(pid, kHeap + 8 * kPageSize + 16, 108);  // a ninth page: FIFO evicts page 0, dirty
  EXPECT_EQ(hal.swap_writes, 1u);
  EXPECT_EQ(kernel.stats().dirty_writebacks, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 8u);
  EXPECT_EQ(read(pid, kHeap + 16), 100u);  // major fault: back from swap
  EXPECT_EQ(hal.swap_reads, 1u);
  EXPECT_EQ(kernel.stats().major_faults, 1u);
  EXPECT_EQ(kernel.stats().swap_ins, 1u);
  EXPECT_GT(hal.interrupt_waits + 1u, 0u);
  for (std::uint64_t page = 1; page <= 8; ++page) {
    EXPECT_EQ(read(pid, kHeap + page * kPageSize + 16), 100 + page) << page;
  }
}

TEST_F(KernelTest, CleanPageWithASwapCopyIsDroppedWithoutIo) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 9; ++page) write(pid, kHeap + page * kPageSize, page + 1);
  ASSERT_EQ(read(pid, kHeap), 1u);  // page 0 back from swap, clean; evicts page 1 (dirty)
  const unsigned writes = hal.swap_writes;
  // Touch 8 more pages so that page 0 is evicted again, clean.
  for (std::uint64_t page = 9; page < 17; ++page) read(pid, kHeap + page * kPageSize);
  EXPECT_GE(kernel.stats().clean_drops, 1u);
  EXPECT_EQ(read(pid, kHeap), 1u);
  EXPECT_GE(kernel.stats().zero_drops, 1u);  // the read-only pages 9.. were never written
  EXPECT_LE(hal.swap_writes, writes + 7u);   // page 0 was not written again
}

TEST_F(KernelTest, NeverWrittenPageIsDroppedAndComesBackZero) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 9; ++page) read(pid, kHeap + page * kPageSize);
  EXPECT_EQ(kernel.stats().zero_drops, 1u);
  EXPECT_EQ(hal.swap_writes, 0u);
  EXPECT_EQ(read(pid, kHeap), 0u);
  EXPECT_EQ(kernel.stats().minor_faults, 10u);
  EXPECT_EQ(kernel.stats().major_faults, 0u);
}

TEST_F(KernelTest, ExitFreesFramesSwapSlotsAndTheAsid) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 12; ++page) write(pid, kHeap + page * kPageSize, page);
  EXPECT_EQ(kernel.stats().swap_slots_in_use, 4u);
  const std::uint16_t asid = kernel.asid_of(pid);
  kernel.exit(pid);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
  EXPECT_EQ(kernel.stats().table_frames_in_use, 0u);
  EXPECT_EQ(kernel.stats().swap_slots_in_use, 0u);
  EXPECT_EQ(kernel.stats().processes_exited, 1u);
  const std::vector<std::uint64_t> flush = {static_cast<std::uint64_t>(regs::FlushKind::Asid), 0, asid};
  EXPECT_EQ(hal.last_flush(), flush);
  // The ASID is free again, and so is the whole user-frame budget.
  const fw::Pid next = start();
  EXPECT_EQ(kernel.asid_of(next), asid);
  for (std::uint64_t page = 0; page < 8; ++page) write(next, kHeap + page * kPageSize, page);
  EXPECT_EQ(kernel.stats().evictions, 4u);  // only the first process's
}

TEST_F(KernelTest, ProcessesGetDisjointFramesAndKeepTheirData) {
  const fw::Pid a = start();
  const fw::Pid b = kernel.spawn(heap());
  write(a, kHeap, 0xA);
  kernel.switch_to(b);
  write(b, kHeap, 0xB);
  for (std::uint64_t page = 1; page < 10; ++page) write(b, kHeap + page * kPageSize, page);
  kernel.switch_to(a);
  EXPECT_EQ(read(a, kHeap), 0xAu);  // evicted by b's pages, back from swap
  kernel.switch_to(b);
  EXPECT_EQ(read(b, kHeap), 0xBu);
}

TEST_F(KernelTest, ARecycledPageTableFrameNeverLeadsIntoAnEarlierProcesssFrames) {
  // The first process's root, level-1 and level-0 tables and data frame are all freed
  // at its exit; the next process's root is one of those frames. Unless every frame
  // that becomes a table is zeroed, the dead process's PTEs are still in it and the
  // walker follows them into its old data frame.
  const fw::Pid a = start();
  write(a, kHeap, 0xDEAD);
  kernel.exit(a);
  const fw::Pid b = start();
  EXPECT_EQ(read(b, kHeap), 0u);
  EXPECT_EQ(kernel.stats().minor_faults, 2u);  // b faulted: it found no mapping of a's
  for (std::uint64_t page = 0; page < 4; ++page) write(b, kHeap + page * kPageSize, page + 1);
  for (std::uint64_t page = 0; page < 4; ++page) EXPECT_EQ(read(b, kHeap + page * kPageSize), page + 1);
}

class SmallSwapTest : public KernelTest {
 protected:
  SmallSwapTest() : KernelTest(4) { hal.swap_capacity = 2; }
};

TEST_F(SmallSwapTest, SwapFullAndNoCleanVictimKillsOnlyTheProcessThatNeedsMemory) {
  const fw::Pid a = start();
  for (std::uint64_t page = 0; page < 4; ++page) write(a, kHeap + page * kPageSize, 10 + page);
  const fw::Pid b = kernel.spawn(heap());
  kernel.switch_to(b);
  write(b, kHeap, 20);  // evicts a's page 0 to slot 0
  write(b, kHeap + kPageSize, 21);  // evicts a's page 1 to slot 1: swap is now full
  const auto report = killed(b, kHeap + 2 * kPageSize, AccessKind::Write);
  EXPECT_EQ(report.pid, b);
  EXPECT_EQ(report.reason, "out of memory: swap is full and no clean page can be evicted");
  kernel.switch_to(a);
  for (std::uint64_t page = 0; page < 2; ++page) {
    EXPECT_EQ(read(a, kHeap + page * kPageSize), 10 + page);  // a lost nothing
  }
}

TEST_F(KernelTest, SwapDmaErrorIsReportedAsAKillNotACrash) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 8; ++page) write(pid, kHeap + page * kPageSize, page);
  hal.dma_offset = std::uint64_t{1} << 40;  // the device is told an address outside DRAM
  const auto report = killed(pid, kHeap + 8 * kPageSize, AccessKind::Write);
  EXPECT_EQ(report.reason, "swap I/O error while evicting: device error: DMA failed (buffer not in DRAM)");
}

TEST_F(KernelTest, BrkMmapAndMunmapChangeTheAddressSpace) {
  fw::ProgramImage image;
  const fw::Pid pid = start(fw::standard_layout(image));
  const auto heap_end = kernel.syscall(pid, fw::Syscall::Brk, fw::Layout::kHeapBase + 3 * kPageSize);
  ASSERT_EQ(heap_end, fw::Layout::kHeapBase + 3 * kPageSize);
  write(pid, fw::Layout::kHeapBase + 2 * kPageSize, 9);
  // Shrinking frees the page; growing again gives a zero page.
  ASSERT_TRUE(kernel.syscall(pid, fw::Syscall::Brk, fw::Layout::kHeapBase + kPageSize));
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
  killed(pid, fw::Layout::kHeapBase + 2 * kPageSize, AccessKind::Read);

  const fw::Pid other = start(fw::standard_layout(image));
  const auto map = kernel.syscall(other, fw::Syscall::Mmap, 5 * kPageSize);
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ(*map, fw::Layout::kMmapTop - 5 * kPageSize);
  write(other, *map + 4 * kPageSize, 3);
  EXPECT_EQ(read(other, *map + 4 * kPageSize), 3u);
  ASSERT_EQ(kernel.syscall(other, fw::Syscall::Munmap, *map), map);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
  EXPECT_FALSE(kernel.syscall(other, fw::Syscall::Munmap, *map).has_value());
  killed(other, *map, AccessKind::Read);
  EXPECT_FALSE(kernel.syscall(other, fw::Syscall::Brk, 0x100).has_value());  // below the heap
}

class ClockKernelTest : public KernelTest {
 protected:
  ClockKernelTest() : KernelTest(3, fw::PageReplacementKind::Clock) {}
};

TEST_F(ClockKernelTest, ClockClearsTheABitInMemoryAndFlushes) {
  const fw::Pid pid = start();
  for (std::uint64_t page = 0; page < 3; ++page) read(pid, kHeap + page * kPageSize);
  const unsigned flushes = hal.flushes;
  read(pid, kHeap + 3 * kPageSize);  // every A is set: the hand clears them all, evicts page 0
  EXPECT_EQ(kernel.stats().evictions, 1u);
  EXPECT_GE(hal.flushes, flushes + 3u);
}

}  // namespace
}  // namespace mmusim
