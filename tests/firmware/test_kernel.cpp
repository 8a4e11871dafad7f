// The kernel against a fake HAL: page tables it builds are walked by the reference
// engine, so what the firmware writes is checked by the same rules the hardware uses.

#include <gtest/gtest.h>
#include <vector>

#include "fake_memory.h"
#include "kernel.h"
#include "reference_engine.h"

namespace mmusim {
namespace {

using namespace sv;
namespace regs = mmu_regs;

constexpr std::uint64_t kMmu = 0x1000'0000;
constexpr std::uint64_t kDram = 0x8000'0000;

class FakeHal final : public fw::Hal {
 public:
  explicit FakeHal(test::FakeMemory& memory) : memory_(memory) {}
  std::uint64_t load64(std::uint64_t pa) override {
    if (pa == kMmu + regs::kFaultCause) return static_cast<std::uint64_t>(fault_cause);
    if (pa == kMmu + regs::kFaultVa) return fault_va;
    if (pa >= kMmu && pa < kMmu + regs::kBlockSize) return 0;
    return memory_.word(pa);
  }
  void store64(std::uint64_t pa, std::uint64_t value) override {
    if (pa >= kMmu && pa < kMmu + regs::kBlockSize) {
      mmio.emplace_back(pa - kMmu, value);
      if (pa == kMmu + regs::kSatp) satp = value;
      return;
    }
    memory_.words[pa] = value;
  }
  void store_zeros(std::uint64_t pa, std::uint64_t bytes) override {
    for (std::uint64_t i = 0; i < bytes; i += 8) memory_.words[pa + i] = 0;
    zeroed.push_back(pa);
  }
  void spend(std::uint64_t ps) override { spent_ps += ps; }

  // The last flush command as (kind, va, asid), from the MMIO writes.
  std::vector<std::uint64_t> last_flush() const {
    std::uint64_t va = 0, asid = 0;
    std::vector<std::uint64_t> out;
    for (const auto& [offset, value] : mmio) {
      if (offset == regs::kFlushVa) va = value;
      if (offset == regs::kFlushAsid) asid = value;
      if (offset == regs::kFlushCmd) out = {value, va, asid};
    }
    return out;
  }

  Cause fault_cause = Cause::None;
  std::uint64_t fault_va = 0;
  std::uint64_t satp = 0;
  std::uint64_t spent_ps = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> mmio;
  std::vector<std::uint64_t> zeroed;

 private:
  test::FakeMemory& memory_;
};

class KernelTest : public ::testing::Test {
 protected:
  KernelTest() : hal(memory), kernel(hal, kernel_config()) {}
  static fw::KernelConfig kernel_config() {
    fw::KernelConfig c;
    c.mode = Mode::Sv39;
    c.dram_base = kDram;
    c.dram_size = 64 * kPageSize;
    c.mmu_base = kMmu;
    c.user_frames = 8;
    return c;
  }
  static std::vector<fw::Region> heap(std::uint64_t perms = kPteR | kPteW) {
    return {{"heap", 0x1000'0000, 0x1010'0000, perms}};
  }
  // Translates with the reference engine under the kernel's current satp.
  TranslationResult walk(std::uint64_t va, AccessKind kind) {
    ReferenceEngine engine(MmuConfig{}, memory);
    engine.write_satp(hal.satp);
    sc_core::sc_time d;
    return engine.translate({va, {kind, Privilege::User}}, d);
  }
  std::optional<fw::KillReport> fault(fw::Pid pid, Cause cause, std::uint64_t va) {
    hal.fault_cause = cause;
    hal.fault_va = va;
    return kernel.handle_trap(pid);
  }

