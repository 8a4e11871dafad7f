// mmu.asid_bits (ASIDLEN, §4.1.11): satp.ASID is WARL, so only the implemented bits are
// kept, tag TLB entries and select what an SFENCE.VMA by ASID removes (§4.2.1 ignores
// the rest of rs2), in the reference model and in the RTL alike.

#include <gtest/gtest.h>

#include "engine_factory.h"
#include "fake_memory.h"

namespace mmusim {
namespace {

using namespace sv;

class AsidBits : public ::testing::TestWithParam<MmuImpl> {};

TEST_P(AsidBits, OnlyTheImplementedBitsTagEntriesAndFlushes) {
  test::FakeMemory memory;
  test::PageTableBuilder tables(memory, Mode::Sv39);
  tables.map(0x1000, 0x8010'0000, kPteR | kPteW | kPteU | kPteA | kPteD);
  MmuConfig config;
  config.impl = GetParam();
  config.l1 = {16, 4, ReplacementKind::Lru, 1};
  config.asid_bits = 4;
  const auto engine = make_engine(config, memory);
  const auto read = [&] {
    sc_core::sc_time d;
    return engine->translate({0x1000, {AccessKind::Read, Privilege::User}}, d);
  };
  engine->write_satp(tables.satp(0x35));
  EXPECT_EQ(Satp::decode(engine->satp()).asid, 0x5);  // bits 15:4 read as zero
  ASSERT_TRUE(read().ok());
  engine->write_satp(tables.satp(0x25));  // the same ASID, 5, to this MMU
  EXPECT_TRUE(read().tlb_hit);
  engine->write_satp(tables.satp(0x36));
  EXPECT_FALSE(read().tlb_hit);  // ASID 6: its own entry
  EXPECT_TRUE(read().tlb_hit);
  engine->flush({mmu_regs::FlushKind::Asid, 0, 0x15});  // removes ASID 5's entry only
  EXPECT_TRUE(read().tlb_hit);
  engine->write_satp(tables.satp(0x5));
  EXPECT_FALSE(read().tlb_hit);
}

INSTANTIATE_TEST_SUITE_P(Engines, AsidBits,
                         ::testing::Values(MmuImpl::Model, MmuImpl::Rtl, MmuImpl::Lockstep),
                         [](const auto& info) {
                           return std::string(info.param == MmuImpl::Model ? "Model"
                                              : info.param == MmuImpl::Rtl ? "Rtl"
                                                                           : "Lockstep");
                         });

}  // namespace
}  // namespace mmusim
