// The swap device through its registers: DMA round trips, timing, errors, interrupt.

#include <gtest/gtest.h>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "bus.h"
#include "config.h"
#include "dram.h"
#include "swap_device.h"
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
  SwapFixture() : bus("bus", sc_time(1, sc_core::SC_NS)) {
    DramConfig dc;
    dc.size = 1 << 20;
    dram = std::make_unique<Dram>("dram", dc);
    SwapConfig sc;
    sc.size = 16 * kBytesPerBlock;
    swap = std::make_unique<SwapDevice>("swap", sc);
    cpu.socket.bind(bus.target);
    swap->dma.bind(bus.target);
    bus.attach(dram->target, "dram", kDramBase, dc.size);
    bus.attach(swap->regs, "swap", kSwapRegsBase, kRegionSize);
    swap->irq.bind(irq);
    cpu.irq.bind(irq);
  }
  Driver cpu{"cpu"};
  Bus bus;
  std::unique_ptr<Dram> dram;
  std::unique_ptr<SwapDevice> swap;
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> irq{"irq"};
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

}  // namespace
}  // namespace mmusim
