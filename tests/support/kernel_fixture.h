#pragma once
// The kernel against a fake HAL. A test "cpu" translates with the reference engine
// over the tables the kernel built in (fake) DRAM, runs the trap handler on a fault and
// retries, exactly as the platform's cpu does.

#include <gtest/gtest.h>
#include <variant>

#include "fake_hal.h"
#include "kernel.h"
#include "reference_engine.h"

namespace mmusim::test {

using namespace sv;

constexpr std::uint64_t kHeap = 0x1000'0000;

class KernelTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kDramFrames = 64;

  explicit KernelTest(std::uint64_t user_frames = 8,
                      fw::PageReplacementKind policy = fw::PageReplacementKind::Fifo)
      : KernelTest(config(user_frames, policy)) {}
  explicit KernelTest(const fw::KernelConfig& config)
      : hal(memory, config.dram_size), kernel(hal, config) {}

  static fw::KernelConfig config(std::uint64_t user_frames, fw::PageReplacementKind policy) {
    fw::KernelConfig c;
    c.mode = Mode::Sv39;
    c.dram_base = FakeHal::kDram;
    c.dram_size = kDramFrames * kPageSize;
    c.mmu_base = FakeHal::kMmu;
    c.swap_base = FakeHal::kSwap;
    c.user_frames = user_frames;
    c.replacement = policy;
    return c;
  }
  static std::vector<fw::Region> heap(std::uint64_t perms = kPteR | kPteW) {
    return {{"heap", fw::RegionKind::Heap, kHeap, kHeap + 0x10'0000, perms}};
  }

  // One access as the cpu makes it: translate, trap and retry until done or killed.
  // Returns the word read (or written), or the kill report.
  std::variant<std::uint64_t, fw::KillReport> access(fw::Pid pid, std::uint64_t va, AccessKind kind,
                                                     std::uint64_t value = 0) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      ReferenceEngine engine(mmu, memory);
      engine.write_satp(hal.satp);
      sc_core::sc_time d;
      const auto r = engine.translate({va, {kind, Privilege::User}}, d);
      if (r.ok()) {
        if (kind == AccessKind::Write) memory.words[r.pa] = value;
        return memory.word(r.pa);
      }
      hal.fault_cause = r.cause;
      hal.fault_va = va;
      if (auto killed = kernel.handle_trap(pid)) return *killed;
    }
    ADD_FAILURE() << "no progress at " << std::hex << va;
    return std::uint64_t{0};
  }
  std::uint64_t read(fw::Pid pid, std::uint64_t va) {
    const auto r = access(pid, va, AccessKind::Read);
    EXPECT_TRUE(std::holds_alternative<std::uint64_t>(r)) << std::get<fw::KillReport>(r).reason;
    return std::holds_alternative<std::uint64_t>(r) ? std::get<std::uint64_t>(r) : 0;
  }
  void write(fw::Pid pid, std::uint64_t va, std::uint64_t value) {
    const auto r = access(pid, va, AccessKind::Write, value);
    EXPECT_TRUE(std::holds_alternative<std::uint64_t>(r)) << std::get<fw::KillReport>(r).reason;
  }
  fw::KillReport killed(fw::Pid pid, std::uint64_t va, AccessKind kind) {
    const auto r = access(pid, va, kind, 1);
    EXPECT_TRUE(std::holds_alternative<fw::KillReport>(r)) << "not killed";
    return std::holds_alternative<fw::KillReport>(r) ? std::get<fw::KillReport>(r)
                                                     : fw::KillReport{};
  }
  fw::Pid start(std::vector<fw::Region> regions = heap()) {
    const fw::Pid pid = kernel.spawn(std::move(regions));
    kernel.switch_to(pid);
    return pid;
  }

  MmuConfig mmu;
  test::FakeMemory memory;
  FakeHal hal;
  fw::Kernel kernel;
};

}  // namespace mmusim::test
