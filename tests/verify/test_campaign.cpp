// The verification campaign: it passes on the RTL and reaches every coverage bin within
// the CI budget; it fails when the implementation breaks a rule (shown with engines
// broken on purpose) and when the TLBs keep a translation a flush should have removed;
// the same seed gives the same coverage, and coverage files merge.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "campaign.h"
#include "shrink.h"
#include "reference_engine.h"
#include "run_mmusim.h"

namespace mmusim {
namespace {

using test::mmusim;
using test::Result;

// A seed's case for the campaign's geometry.
verify::Case case_of(std::uint64_t seed) {
  return verify::generate_case(seed, 2000, verify::campaign_geometry().asid_bits);
}

// The reference engine with one rule broken on purpose, as an RTL bug would break it.
enum class Bug { AcceptMisalignedSuperpage, IgnoreSum, IgnoreReservedBits, SuperpageOffsetMask };

class BuggyEngine final : public TranslationEngine {
 public:
  BuggyEngine(const MmuConfig& config, PteMemory& memory, Bug bug)
      : good_(config, memory), bug_(bug) {}
  TranslationResult translate(const TranslationRequest& req, sc_core::sc_time& delay) override {
    TranslationResult r = good_.translate(req, delay);
    const bool s_on_u = req.ctx.priv == Privilege::Supervisor && req.ctx.kind != AccessKind::Fetch;
    switch (bug_) {
      case Bug::AcceptMisalignedSuperpage:
        if (r.rule == sv::Rule::MisalignedSuperpage) r.cause = sv::Cause::None;
        break;
      case Bug::IgnoreSum:
        if (r.rule == sv::Rule::UserPageFromS && s_on_u) r.cause = sv::Cause::None;
        break;
      case Bug::IgnoreReservedBits:
        if (r.rule == sv::Rule::ReservedBits) r.cause = sv::Cause::None;
        break;
      case Bug::SuperpageOffsetMask:
        if (r.ok() && r.tlb_hit && r.level > 0) r.pa &= ~std::uint64_t{0x1000};
        break;
    }
    return r;
  }
  void write_satp(std::uint64_t satp) override { good_.write_satp(satp); }
  std::uint64_t satp() const override { return good_.satp(); }
  void flush(const FlushRequest& req) override { good_.flush(req); }
  const MmuStats& stats() const override { return good_.stats(); }
  void restart_stats() override { good_.restart_stats(); }

 private:
  ReferenceEngine good_;
  Bug bug_;
};

TEST(Verify, ACampaignPassesOnTheRtlAndReachesEveryCoverageBin) {
  const std::string coverage = test::temp_path("coverage.json");
  const Result r = mmusim("verify --seeds 200 --requests 2000 --coverage " + coverage);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("mmusim verify: passed, "), std::string::npos) << r.out;
  const auto doc = nlohmann::json::parse(test::slurp(coverage));
  EXPECT_GE(doc["percent"].get<double>(), 95.0) << doc["missed"].dump();
  EXPECT_GE(doc["bins"].size(), 80u);
  EXPECT_EQ(doc["impl"], "rtl");
}

TEST(Verify, EachBrokenRuleIsCaughtAsAMismatchWithinTheBudget) {
  for (const Bug bug : {Bug::AcceptMisalignedSuperpage, Bug::IgnoreSum, Bug::IgnoreReservedBits,
                        Bug::SuperpageOffsetMask}) {
    const verify::DutFactory buggy = [bug](const MmuConfig& c, PteMemory& m) {
      return std::make_unique<BuggyEngine>(c, m, bug);
    };
    std::optional<verify::CaseFailure> failure;
    for (std::uint64_t seed = 1; seed <= 200 && !failure; ++seed) {
      verify::Coverage coverage(verify::campaign_geometry());
      failure = verify::run_case(case_of(seed), verify::campaign_geometry(), buggy, coverage);
    }
    ASSERT_TRUE(failure.has_value()) << "bug " << static_cast<int>(bug) << " was not caught";
    EXPECT_NE(failure->what.find("the implementation and the model differ on"), std::string::npos)
        << failure->what;
    EXPECT_NE(failure->what.find("\n  impl:  "), std::string::npos) << failure->what;
    EXPECT_NE(failure->what.find("\n  model: "), std::string::npos) << failure->what;
  }
}

TEST(Verify, AFailureShrinksToAFewRequestsAndPtesThatTranslateReplays) {
  const verify::DutFactory buggy = [](const MmuConfig& c, PteMemory& m) {
    return std::make_unique<BuggyEngine>(c, m, Bug::AcceptMisalignedSuperpage);
  };
  std::optional<verify::CaseFailure> failure;
  verify::Case c;
  for (std::uint64_t seed = 1; seed <= 200 && !failure; ++seed) {
    c = case_of(seed);
    verify::Coverage coverage(verify::campaign_geometry());
    failure = verify::run_case(c, verify::campaign_geometry(), buggy, coverage);
  }
  ASSERT_TRUE(failure.has_value());
  const verify::Shrunk s = verify::shrink(c, *failure, verify::campaign_geometry(), buggy);
  EXPECT_LE(s.c.operations.size(), 3u);  // satp, perhaps one more, the failing request
  EXPECT_LE(s.c.memory.size(), 4u);      // the PTEs of one walk
  EXPECT_NE(s.failure.what.find("rule misaligned_superpage"), std::string::npos) << s.failure.what;
  ASSERT_TRUE(s.translate_pair);
  const auto files = verify::write_shrunk(s, test::temp_path("shrunk"));
  ASSERT_EQ(files.size(), 2u);
  char satp[24];
  std::snprintf(satp, sizeof satp, "%llx", static_cast<unsigned long long>(s.c.operations[0].satp));
  const Result r = mmusim(std::string("translate --satp ") + satp + " --image " + files[0] +
                          " --requests " + files[1] + " --ad " +
                          (verify::ad_policy_of(s.c.seed) == AdUpdate::Hardware ? "hw" : "fault"));
  ASSERT_EQ(r.status, 0) << r.err;
  // The reference answers the failing request with the fault the broken engine skipped.
  const std::string last = r.out.substr(r.out.rfind('{'));
  EXPECT_NE(last.find("\"cause\""), std::string::npos) << r.out;
}

TEST(Verify, TheSpecCheckCatchesATranslationAFlushShouldHaveRemoved) {
  // The same cases with the flush after each "flushed" edit taken out: the TLBs keep
  // answering the old way where the spec says the edit has taken effect.
  std::optional<verify::CaseFailure> failure;
  for (std::uint64_t seed = 1; seed <= 50 && !failure; ++seed) {
    verify::Case c = case_of(seed);
    std::vector<verify::Operation> without;
    for (std::size_t i = 0; i < c.operations.size(); ++i) {
      without.push_back(c.operations[i]);
      if (c.operations[i].kind == verify::Operation::Kind::Edit && c.operations[i].flushed) ++i;
    }
    c.operations = without;
    verify::Coverage coverage(verify::campaign_geometry());
    failure = verify::run_case(c, verify::campaign_geometry(), nullptr, coverage);
  }
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->what.find("the TLBs changed the architectural answer"), std::string::npos)
      << failure->what;
}

