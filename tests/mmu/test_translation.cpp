// Each translation rule of the privileged spec (v1.12 §4.3.2, §4.4, §4.5) against the
// reference engine, with page tables built in a fake memory.

#include <gtest/gtest.h>

#include "fake_memory.h"
#include "reference_engine.h"

namespace mmusim {
namespace {

using namespace sv;
using test::FakeMemory;
using test::PageTableBuilder;

constexpr std::uint64_t kUserRw = kPteR | kPteW | kPteU | kPteA | kPteD;

class TranslationTest : public ::testing::Test {
 protected:
  explicit TranslationTest(Mode mode = Mode::Sv39) : tables(memory, mode) {}

  void SetUp() override { reset_engine(); }
  void reset_engine() {
    engine = std::make_unique<ReferenceEngine>(config, memory);
    engine->write_satp(tables.satp());
  }
  TranslationResult go(std::uint64_t va, AccessKind kind = AccessKind::Read,
                       Privilege priv = Privilege::User, bool sum = false, bool mxr = false) {
    sc_core::sc_time delay;
    return engine->translate({va, {kind, priv, sum, mxr}}, delay);
  }

  MmuConfig config;
  FakeMemory memory;
  PageTableBuilder tables;
  std::unique_ptr<ReferenceEngine> engine;
};

TEST_F(TranslationTest, FourKibPageTranslatesWithOffset) {
  tables.map(0x12345000, 0x9000'1000, kUserRw);
  const auto r = go(0x12345678);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.pa, 0x9000'1678u);
  EXPECT_EQ(r.level, 0u);
  EXPECT_EQ(pte_ppn(r.pte), 0x90001u);
  EXPECT_FALSE(r.tlb_hit);
  EXPECT_TRUE(go(0x12345ff8).tlb_hit);
}

TEST_F(TranslationTest, MegapageAndGigapageKeepVaBitsBelowTheirLevel) {
  tables.map(0x4020'0000, 0x9040'0000, kUserRw, 1);  // 2 MiB
  tables.map(0x3F'C000'0000, 0xC000'0000, kUserRw, 2);  // 1 GiB, top of the lower half
  auto r = go(0x4021'2345);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.pa, 0x9041'2345u);
  EXPECT_EQ(r.level, 1u);
  r = go(0x3F'C123'4567);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.pa, 0xC123'4567u);
  EXPECT_EQ(r.level, 2u);
}

TEST_F(TranslationTest, InvalidPteFaultsWithTheCauseOfTheAccess) {
  EXPECT_EQ(go(0x1000, AccessKind::Read).cause, Cause::LoadPageFault);
  EXPECT_EQ(go(0x1000, AccessKind::Write).cause, Cause::StorePageFault);
  EXPECT_EQ(go(0x1000, AccessKind::Fetch).cause, Cause::InstrPageFault);
  EXPECT_EQ(engine->stats().faults_by_cause[13], 1u);
  EXPECT_EQ(engine->stats().faults_by_cause[15], 1u);
  EXPECT_EQ(engine->stats().faults_by_cause[12], 1u);
}

TEST_F(TranslationTest, WriteWithoutReadIsReservedAndFaults) {
  tables.map(0x1000, 0x9000'0000, kPteW | kPteU | kPteA | kPteD);
  EXPECT_EQ(go(0x1000, AccessKind::Write).cause, Cause::StorePageFault);
}

TEST_F(TranslationTest, ReservedBits63To54Fault) {
  for (unsigned bit = 54; bit < 64; ++bit) {
    const std::uint64_t slot = tables.map(0x1000, 0x9000'0000, kUserRw);
    memory.words[slot] |= std::uint64_t{1} << bit;
    reset_engine();
    EXPECT_EQ(go(0x1000).cause, Cause::LoadPageFault) << "bit " << bit;
  }
}

TEST_F(TranslationTest, NonLeafWithDAOrUFaults) {
  for (std::uint64_t flag : {kPteD, kPteA, kPteU}) {
    FakeMemory fresh;
    PageTableBuilder t(fresh, Mode::Sv39);
    t.map(0x1000, 0x9000'0000, kUserRw, 0, flag);
    ReferenceEngine e(config, fresh);
    e.write_satp(t.satp());
    sc_core::sc_time d;
    EXPECT_EQ(e.translate({0x1000, {AccessKind::Read, Privilege::User}}, d).cause,
              Cause::LoadPageFault)
        << "flag " << flag;
  }
}

TEST_F(TranslationTest, PointerAtLevelZeroFaults) {
  const std::uint64_t slot = tables.map(0x1000, 0x9000'0000, kUserRw);
  memory.words[slot] = make_pte(0x9100'0000, kPteV);  // a pointer where a leaf must be
  EXPECT_EQ(go(0x1000).cause, Cause::LoadPageFault);
}

TEST_F(TranslationTest, MisalignedSuperpagesFault) {
  tables.map(0x4000'0000, 0x9000'1000, kUserRw, 1);  // 2 MiB leaf with PPN[0] != 0
  tables.map(0x40'0000'0000 - 0x4000'0000, 0x9020'0000, kUserRw, 2);  // 1 GiB, PPN[1] != 0
  EXPECT_EQ(go(0x4000'0000).cause, Cause::LoadPageFault);
  EXPECT_EQ(go(0x3F'C000'0000).cause, Cause::LoadPageFault);
}

TEST_F(TranslationTest, NonCanonicalVaFaultsWithoutAWalk) {
  EXPECT_EQ(go(0x0000'0040'0000'0000).cause, Cause::LoadPageFault);  // bit 38 set, 63:39 clear
  EXPECT_EQ(go(0x8000'0000'0000'1000, AccessKind::Write).cause, Cause::StorePageFault);
  EXPECT_EQ(engine->stats().walks, 0u);
  // The canonical upper half walks normally.
  tables.map(0xFFFF'FFC0'0000'0000, 0x9000'0000, kUserRw);
  EXPECT_TRUE(go(0xFFFF'FFC0'0000'0010).ok());
}

TEST_F(TranslationTest, UserAndSupervisorPagesAndSum) {
  tables.map(0x1000, 0x9000'0000, kUserRw | kPteX);                 // U page
  tables.map(0x2000, 0x9000'1000, kPteR | kPteW | kPteX | kPteA | kPteD);  // S page
  EXPECT_TRUE(go(0x1000, AccessKind::Read, Privilege::User).ok());
  EXPECT_EQ(go(0x2000, AccessKind::Read, Privilege::User).cause, Cause::LoadPageFault);
  EXPECT_TRUE(go(0x2000, AccessKind::Fetch, Privilege::Supervisor).ok());
  // S-mode on a U page: loads/stores only with SUM; fetches never.
  EXPECT_EQ(go(0x1000, AccessKind::Read, Privilege::Supervisor).cause, Cause::LoadPageFault);
  EXPECT_TRUE(go(0x1000, AccessKind::Read, Privilege::Supervisor, true).ok());
  EXPECT_TRUE(go(0x1000, AccessKind::Write, Privilege::Supervisor, true).ok());
  EXPECT_EQ(go(0x1000, AccessKind::Fetch, Privilege::Supervisor, true).cause,
            Cause::InstrPageFault);
}

TEST_F(TranslationTest, MxrMakesExecuteOnlyPagesReadable) {
  tables.map(0x3000, 0x9000'2000, kPteX | kPteU | kPteA);
  EXPECT_EQ(go(0x3000, AccessKind::Read).cause, Cause::LoadPageFault);
  EXPECT_TRUE(go(0x3000, AccessKind::Read, Privilege::User, false, true).ok());
  EXPECT_TRUE(go(0x3000, AccessKind::Fetch).ok());
  EXPECT_EQ(go(0x3000, AccessKind::Write, Privilege::User, false, true).cause,
            Cause::StorePageFault);
}

TEST_F(TranslationTest, ReadOnlyPageRejectsStores) {
  tables.map(0x3000, 0x9000'2000, kPteR | kPteU | kPteA);
  EXPECT_TRUE(go(0x3000).ok());
  EXPECT_EQ(go(0x3000, AccessKind::Write).cause, Cause::StorePageFault);
  EXPECT_EQ(go(0x3000, AccessKind::Fetch).cause, Cause::InstrPageFault);
}

TEST_F(TranslationTest, HardwareAdUpdateWritesThePteInMemory) {
  const std::uint64_t slot = tables.map(0x5000, 0x9000'5000, kPteR | kPteW | kPteU);
  auto r = go(0x5000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(memory.word(slot) & (kPteA | kPteD), kPteA);
  EXPECT_EQ(r.pte, memory.word(slot));
  r = go(0x5008, AccessKind::Write);  // TLB holds D=0: the store must walk and set D
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.tlb_hit);
  EXPECT_EQ(memory.word(slot) & (kPteA | kPteD), kPteA | kPteD);
  EXPECT_EQ(engine->stats().pte_writes, 2u);
  EXPECT_EQ(engine->stats().walks, 2u);
  EXPECT_TRUE(go(0x5010, AccessKind::Write).tlb_hit);  // now D is cached
}

TEST_F(TranslationTest, SvadeFaultsOnClearAOrD) {
  config.ad_update = AdUpdate::Fault;
  reset_engine();
  const std::uint64_t slot = tables.map(0x5000, 0x9000'5000, kPteR | kPteW | kPteU);
  EXPECT_EQ(go(0x5000).cause, Cause::LoadPageFault);
  memory.words[slot] |= kPteA;
  EXPECT_TRUE(go(0x5000).ok());  // faults never fill the TLB: this walks again
  EXPECT_EQ(go(0x5000, AccessKind::Write).cause, Cause::StorePageFault);
  memory.words[slot] |= kPteD;
  EXPECT_TRUE(go(0x5000, AccessKind::Write).ok());
  EXPECT_EQ(memory.writes, 0u);
  EXPECT_EQ(engine->stats().walks, 4u);
}

TEST_F(TranslationTest, FaultingLookupDoesNotFillAndRetryCountsAgain) {
  const std::uint64_t slot = tables.map(0x6000, 0x9000'6000, kUserRw);
  memory.words[slot] = 0;
  EXPECT_FALSE(go(0x6000).ok());
  memory.words[slot] = make_pte(0x9000'6000, kUserRw | kPteV);
  const auto r = go(0x6000);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.tlb_hit);
  EXPECT_EQ(engine->stats().l1.lookups, 2u);
  EXPECT_EQ(engine->stats().l1.misses, 2u);
  EXPECT_EQ(engine->stats().walks, 2u);
}

TEST_F(TranslationTest, FailedPteReadIsAnAccessFault) {
  tables.map(0x7000, 0x9000'7000, kUserRw);
  memory.unmapped.insert(tables.root());
  EXPECT_EQ(go(0x7000).cause, Cause::LoadAccessFault);
  EXPECT_EQ(go(0x7000, AccessKind::Write).cause, Cause::StoreAccessFault);
  EXPECT_EQ(go(0x7000, AccessKind::Fetch).cause, Cause::InstrAccessFault);
}

TEST_F(TranslationTest, BareModePassesAddressesThrough) {
  engine->write_satp(0);
  const auto r = go(0x8765'4321);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.pa, 0x8765'4321u);
  EXPECT_EQ(engine->stats().l1.lookups, 0u);
}

TEST_F(TranslationTest, UnsupportedSatpModeWriteIsIgnored) {
  const std::uint64_t before = engine->satp();
  engine->write_satp(std::uint64_t{11} << 60);  // Sv64: reserved, not supported
  EXPECT_EQ(engine->satp(), before);
  engine->write_satp(std::uint64_t{1} << 60);  // reserved encoding
  EXPECT_EQ(engine->satp(), before);
}

TEST_F(TranslationTest, AsidsSeparateAddressSpacesAndGlobalMappingsAreShared) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x2000, 0x9000'2000, kUserRw | kPteG);
  EXPECT_TRUE(go(0x1000).ok());
  EXPECT_TRUE(go(0x2000).ok());
  // Same tables under another ASID: the non-global entry misses, the global one hits.
  engine->write_satp(tables.satp(7));
  EXPECT_FALSE(go(0x1000).tlb_hit);
  EXPECT_TRUE(go(0x2000).tlb_hit);
}

TEST_F(TranslationTest, TlbServesRepeatedAccessesWithoutWalking) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(go(0x1000 + 8 * i).ok());
  EXPECT_EQ(engine->stats().walks, 1u);
  EXPECT_EQ(engine->stats().l1.hits, 9u);
  EXPECT_EQ(memory.reads, 3u);  // one PTE per Sv39 level
}

// translate() answers a hit repeated in a context it has seen allowed straight from
// what it noted; whatever touches the TLBs must make it look again.
TEST_F(TranslationTest, RepeatedHitIsForgottenWhenAFlushRemovesItsEntry) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  for (int i = 0; i < 3; ++i) go(0x1000 + 8 * i);
  ASSERT_EQ(engine->stats().l1.hits, 2u);
  engine->flush({mmu_regs::FlushKind::Va, 0x1000, 0});
  EXPECT_FALSE(go(0x1018).tlb_hit);
  EXPECT_EQ(engine->stats().walks, 2u);
}

TEST_F(TranslationTest, RepeatedHitIsForgottenWhenSatpChangesTheAsid) {
  tables.map(0x1000, 0x9000'1000, kUserRw);
  for (int i = 0; i < 3; ++i) go(0x1000);
  ASSERT_EQ(engine->stats().l1.hits, 2u);
  engine->write_satp(tables.satp(7));
  EXPECT_FALSE(go(0x1000).tlb_hit);
}

TEST_F(TranslationTest, RepeatedHitAnswersOnlyContextsItsEntryAllows) {
  tables.map(0x1000, 0x9000'1000, kPteR | kPteW | kPteU | kPteA);  // clean: D = 0
  for (int i = 0; i < 3; ++i) go(0x1000);
  // A store to the clean page walks to set D (§4.3.2 step 7); S mode without SUM faults.
  EXPECT_EQ(go(0x1000, AccessKind::Read, Privilege::Supervisor).cause, Cause::LoadPageFault);
  const auto store = go(0x1008, AccessKind::Write);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE(store.tlb_hit);
  EXPECT_NE(store.pte & kPteD, 0u);
  EXPECT_EQ(go(0x1010, AccessKind::Fetch).cause, Cause::InstrPageFault);
}

TEST_F(TranslationTest, RepeatedHitIsForgottenWhenAnotherLookupTouchesTheReplacement) {
  config.l1 = {2, 2, ReplacementKind::Lru};  // one set of two ways
  config.l2.entries = 0;
  reset_engine();
  tables.map(0x1000, 0x9000'1000, kUserRw);
  tables.map(0x2000, 0x9000'2000, kUserRw);
  tables.map(0x3000, 0x9000'3000, kUserRw);
  for (int i = 0; i < 3; ++i) go(0x1000);
  go(0x2000);
  go(0x1000);  // must touch 0x1000's entry again, so that the next fill evicts 0x2000's
  go(0x3000);
  const auto walks = engine->stats().walks;
  EXPECT_TRUE(go(0x1000).tlb_hit);
  EXPECT_EQ(engine->stats().walks, walks);
  EXPECT_FALSE(go(0x2000).tlb_hit);
}

// The TLB hit's quick test may only accept what the full check accepts (a store also
// needs D), and must accept all of it but MXR's reads of execute-only pages.
TEST(LeafNeeds, AcceptWhatThePermissionCheckAcceptsButMxrReads) {
  const std::uint64_t bits[] = {kPteR, kPteW, kPteX, kPteU, kPteD};
  for (const AccessKind kind : {AccessKind::Read, AccessKind::Write, AccessKind::Fetch}) {
    for (const Privilege priv : {Privilege::User, Privilege::Supervisor}) {
      for (const bool sum : {false, true}) {
        for (const bool mxr : {false, true}) {
          const AccessContext ctx{kind, priv, sum, mxr};
          for (unsigned combo = 0; combo < 32; ++combo) {
            std::uint64_t pte = kPteV | kPteA;
            for (unsigned b = 0; b < 5; ++b) {
              if ((combo >> b & 1) != 0) pte |= bits[b];
            }
            const bool allowed =
                leaf_permits(pte, ctx) && (kind != AccessKind::Write || (pte & kPteD) != 0);
            const bool mxr_read = mxr && kind == AccessKind::Read && (pte & kPteR) == 0;
            SCOPED_TRACE("kind " + std::to_string(static_cast<int>(kind)) + " priv " +
                         std::to_string(static_cast<int>(priv)) + " sum " +
                         std::to_string(sum) + " mxr " + std::to_string(mxr) + " pte " +
                         std::to_string(pte));
            EXPECT_EQ(leaf_needs(ctx).met_by(pte), allowed && !mxr_read);
          }
        }
      }
    }
  }
}

class Sv48TranslationTest : public TranslationTest {
 protected:
  Sv48TranslationTest() : TranslationTest(Mode::Sv48) {}
};

TEST_F(Sv48TranslationTest, FourLevelsAndTerapages) {
  tables.map(0x7FFF'FFFF'F000, 0x9000'3000, kUserRw);
  auto r = go(0x7FFF'FFFF'F123);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.pa, 0x9000'3123u);
  EXPECT_EQ(memory.reads, 4u);
  tables.map(0x80'0000'0000, 0x100'0000'0000, kUserRw, 3);  // 512 GiB page
  r = go(0x80'1234'5678);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.level, 3u);
  EXPECT_EQ(r.pa, 0x100'1234'5678u);
  // Sv48 VAs are 48 bits: bit 47 set with 63:48 clear is not canonical.
  EXPECT_EQ(go(0x8000'0000'0000).cause, Cause::LoadPageFault);
}

TEST_F(Sv48TranslationTest, MisalignedTerapageFaults) {
  tables.map(0x80'0000'0000, 0x100'0020'0000, kUserRw, 3);
  EXPECT_EQ(go(0x80'0000'0000).cause, Cause::LoadPageFault);
}

}  // namespace
}  // namespace mmusim
