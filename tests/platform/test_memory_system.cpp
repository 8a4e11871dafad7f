// The TLM models together: DRAM timing, sparse storage, debug and DMI access through the
// bus, and the mmu's registers, faults and flushes seen from the cpu's side.

#include <gtest/gtest.h>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "bus.h"
#include "config.h"
#include "dram.h"
#include "mem_attr.h"
#include "mmu.h"
#include "reference_engine.h"
#include "test_initiator.h"

namespace mmusim {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using test::Initiator;

// dram alone, behind an initiator, DDR4-2400 defaults.
struct DramFixture : ::testing::Test {
  DramFixture() {
    DramConfig c;
    c.size = std::uint64_t{1} << 30;
    dram = std::make_unique<Dram>("dram", c);
    cpu.socket.bind(dram->target);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  Initiator cpu{"cpu"};
  std::unique_ptr<Dram> dram;
};

TEST_F(DramFixture, OpenRowTimingHitMissConflict) {
  const DramTiming t;
  sc_time latency;
  cpu.read(0, &latency);  // bank 0 idle: activate + column + burst
  EXPECT_EQ(latency, t.t_rcd + t.t_cl + t.t_burst);
  cpu.read(64, &latency);  // same row
  EXPECT_EQ(latency, t.t_cl + t.t_burst);
  cpu.read(16 * 8192, &latency);  // row_index 16: bank 0 again, another row
  EXPECT_EQ(latency, t.t_rp + t.t_rcd + t.t_cl + t.t_burst);
  cpu.read(8192, &latency);  // bank 1, idle
  EXPECT_EQ(latency, t.t_rcd + t.t_cl + t.t_burst);
  const DramStats& s = dram->stats();
  EXPECT_EQ(s.row_hits, 1u);
  EXPECT_EQ(s.row_misses, 2u);
  EXPECT_EQ(s.row_conflicts, 1u);
  EXPECT_EQ(s.reads, 4u);
}

TEST_F(DramFixture, StorageIsSparseAndReadsNeverAllocate) {
  cpu.write(0x1000, 0x1111);
  cpu.write(0x3FFF'F000, 0x2222);  // near the top of 1 GiB
  EXPECT_EQ(cpu.read(0x2000'0000), 0u);
  EXPECT_EQ(cpu.read(0x1000), 0x1111u);
  EXPECT_EQ(cpu.read(0x3FFF'F000), 0x2222u);
  EXPECT_EQ(dram->stats().pages_allocated, 2u);
}

TEST_F(DramFixture, DebugAccessTakesNoTimeAndLeavesCountersAlone) {
  cpu.write(0x40, 7);
  const DramStats before = dram->stats();
  std::uint64_t v = 0;
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(0x40);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(8);
  EXPECT_EQ(cpu.socket->transport_dbg(t), 8u);
  EXPECT_EQ(v, 7u);
  EXPECT_EQ(dram->stats().reads, before.reads);
  EXPECT_EQ(dram->stats().row_hits, before.row_hits);
}

TEST_F(DramFixture, OutOfRangeIsAnAddressError) {
  std::uint64_t v = 0;
  sc_time d;
  EXPECT_EQ(cpu.access(tlm::TLM_READ_COMMAND, std::uint64_t{1} << 30, v, d),
            tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(cpu.access(tlm::TLM_READ_COMMAND, (std::uint64_t{1} << 30) - 4, v, d),
            tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

// cpu -> mmu -> bus -> dram, and a physical port -> bus -> {dram, mmu registers}.
struct MmuFixture : ::testing::Test {
  MmuFixture() : bus("bus", sc_time(1, SC_NS)) {
    MmuConfig mc;
    mmu = std::make_unique<Mmu>("mmu", mc, [](const MmuConfig& c, PteMemory& m) {
      return std::make_unique<ReferenceEngine>(c, m);
    });
    DramConfig dc;
    dc.size = 16 << 20;
    dram = std::make_unique<Dram>("dram", dc);
    cpu.socket.bind(mmu->cpu_target);
    phys.socket.bind(bus.target);
    mmu->mem_initiator.bind(bus.target);
    mmu->walk_initiator.bind(bus.target);
    bus.attach(dram->target, "dram", kDramBase, dc.size);
    bus.attach(mmu->reg_target, "mmu", kMmuRegsBase, mmu_regs::kBlockSize);
    mmu->irq.bind(irq);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    // Sv39 tables at DRAM base: root, level-1 table, level-0 table; VA 0x1000 -> data page.
    phys.debug_write(root, sv::make_pte(root + 0x1000, sv::kPteV));
    phys.debug_write(root + 0x1000, sv::make_pte(root + 0x2000, sv::kPteV));
    map(0x1000, data_page);
    phys.write(reg(mmu_regs::kSatp), sv::Satp{sv::Mode::Sv39, 5, root >> 12}.encode());
  }
  void map(std::uint64_t va, std::uint64_t pa) {
    phys.debug_write(root + 0x2000 + sv::vpn(va, 0) * 8,
                     sv::make_pte(pa, sv::kPteV | sv::kPteR | sv::kPteW | sv::kPteU));
  }
  static std::uint64_t reg(std::uint64_t offset) { return kMmuRegsBase + offset; }
  tlm::tlm_response_status virtual_access(tlm::tlm_command cmd, std::uint64_t va,
                                          std::uint64_t& value) {
    MemAttr attr;
    attr.ctx.kind = cmd == tlm::TLM_WRITE_COMMAND ? AccessKind::Write : AccessKind::Read;
    sc_time d;
    return cpu.access(cmd, va, value, d, &attr);
  }

  const std::uint64_t root = kDramBase;
  const std::uint64_t data_page = kDramBase + 0x10'0000;
  Initiator cpu{"cpu"};
  Initiator phys{"phys"};
  Bus bus;
  std::unique_ptr<Mmu> mmu;
  std::unique_ptr<Dram> dram;
  sc_core::sc_signal<bool> irq{"irq"};
};

TEST_F(MmuFixture, TranslatedStoreLandsAtThePhysicalAddressAndSetsAD) {
  std::uint64_t v = 0xABCD;
  ASSERT_EQ(virtual_access(tlm::TLM_WRITE_COMMAND, 0x1010, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(phys.read(data_page + 0x10), 0xABCDu);
  const std::uint64_t pte = phys.read(root + 0x2000 + 8);
  EXPECT_EQ(pte & (sv::kPteA | sv::kPteD), sv::kPteA | sv::kPteD);
  EXPECT_EQ(phys.read(reg(mmu_regs::kSatp)) >> 60, 8u);
  EXPECT_EQ(phys.read(reg(mmu_regs::kWalks)), 1u);
}

TEST_F(MmuFixture, FaultLatchesCauseAndVaRaisesIrqUntilAcked) {
  std::uint64_t v = 0;
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x5008, v), tlm::TLM_GENERIC_ERROR_RESPONSE);
  EXPECT_EQ(phys.read(reg(mmu_regs::kFaultCause)), 13u);
  EXPECT_EQ(phys.read(reg(mmu_regs::kFaultVa)), 0x5008u);
  EXPECT_EQ(phys.read(reg(mmu_regs::kIrqStatus)), 1u);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // let the signal update
  EXPECT_TRUE(irq.read());
  phys.write(reg(mmu_regs::kIrqAck), 1);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  EXPECT_FALSE(irq.read());
  EXPECT_EQ(phys.read(reg(mmu_regs::kIrqStatus)), 0u);
  EXPECT_EQ(phys.read(reg(mmu_regs::kFaults)), 1u);
}

TEST_F(MmuFixture, StaleTranslationStaysUntilTheFlushRegisterIsWritten) {
  std::uint64_t v = 0;
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  const std::uint64_t other = kDramBase + 0x20'0000;
  phys.write(other, 77);
  map(0x1000, other);  // remap without a flush: the TLB still answers the old way
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0u);
  phys.write(reg(mmu_regs::kFlushVa), 0x1000);
  phys.write(reg(mmu_regs::kFlushAsid), 5);
  phys.write(reg(mmu_regs::kFlushCmd), static_cast<std::uint64_t>(mmu_regs::FlushKind::VaAsid));
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 77u);
}

// Svinval (§7): SFENCE.W.INVAL, SINVAL.VMA by VA and ASID (FLUSH_CMD 4 + 3), then
// SFENCE.INVAL.IR: the remapped page reads its new frame; the fences alone remove nothing.
TEST_F(MmuFixture, SinvalVmaBetweenItsFencesRemovesTheStaleTranslation) {
  std::uint64_t v = 0;
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  const std::uint64_t other = kDramBase + 0x20'0000;
  phys.write(other, 77);
  map(0x1000, other);
  phys.write(reg(mmu_regs::kFlushCmd), mmu_regs::kSfenceWInval);
  phys.write(reg(mmu_regs::kFlushCmd), mmu_regs::kSfenceInvalIr);
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0u);  // still the TLB's old translation
  phys.write(reg(mmu_regs::kFlushVa), 0x1000);
  phys.write(reg(mmu_regs::kFlushAsid), 5);
  phys.write(reg(mmu_regs::kFlushCmd), mmu_regs::kSfenceWInval);
  phys.write(reg(mmu_regs::kFlushCmd),
             mmu_regs::kSinvalVma + static_cast<std::uint64_t>(mmu_regs::FlushKind::VaAsid));
  phys.write(reg(mmu_regs::kFlushCmd), mmu_regs::kSfenceInvalIr);
  ASSERT_EQ(virtual_access(tlm::TLM_READ_COMMAND, 0x1000, v), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 77u);
  EXPECT_EQ(mmu->path_stats().sinval_vma, 1u);
  EXPECT_EQ(mmu->path_stats().sfence_w_inval, 2u);
  EXPECT_EQ(mmu->path_stats().sfence_inval_ir, 2u);
  EXPECT_EQ(mmu->stats().flushes, 1u);
}

TEST_F(MmuFixture, PhysicalAddressOutsideDramIsAnAccessFault) {
  map(0x3000, 0x4000'0000);  // nothing on the bus there
  std::uint64_t v = 0;
  // The bus's own error comes back; the mmu latches a store access fault.
  ASSERT_EQ(virtual_access(tlm::TLM_WRITE_COMMAND, 0x3000, v), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(phys.read(reg(mmu_regs::kFaultCause)), 7u);
}

TEST_F(MmuFixture, BusGrantsDmiToDramInGlobalAddresses) {
  phys.write(kDramBase + 0x1238, 0x5A5A);
  tlm::tlm_generic_payload t;
  t.set_address(kDramBase + 0x1238);
  t.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  ASSERT_TRUE(phys.socket->get_direct_mem_ptr(t, dmi));
  EXPECT_EQ(dmi.get_start_address(), kDramBase + 0x1000);
  EXPECT_EQ(dmi.get_end_address(), kDramBase + 0x1FFF);
  std::uint64_t v = 0;
  std::memcpy(&v, dmi.get_dmi_ptr() + 0x238, 8);
  EXPECT_EQ(v, 0x5A5Au);
  tlm::tlm_generic_payload regs;
  regs.set_address(kMmuRegsBase);
  EXPECT_FALSE(phys.socket->get_direct_mem_ptr(regs, dmi));
}

TEST_F(MmuFixture, UnmappedBusAddressIsAnAddressError) {
  std::uint64_t v = 0;
  sc_time d;
  EXPECT_EQ(phys.access(tlm::TLM_READ_COMMAND, 0x2000'0000, v, d), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace
}  // namespace mmusim
