// Sharing in the kernel, against a fake HAL: fork with copy-on-write (and the eager
// copy it is compared with), the reverse map and the swap cache under eviction, shared
// segments, libraries from the file store, the kernel region, and ASID recycling.

#include "kernel_fixture.h"

namespace mmusim {
namespace {

using namespace sv;
using test::FakeHal;
using test::KernelTest;
using test::kHeap;
namespace regs = mmu_regs;

constexpr std::uint64_t kShmA = 0x3000'0000;
constexpr std::uint64_t kShmB = 0x5000'0000;
constexpr std::uint64_t kLib = 0x4000'0000;

std::uint64_t page_va(std::uint64_t page) { return kHeap + page * kPageSize; }

TEST_F(KernelTest, ForkSharesPagesCopyOnWriteAndCopiesOnlyWhatIsWritten) {
  const fw::Pid parent = start();
  for (std::uint64_t page = 0; page < 4; ++page) write(parent, page_va(page), 10 + page);
  const auto child = kernel.fork(parent);
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(kernel.stats().user_frames_in_use, 4u);  // nothing copied
  EXPECT_EQ(kernel.stats().shared_frames, 4u);
  // The parent's PTEs are write-protected: its TLB entries for them must go.
  EXPECT_EQ(hal.last_flush(),
            (std::vector<std::uint64_t>{static_cast<std::uint64_t>(regs::FlushKind::Asid), 0,
                                        kernel.asid_of(parent)}));
  kernel.switch_to(*child);
  for (std::uint64_t page = 0; page < 4; ++page) EXPECT_EQ(read(*child, page_va(page)), 10 + page);
  write(*child, page_va(0), 99);  // a store page fault: the child gets its own copy
  EXPECT_EQ(kernel.stats().cow_faults, 1u);
  EXPECT_EQ(kernel.stats().cow_copies, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 5u);
  EXPECT_EQ(read(*child, page_va(0)), 99u);
  kernel.switch_to(parent);
  EXPECT_EQ(read(parent, page_va(0)), 10u);  // the other side is unchanged
  write(parent, page_va(0), 11);             // the only mapper left: writable, no copy
  EXPECT_EQ(kernel.stats().cow_faults, 2u);
  EXPECT_EQ(kernel.stats().cow_reuses, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 5u);
  kernel.switch_to(*child);
  EXPECT_EQ(read(*child, page_va(0)), 99u);
  kernel.exit(*child);
  EXPECT_EQ(kernel.stats().shared_frames, 0u);  // the parent maps pages 1..3 alone now
  EXPECT_EQ(kernel.stats().user_frames_in_use, 4u);
  kernel.switch_to(parent);
  write(parent, page_va(1), 12);  // still marked copy-on-write; the only mapper: reused
  EXPECT_EQ(kernel.stats().cow_reuses, 2u);
  EXPECT_EQ(read(parent, page_va(1)), 12u);
}

// The page being copied stays resident while room is made for its copy (pinned, as
// Linux holds a reference to it). With two frames, fifo's choice is that very page, the
// oldest: evicted, it faulted back in only to be chosen again.
class TwoFrameFifoTest : public KernelTest {
 protected:
  TwoFrameFifoTest() : KernelTest(2, fw::PageReplacementKind::Fifo) {}
};

TEST_F(TwoFrameFifoTest, TheSourceOfACopyIsNotEvictedToMakeRoomForIt) {
  const fw::Pid parent = start();
  write(parent, page_va(0), 10);
  write(parent, page_va(1), 11);
  const auto child = kernel.fork(parent);
  ASSERT_TRUE(child.has_value());
  kernel.switch_to(*child);
  write(*child, page_va(0), 99);
  EXPECT_EQ(kernel.stats().cow_faults, 1u);
  EXPECT_EQ(kernel.stats().cow_copies, 1u);
  EXPECT_EQ(kernel.stats().evictions, 1u);  // page 1, not the page being copied
  EXPECT_EQ(kernel.stats().major_faults, 0u);
  EXPECT_EQ(read(*child, page_va(0)), 99u);
  kernel.switch_to(parent);
  EXPECT_EQ(read(parent, page_va(0)), 10u);
  EXPECT_EQ(kernel.stats().major_faults, 0u);
  EXPECT_EQ(read(parent, page_va(1)), 11u);  // back from swap
  EXPECT_EQ(kernel.stats().major_faults, 1u);
}

class EagerForkTest : public KernelTest {
 protected:
  EagerForkTest() : KernelTest(eager(config(8, fw::PageReplacementKind::Fifo))) {}
  static fw::KernelConfig eager(fw::KernelConfig c) {
    c.fork = fw::ForkMode::Copy;
    return c;
  }
};

TEST_F(EagerForkTest, CopiesEveryResidentPrivatePage) {
  const fw::Pid parent = start();
  for (std::uint64_t page = 0; page < 3; ++page) write(parent, page_va(page), 20 + page);
  const auto child = kernel.fork(parent);
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(kernel.stats().fork_frames_copied, 3u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 6u);
  EXPECT_GT(kernel.stats().fork_time_ns, 0u);
  kernel.switch_to(*child);
  write(*child, page_va(0), 77);
  EXPECT_EQ(kernel.stats().cow_faults, 0u);
  kernel.switch_to(parent);
  EXPECT_EQ(read(parent, page_va(0)), 20u);
}

TEST_F(KernelTest, SharedPagesSurviveEvictionWithOneSlotAndTheSwapCache) {
  // 8 user frames. Parent and child share 4 pages; 8 more pages of the child's push
  // them out to swap: each keeps one slot that both swap entries name.
  const fw::Pid parent = start();
  for (std::uint64_t page = 0; page < 4; ++page) write(parent, page_va(page), 30 + page);
  const fw::Pid child = *kernel.fork(parent);
  kernel.switch_to(child);
  for (std::uint64_t page = 4; page < 12; ++page) write(child, page_va(page), 40 + page);
  EXPECT_EQ(kernel.stats().dirty_writebacks, 4u);  // one write per shared page, not two
  EXPECT_EQ(kernel.stats().swap_slots_in_use, 4u);
  EXPECT_GT(kernel.stats().shootdowns, 0u);  // the parent's PTEs changed while it slept
  kernel.switch_to(parent);
  EXPECT_EQ(read(parent, page_va(0)), 30u);  // read back from swap...
  EXPECT_EQ(kernel.stats().swap_ins, 1u);
  kernel.switch_to(child);
  EXPECT_EQ(read(child, page_va(0)), 30u);  // ...and found there by the other mapper
  EXPECT_EQ(kernel.stats().swap_ins, 1u);
  EXPECT_EQ(kernel.stats().swap_cache_hits, 1u);
  write(child, page_va(0), 50);  // still shared: copied
  EXPECT_EQ(kernel.stats().cow_copies, 1u);
  kernel.switch_to(parent);
  EXPECT_EQ(read(parent, page_va(0)), 30u);
  for (std::uint64_t page = 1; page < 4; ++page) EXPECT_EQ(read(parent, page_va(page)), 30 + page);
  kernel.switch_to(child);
  EXPECT_EQ(read(child, page_va(0)), 50u);
  for (std::uint64_t page = 1; page < 4; ++page) EXPECT_EQ(read(child, page_va(page)), 30 + page);
  kernel.exit(child);
  kernel.exit(parent);
  EXPECT_EQ(kernel.stats().swap_slots_in_use, 0u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
}

TEST_F(KernelTest, ASharedSegmentIsOneCopyWrittenByAllAndSurvivesEviction) {
  const fw::Pid a = start();
  const fw::Pid b = kernel.spawn(heap());
  const unsigned seg = kernel.shm_get("S", 2 * kPageSize);
  EXPECT_EQ(kernel.shm_get("S", 2 * kPageSize), seg);
  ASSERT_TRUE(kernel.shm_attach(a, seg, kShmA, kPteR | kPteW));
  ASSERT_TRUE(kernel.shm_attach(b, seg, kShmB, kPteR));
  write(a, kShmA + kPageSize + 8, 0x55);
  kernel.switch_to(b);
  EXPECT_EQ(read(b, kShmB + kPageSize + 8), 0x55u);  // the same frame, another VA
  EXPECT_EQ(kernel.stats().shared_frames, 1u);
  const auto report = killed(b, kShmB, AccessKind::Write);  // attached read-only
  EXPECT_EQ(report.reason, "segmentation fault: region 'shm S' forbids write");
  // Push the segment's page out and bring it back.
  kernel.switch_to(a);
  for (std::uint64_t page = 0; page < 9; ++page) write(a, page_va(page), page);
  EXPECT_EQ(read(a, kShmA + kPageSize + 8), 0x55u);
  EXPECT_GE(kernel.stats().swap_ins, 1u);
  // A fork keeps the segment shared (not copy-on-write).
  const fw::Pid child = *kernel.fork(a);
  kernel.switch_to(child);
  write(child, kShmA + 16, 0x66);
  EXPECT_EQ(kernel.stats().cow_faults, 0u);
  kernel.switch_to(a);
  EXPECT_EQ(read(a, kShmA + 16), 0x66u);
  // Removed: it lives until the last detach, then its frames and slots are freed.
  kernel.shm_remove(seg);
  EXPECT_TRUE(kernel.shm_detach(a, kShmA));
  EXPECT_FALSE(kernel.shm_detach(a, kShmA));
  kernel.exit(child);
  EXPECT_NE(kernel.shm_get("S", kPageSize), seg);  // a new segment by that name
}

class LibraryTest : public KernelTest {
 protected:
  LibraryTest() : KernelTest(with_library(config(4, fw::PageReplacementKind::Fifo))) {}
  static fw::KernelConfig with_library(fw::KernelConfig c) {
    c.file_store_blocks = 2;
    c.libraries = {{"L", 2 * kPageSize, 62}};  // the fake device has 64 blocks
    return c;
  }
};

TEST_F(LibraryTest, IsReadFromTheFileStoreOnceDroppedCleanAndReadAgain) {
  hal.load_block(62, std::vector<std::uint64_t>(512, 0x11));
  hal.load_block(63, std::vector<std::uint64_t>(512, 0x22));
  const fw::Pid a = start();
  const fw::Pid b = kernel.spawn(heap());
  ASSERT_TRUE(kernel.map_library(a, 0, kLib));
  ASSERT_TRUE(kernel.map_library(b, 0, kLib + 0x100'0000));
  EXPECT_EQ(read(a, kLib + kPageSize), 0x22u);
  EXPECT_EQ(kernel.stats().library_reads, 1u);
  kernel.switch_to(b);
  EXPECT_EQ(read(b, kLib + 0x100'0000 + kPageSize), 0x22u);
  EXPECT_EQ(kernel.stats().library_reads, 1u);  // found resident
  EXPECT_EQ(std::get<std::uint64_t>(access(b, kLib + 0x100'0000, AccessKind::Fetch)), 0x11u);
  const auto report = killed(b, kLib + 0x100'0000, AccessKind::Write);
  EXPECT_EQ(report.reason, "segmentation fault: region 'lib L' forbids write");
  kernel.switch_to(a);
  for (std::uint64_t page = 0; page < 4; ++page) write(a, page_va(page), page);  // evicts both
  EXPECT_EQ(hal.swap_writes, 0u);  // clean: dropped, not written
  EXPECT_EQ(read(a, kLib + kPageSize), 0x22u);
  EXPECT_EQ(kernel.stats().library_reads, 3u);
}

TEST_F(KernelTest, TheKernelRegionIsGlobalSupervisorOnlyAndInEveryAddressSpace) {
  const fw::Pid a = start();
  const fw::Pid b = kernel.spawn(heap());
  // Supervisor accesses translate in both address spaces, to the same frame, G set.
  std::vector<std::uint64_t> pas;
  for (const fw::Pid pid : {a, b}) {
    kernel.switch_to(pid);
    ReferenceEngine engine(mmu, memory);
    engine.write_satp(hal.satp);
    sc_core::sc_time d;
    const auto r =
        engine.translate({kernel.kernel_base() + 8, {AccessKind::Read, Privilege::Supervisor}}, d);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r.pte & kPteG, 0u);
    EXPECT_EQ(r.pte & kPteU, 0u);
    pas.push_back(r.pa);
  }
  EXPECT_EQ(pas[0], pas[1]);
  const auto report = killed(b, kernel.kernel_base() + 8, AccessKind::Read);
  EXPECT_EQ(report.reason, "segmentation fault: the kernel region is supervisor-only");
  EXPECT_EQ(report.kind, fw::KillKind::Segfault);
  kernel.switch_to(a);
  EXPECT_EQ(read(a, kHeap), 0u);  // a runs on: b's exit left the shared tables alone
  ReferenceEngine engine(mmu, memory);
  engine.write_satp(hal.satp);
  sc_core::sc_time d;
  EXPECT_TRUE(
      engine.translate({kernel.kernel_base(), {AccessKind::Write, Privilege::Supervisor}}, d).ok());
}

TEST_F(KernelTest, WithTwoAsidBitsAsidsAreRecycledAfterAFlushOfEverything) {
  hal.asid_bits = 2;  // the kernel finds out when the first process starts
  std::vector<fw::Pid> pids;
  for (int i = 0; i < 6; ++i) pids.push_back(start());
  EXPECT_EQ(kernel.asid_count(), 4u);
  EXPECT_EQ(kernel.stats().asid_rollovers, 1u);  // the fifth process found none free
  bool flushed_all = false;
  for (const auto& [offset, value] : hal.mmio) {
    flushed_all |=
        offset == regs::kFlushCmd && value == static_cast<std::uint64_t>(regs::FlushKind::All);
  }
  EXPECT_TRUE(flushed_all);
  for (const fw::Pid pid : pids) EXPECT_LT(kernel.asid_of(pid), 4u);
  // Every process still reaches only its own data, whatever ASID it has now.
  for (const fw::Pid pid : pids) {
    kernel.switch_to(pid);
    write(pid, kHeap, 100 + pid);
  }
  for (const fw::Pid pid : pids) {
    kernel.switch_to(pid);
    EXPECT_EQ(read(pid, kHeap), 100 + pid);
    EXPECT_EQ(Satp::decode(hal.satp).asid, kernel.asid_of(pid));
  }
}

}  // namespace
}  // namespace mmusim
