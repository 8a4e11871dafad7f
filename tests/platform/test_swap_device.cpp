// The swap device through its registers: DMA round trips, timing, errors, interrupt.

#include <gtest/gtest.h>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "swap_bench.h"
#include "transport.h"

namespace mmusim {
namespace {

using namespace swap_regs;
using sc_core::sc_time;

// Drives the device from a thread, as the firmware does, and records what it saw.
struct Driver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Driver> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};
  std::function<void(Driver&)> script;

  explicit Driver(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {
    SC_HAS_PROCESS(Driver);
    SC_THREAD(run);
  }
  void run() { script(*this); }

  std::uint64_t access(tlm::tlm_command cmd, std::uint64_t addr, std::uint64_t value = 0) {
    sc_time delay;
    EXPECT_EQ(test::transport64(socket, cmd, addr, value, delay), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    return value;
  }
  std::uint64_t reg(std::uint64_t offset) { return access(tlm::TLM_READ_COMMAND, kSwapRegsBase + offset); }
  void set(std::uint64_t offset, std::uint64_t v) { access(tlm::TLM_WRITE_COMMAND, kSwapRegsBase + offset, v); }
  // Starts a command, waits for the interrupt, acks it; returns the status.
  Status command(Command c, std::uint64_t block, std::uint64_t pa, std::uint64_t count = 1) {
    set(kBlock, block);
    set(kDramAddr, pa);
    set(kCount, count);
    set(kCommand, static_cast<std::uint64_t>(c));
    if (!irq.read()) wait(irq.posedge_event());
    const auto status = static_cast<Status>(reg(kStatus));
    set(kIrqAck, 1);
    wait(sc_core::SC_ZERO_TIME);
    EXPECT_FALSE(irq.read());
    return status;
  }
};

struct SwapFixture : ::testing::Test {
  explicit SwapFixture(const SwapFaults& faults = {}) : bench(faults, cpu.socket, cpu.irq) {}
  Driver cpu{"cpu"};
  test::SwapBench bench;
  std::unique_ptr<SwapDevice>& swap = bench.swap;
};

TEST_F(SwapFixture, PageRoundTripsThroughTheDeviceWithTheDocumentedTiming) {
  sc_time write_took;
  cpu.script = [&](Driver& d) {
    for (std::uint64_t i = 0; i < 512; ++i) d.access(tlm::TLM_WRITE_COMMAND, kDramBase + 8 * i, i * 3 + 1);
    EXPECT_EQ(d.reg(kCapacity), 16u);
    EXPECT_EQ(d.reg(kBlockSize), 4096u);
    const sc_time start = sc_core::sc_time_stamp();
    EXPECT_EQ(d.command(Command::Write, 5, kDramBase), Status::Done);
    write_took = sc_core::sc_time_stamp() - start;
    EXPECT_EQ(d.command(Command::Read, 5, kDramBase + 0x4000), Status::Done);
    for (std::uint64_t i = 0; i < 512; ++i) {
      ASSERT_EQ(d.access(tlm::TLM_READ_COMMAND, kDramBase + 0x4000 + 8 * i), i * 3 + 1) << i;
    }
    // A block never written reads back as zeros.
    d.access(tlm::TLM_WRITE_COMMAND, kDramBase + 0x8000, 0xFFFF);
    EXPECT_EQ(d.command(Command::Read, 6, kDramBase + 0x8000), Status::Done);
    EXPECT_EQ(d.access(tlm::TLM_READ_COMMAND, kDramBase + 0x8000), 0u);
  };
  sc_core::sc_start();
  const SwapTiming ssd = SwapTiming::ssd();
  // The command reaches the device one bus hop (1 ns) after it is written.
  EXPECT_EQ(write_took, sc_time(1, sc_core::SC_NS) + ssd.command_time + ssd.byte_time * 4096.0);
  EXPECT_EQ(swap->stats().writes, 1u);
  EXPECT_EQ(swap->stats().reads, 2u);
  EXPECT_EQ(swap->stats().bytes_written, 4096u);
  EXPECT_EQ(swap->stats().busy_ps, std::uint64_t{3} * (20000 + 2048) * 1000);
}

TEST_F(SwapFixture, DmaOutsideDramFailsWithAnErrorTheFirmwareCanRead) {
  cpu.script = [&](Driver& d) {
    EXPECT_EQ(d.command(Command::Read, 0, 0x4000'0000), Status::Failed);
    EXPECT_EQ(d.reg(kError), static_cast<std::uint64_t>(Error::DmaFailed));
    EXPECT_EQ(d.command(Command::Write, 16, kDramBase), Status::Failed);  // block 16 of 16
    EXPECT_EQ(d.reg(kError), static_cast<std::uint64_t>(Error::OutOfRange));
    EXPECT_EQ(d.command(Command::Write, 0, kDramBase, 0), Status::Failed);
    EXPECT_EQ(d.reg(kError), static_cast<std::uint64_t>(Error::BadCommand));
    EXPECT_EQ(d.command(static_cast<Command>(9), 0, kDramBase), Status::Failed);
    EXPECT_EQ(d.command(Command::Write, 15, kDramBase), Status::Done);  // the device still works
  };
  sc_core::sc_start();
  EXPECT_EQ(swap->stats().errors, 4u);
}

// The operands are latched when the command starts (the fuzz target found a BLOCK past
// the device's end, written while busy, reach the transfer): what the registers say
// while it runs changes nothing in flight.
TEST_F(SwapFixture, OperandsWrittenWhileBusyDoNotChangeTheRunningCommand) {
  cpu.script = [&](Driver& d) {
    d.access(tlm::TLM_WRITE_COMMAND, kDramBase, 0x1234);
    d.set(kBlock, 3);
    d.set(kDramAddr, kDramBase);
    d.set(kCount, 1);
    d.set(kCommand, static_cast<std::uint64_t>(Command::Write));
    EXPECT_EQ(d.reg(kStatus), static_cast<std::uint64_t>(Status::Busy));
    d.set(kBlock, ~std::uint64_t{0} - 1);  // far past the device's 16 blocks
    d.set(kDramAddr, 0x4000'0000);         // not DRAM
    d.set(kCount, 1u << 30);
    if (!d.irq.read()) wait(d.irq.posedge_event());
    EXPECT_EQ(d.reg(kStatus), static_cast<std::uint64_t>(Status::Done));
    d.set(kIrqAck, 1);
    wait(sc_core::SC_ZERO_TIME);  // the line falls a delta later
    EXPECT_EQ(d.command(Command::Read, 3, kDramBase + 0x1000), Status::Done);
    EXPECT_EQ(d.access(tlm::TLM_READ_COMMAND, kDramBase + 0x1000), 0x1234u);
  };
  sc_core::sc_start();
  EXPECT_EQ(swap->stats().bytes_written, 4096u);
}

TEST_F(SwapFixture, TheChecksumRegisterIsTheStoredBlocks) {
  cpu.script = [&](Driver& d) {
    BlockChecksum written, zeros;
    for (std::uint64_t i = 0; i < 512; ++i) {
      d.access(tlm::TLM_WRITE_COMMAND, kDramBase + 8 * i, i * 7 + 3);
      written.add(i * 7 + 3);
      zeros.add(0);
    }
    EXPECT_EQ(d.command(Command::Write, 5, kDramBase), Status::Done);
    d.set(kBlock, 5);
    EXPECT_EQ(d.reg(kChecksum), written.value());
    d.set(kBlock, 6);  // never written: all zeros
    EXPECT_EQ(d.reg(kChecksum), zeros.value());
  };
  sc_core::sc_start();
}

// Every command faults, in the one kind each test enables.
SwapFaults always(bool error, bool timeout, bool corrupt) {
  SwapFaults f;
  f.rate = 1;
  f.error = error;
  f.timeout = timeout;
  f.corrupt = corrupt;
  return f;
}

struct MediaErrors : SwapFixture {
  MediaErrors() : SwapFixture(always(true, false, false)) {}
};
TEST_F(MediaErrors, FailTheCommandWithTheirOwnErrorCode) {
  cpu.script = [&](Driver& d) {
    EXPECT_EQ(d.command(Command::Write, 0, kDramBase), Status::Failed);
    EXPECT_EQ(d.reg(kError), static_cast<std::uint64_t>(Error::MediaError));
  };
  sc_core::sc_start();
  EXPECT_EQ(swap->stats().injected_errors, 1u);
  EXPECT_EQ(swap->stats().writes, 0u);
}

struct Timeouts : SwapFixture {
  Timeouts() : SwapFixture(always(false, true, false)) {}
};
TEST_F(Timeouts, LeaveTheDeviceBusyWithNoInterruptUntilAborted) {
  cpu.script = [&](Driver& d) {
    d.set(kBlock, 0);
    d.set(kDramAddr, kDramBase);
    d.set(kCount, 1);
    d.set(kCommand, static_cast<std::uint64_t>(Command::Read));
    wait(sc_time(1, sc_core::SC_MS));  // fifty times the command's service time
    EXPECT_FALSE(d.irq.read());
    EXPECT_EQ(d.reg(kStatus), static_cast<std::uint64_t>(Status::Busy));
    d.set(kCommand, static_cast<std::uint64_t>(Command::Abort));
    EXPECT_EQ(d.reg(kStatus), static_cast<std::uint64_t>(Status::Idle));
    EXPECT_FALSE(d.irq.read());
  };
  sc_core::sc_start();
  EXPECT_EQ(swap->stats().injected_timeouts, 1u);
  EXPECT_EQ(swap->stats().aborts, 1u);
}

struct Corruptions : SwapFixture {
  Corruptions() : SwapFixture(always(false, false, true)) {}
};
TEST_F(Corruptions, DeliverOneByteChangedWhileTheStoredBlockAndItsChecksumStay) {
  cpu.script = [&](Driver& d) {
    for (std::uint64_t i = 0; i < 512; ++i) d.access(tlm::TLM_WRITE_COMMAND, kDramBase + 8 * i, i);
    EXPECT_EQ(d.command(Command::Write, 2, kDramBase), Status::Done);  // writes never corrupt
    EXPECT_EQ(d.command(Command::Read, 2, kDramBase + kBytesPerBlock), Status::Done);
    BlockChecksum delivered;
    unsigned bytes_changed = 0;
    for (std::uint64_t i = 0; i < 512; ++i) {
      const std::uint64_t word = d.access(tlm::TLM_READ_COMMAND, kDramBase + kBytesPerBlock + 8 * i);
      delivered.add(word);
      for (std::uint64_t diff = word ^ i; diff != 0; diff >>= 8) bytes_changed += (diff & 0xFF) != 0;
    }
    EXPECT_EQ(bytes_changed, 1u);
    d.set(kBlock, 2);
    EXPECT_NE(d.reg(kChecksum), delivered.value());
  };
  sc_core::sc_start();
  EXPECT_EQ(swap->stats().injected_corruptions, 1u);
}

}  // namespace
}  // namespace mmusim