  test::FakeMemory memory;
  FakeHal hal;
  fw::Kernel kernel;
};

TEST_F(KernelTest, SwitchWritesSatpWithModeAsidAndRoot) {
  const fw::Pid a = kernel.spawn(heap());
  const fw::Pid b = kernel.spawn(heap());
  kernel.switch_to(b);
  const Satp satp = Satp::decode(hal.satp);
  EXPECT_EQ(satp.mode, Mode::Sv39);
  EXPECT_EQ(satp.asid, kernel.asid_of(b));
  EXPECT_NE(kernel.asid_of(a), kernel.asid_of(b));
  EXPECT_GE(satp.root_ppn << kPageShift, kDram);
  EXPECT_EQ(kernel.stats().table_frames_in_use, 2u);  // one root each
}

TEST_F(KernelTest, DemandZeroMapsAZeroedFrameThatTheWalkerAccepts) {
  const fw::Pid pid = kernel.spawn(heap());
  kernel.switch_to(pid);
  EXPECT_EQ(walk(0x1000'2000, AccessKind::Read).cause, Cause::LoadPageFault);
  EXPECT_FALSE(fault(pid, Cause::LoadPageFault, 0x1000'2468).has_value());
  const auto r = walk(0x1000'2468, AccessKind::Write);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r.pa, kDram);
  EXPECT_LT(r.pa, kDram + 64 * kPageSize);
  EXPECT_EQ(r.pa & 0xFFF, 0x468u);
  EXPECT_NE(std::find(hal.zeroed.begin(), hal.zeroed.end(), r.pa & ~0xFFFull), hal.zeroed.end());
  EXPECT_EQ(walk(0x1000'2000, AccessKind::Fetch).cause, Cause::InstrPageFault);  // region is RW
  const std::vector<std::uint64_t> flush = {static_cast<std::uint64_t>(regs::FlushKind::VaAsid),
                                            0x1000'2000, kernel.asid_of(pid)};
  EXPECT_EQ(hal.last_flush(), flush);
  EXPECT_EQ(kernel.stats().minor_faults, 1u);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 1u);
  EXPECT_GT(hal.spent_ps, 0u);
}

TEST_F(KernelTest, AccessOutsideEveryRegionKillsWithAReport) {
  const fw::Pid pid = kernel.spawn(heap());
  kernel.switch_to(pid);
  const auto report = fault(pid, Cause::StorePageFault, 0x2000'0000);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->pid, pid);
  EXPECT_EQ(report->va, 0x2000'0000u);
  EXPECT_EQ(report->access, AccessKind::Write);
  EXPECT_EQ(report->cause, Cause::StorePageFault);
  EXPECT_NE(report->reason.find("segmentation fault"), std::string::npos);
  EXPECT_EQ(kernel.stats().kills, 1u);
  EXPECT_EQ(kernel.stats().table_frames_in_use, 0u);
}

TEST_F(KernelTest, AccessTheRegionForbidsKills) {
  const fw::Pid pid = kernel.spawn(heap(kPteR));
  const auto report = fault(pid, Cause::StorePageFault, 0x1000'0000);
  ASSERT_TRUE(report.has_value());
  EXPECT_NE(report->reason.find("forbids"), std::string::npos);
}

TEST_F(KernelTest, AccessFaultKills) {
  const fw::Pid pid = kernel.spawn(heap());
  ASSERT_TRUE(fault(pid, Cause::LoadAccessFault, 0x1000'0000).has_value());
}

TEST_F(KernelTest, SvadeFaultsSetAThenD) {
  const fw::Pid pid = kernel.spawn(heap());
  kernel.switch_to(pid);
  ASSERT_FALSE(fault(pid, Cause::LoadPageFault, 0x1000'0000).has_value());
  MmuConfig svade;
  svade.ad_update = AdUpdate::Fault;
  auto walk_svade = [&](AccessKind kind) {
    ReferenceEngine engine(svade, memory);
    engine.write_satp(hal.satp);
    sc_core::sc_time d;
    return engine.translate({0x1000'0000, {kind, Privilege::User}}, d).cause;
  };
  EXPECT_EQ(walk_svade(AccessKind::Read), Cause::LoadPageFault);  // A clear
  ASSERT_FALSE(fault(pid, Cause::LoadPageFault, 0x1000'0000).has_value());
  EXPECT_EQ(walk_svade(AccessKind::Read), Cause::None);
  EXPECT_EQ(walk_svade(AccessKind::Write), Cause::StorePageFault);  // D clear
  ASSERT_FALSE(fault(pid, Cause::StorePageFault, 0x1000'0000).has_value());
  EXPECT_EQ(walk_svade(AccessKind::Write), Cause::None);
  EXPECT_EQ(kernel.stats().ad_faults, 2u);
  EXPECT_EQ(kernel.stats().minor_faults, 1u);
}

TEST_F(KernelTest, ExitFreesEveryFrameAndFlushesTheAsid) {
  const fw::Pid pid = kernel.spawn(heap());
  kernel.switch_to(pid);
  for (std::uint64_t page = 0; page < 4; ++page) {
    ASSERT_FALSE(fault(pid, Cause::StorePageFault, 0x1000'0000 + page * kPageSize).has_value());
  }
  EXPECT_EQ(kernel.stats().user_frames_in_use, 4u);
  kernel.exit(pid);
  EXPECT_EQ(kernel.stats().user_frames_in_use, 0u);
  EXPECT_EQ(kernel.stats().table_frames_in_use, 0u);
  const std::vector<std::uint64_t> flush = {static_cast<std::uint64_t>(regs::FlushKind::Asid), 0,
                                            kernel.asid_of(pid)};
  EXPECT_EQ(hal.last_flush(), flush);
  // All frames are free again: a new process can use the full user-frame budget.
  const fw::Pid next = kernel.spawn(heap());
  for (std::uint64_t page = 0; page < 8; ++page) {
    ASSERT_FALSE(fault(next, Cause::StorePageFault, 0x1000'0000 + page * kPageSize).has_value());
  }
}

TEST_F(KernelTest, UserFrameLimitStopsDemandPaging) {
  const fw::Pid pid = kernel.spawn(heap());
  for (std::uint64_t page = 0; page < 8; ++page) {
    ASSERT_FALSE(fault(pid, Cause::StorePageFault, 0x1000'0000 + page * kPageSize).has_value());
  }
  const auto report = fault(pid, Cause::StorePageFault, 0x1000'0000 + 8 * kPageSize);
  ASSERT_TRUE(report.has_value());
  EXPECT_NE(report->reason.find("out of memory"), std::string::npos);
}

TEST_F(KernelTest, ProcessesGetDisjointFrames) {
  const fw::Pid a = kernel.spawn(heap());
  const fw::Pid b = kernel.spawn(heap());
  kernel.switch_to(a);
  ASSERT_FALSE(fault(a, Cause::StorePageFault, 0x1000'0000).has_value());
  const auto pa_a = walk(0x1000'0000, AccessKind::Read);
  kernel.switch_to(b);
  ASSERT_FALSE(fault(b, Cause::StorePageFault, 0x1000'0000).has_value());
  const auto pa_b = walk(0x1000'0000, AccessKind::Read);
  ASSERT_TRUE(pa_a.ok());
  ASSERT_TRUE(pa_b.ok());
  EXPECT_NE(pa_a.pa, pa_b.pa);
}

}  // namespace
}  // namespace mmusim