// With fewer ASID bits than the case has address spaces, ASIDs alias (§4.1.11), and the
// stream flushes one before it names other tables (§4.2.1); the TLBs then never answer
// for the tables the ASID named before. The stream generated for 16 bits, where nothing
// aliases, is the same stream without those flushes: there they do, and the spec check
// catches it.
TEST(Verify, FewerAsidBitsThanAddressSpacesAreFlushedBeforeReuse) {
  std::size_t flushes_added = 0, caught_without = 0;
  for (const unsigned bits : {0u, 1u, 2u}) {
    MmuConfig mmu = verify::campaign_geometry();
    mmu.asid_bits = bits;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
      const verify::Case c = verify::generate_case(seed, 2000, bits);
      const verify::Case unflushed = verify::generate_case(seed, 2000, 16);
      // The operations of `c` that the 16-bit stream does not have at that point.
      std::size_t j = 0;
      for (const verify::Operation& op : c.operations) {
        const verify::Operation& other = unflushed.operations[j];
        if (op.kind == other.kind && op.satp == other.satp && op.flush.kind == other.flush.kind &&
            op.flush.va == other.flush.va && op.flush.asid == other.flush.asid &&
            op.request.va == other.request.va && op.pte_addr == other.pte_addr) {
          ++j;
        } else {
          EXPECT_EQ(op.flush.kind, mmu_regs::FlushKind::Asid);
          ++flushes_added;
        }
      }
      verify::Coverage coverage(mmu);
      const auto failure = verify::run_case(c, mmu, nullptr, coverage);
      EXPECT_FALSE(failure.has_value()) << bits << " bits, seed " << seed << ": " << failure->what;
      caught_without += verify::run_case(unflushed, mmu, nullptr, coverage).has_value();
    }
  }
  EXPECT_GT(flushes_added, 0u);
  EXPECT_GT(caught_without, 0u) << "the TLBs never answered for an aliased ASID's old tables";
  // The RTL keeps the same ASID bits as the model.
  const Result r = mmusim("verify --coverage \"\" --seeds 6 --set mmu.asid_bits=1");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST(Verify, TheSameSeedGivesTheSameCoverageAndCoverageFilesMerge) {
  const std::string a = test::temp_path("a.json"), b = test::temp_path("b.json"),
                    merged = test::temp_path("merged.json");
  ASSERT_EQ(mmusim("verify --seed 7 --seeds 3 --requests 500 --coverage " + a).status, 0);
  ASSERT_EQ(mmusim("verify --seed 7 --seeds 3 --requests 500 --coverage " + b).status, 0);
  const auto ja = nlohmann::json::parse(test::slurp(a));
  EXPECT_EQ(ja["bins"], nlohmann::json::parse(test::slurp(b))["bins"]);
  const Result r = mmusim("verify --merge " + a + " " + b + " --coverage " + merged);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto jm = nlohmann::json::parse(test::slurp(merged));
  for (const auto& [bin, count] : ja["bins"].items()) {
    EXPECT_EQ(jm["bins"][bin], 2 * count.get<std::uint64_t>()) << bin;
  }
  EXPECT_NE(r.out.find("coverage  "), std::string::npos) << r.out;
  // A file that is not coverage is refused, naming it.
  const auto bad = test::write_temp_file("bad.json", "{\"bins\": {\"no.such.bin\": 1}}");
  const Result refused = mmusim("verify --merge " + bad);
  EXPECT_EQ(refused.status, 2);
  EXPECT_EQ(refused.err.rfind(bad + ": unknown coverage bin 'no.such.bin'", 0), 0u) << refused.err;
}

}  // namespace
}  // namespace mmusim
