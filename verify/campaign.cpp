#include "campaign.h"

#include <memory>
#include <sstream>
#include <vector>

#include "reference_engine.h"
#include "translation_report.h"

namespace mmusim::verify {

namespace {

// What the architecture defines: the outcome and where it goes.
bool same_outcome(const TranslationResult& a, const TranslationResult& b) {
  return a.cause == b.cause &&
         (!a.ok() || (a.pa == b.pa && a.level == b.level && a.napot == b.napot));
}

// The spec's answer: the reference with nothing cached (one TLB entry, flushed before
// each translation, no L2, no walk cache).
MmuConfig spec_config(MmuConfig mmu) {
  mmu.l1 = {1, 1, ReplacementKind::Lru, 1};
  mmu.split_l1 = false;
  mmu.l2 = {0, 1, ReplacementKind::Lru, 1};
  mmu.walk_cache_entries = 0;
  return mmu;
}

TranslationResult spec_answer(ReferenceEngine& spec, const TranslationRequest& req) {
  spec.flush({mmu_regs::FlushKind::All, 0, 0});
  sc_core::sc_time d;
  return spec.translate(req, d);
}

// Whether the spec allows `got` for the request on memory `words`: the walk's own answer
// or, where the walk ends in a level-0 PTE, the answer through any NAPOT PTE of its
// aligned group of 16 (Svnapot §5: a TLB entry made from one of them may serve them all).
bool spec_allows(const MmuConfig& bare_mmu, const VerifyMemory::Words& words, std::uint64_t satp,
                 const TranslationRequest& req, const TranslationResult& got) {
  VerifyMemory memory(words);
  ReferenceEngine spec(bare_mmu, memory);
  std::vector<WalkStep> steps;
  spec.record_walk_steps(&steps);
  spec.write_satp(satp);
  if (same_outcome(got, spec_answer(spec, req))) return true;
  if (steps.empty() || steps.back().level != 0) return false;
  const std::uint64_t own = steps.back().pte_addr;
  const std::uint64_t group = own & ~std::uint64_t{16 * sv::kPteSize - 1};
  spec.record_walk_steps(nullptr);
  for (std::uint64_t slot = group; slot < group + 16 * sv::kPteSize; slot += sv::kPteSize) {
    const auto word = words.find(slot);
    const std::uint64_t pte = word == words.end() ? 0 : word->second;
    if (slot == own || (pte & sv::kPteN) == 0) continue;
    memory.store(own, pte);
    if (same_outcome(got, spec_answer(spec, req))) return true;
  }
  return false;
}

// The memory as it was before an edit that no flush has covered yet: a translation may
// still be answered from it (§4.2.1: without the fence, the old PTE may be used).
struct StaleView {
  VerifyMemory::Words words;
  std::uint64_t va = 0;
  unsigned level = 0;
};

}  // namespace

MmuConfig campaign_geometry() {
  MmuConfig mmu;
  mmu.l1 = {8, 2, ReplacementKind::Lru, 1};
  mmu.l2 = {32, 4, ReplacementKind::Lru, 1};
  mmu.walk_cache_entries = 4;
  return mmu;
}

AdUpdate ad_policy_of(std::uint64_t seed) {
  return (seed / 3) % 2 == 0 ? AdUpdate::Hardware : AdUpdate::Fault;
}

std::optional<CaseFailure> run_case(const Case& c, MmuConfig mmu, const DutFactory& make_dut,
                                    Coverage& coverage) {
  mmu.ad_update = ad_policy_of(c.seed);
  mmu.extensions = c.extensions;
  VerifyMemory dut_memory(c.memory), ref_memory(c.memory), spec_memory(c.memory);
  const std::unique_ptr<TranslationEngine> dut = make_dut ? make_dut(mmu, dut_memory) : nullptr;
  ReferenceEngine ref(mmu, ref_memory);
  std::vector<WalkStep> steps;  // the model's walk, for coverage
  ref.record_walk_steps(&steps);
  const MmuConfig bare_mmu = spec_config(mmu);
  ReferenceEngine spec(bare_mmu, spec_memory);
  std::vector<StaleView> stale;
  std::uint64_t satp = 0;
  const std::uint16_t asid_mask = sv::asid_mask(mmu.asid_bits);

  for (std::size_t i = 0; i < c.operations.size(); ++i) {
    const Operation& op = c.operations[i];
    const auto fail = [&](const std::string& what) { return CaseFailure{c.seed, i, what}; };
    switch (op.kind) {
      case Operation::Kind::Satp: {
        const bool same_tables =
            satp != 0 && (satp & sv::kPtePpnMask) == (op.satp & sv::kPtePpnMask);
        satp = op.satp;
        if (dut) dut->write_satp(satp);
        ref.write_satp(satp);
        spec.write_satp(satp);
        coverage.satp(same_tables);
        break;
      }
      case Operation::Kind::Flush: {
        if (dut) dut->flush(op.flush);
        ref.flush(op.flush);
        // Coverage sees the ASIDs as the TLBs keep them (their implemented bits, §4.1.11).
        FlushRequest as_kept = op.flush;
        as_kept.asid &= asid_mask;
        coverage.flush(as_kept);
        // What the flush covers, the old translation no longer answers.
        const auto covered = [&](const StaleView& v) {
          if (op.flush.kind == mmu_regs::FlushKind::All) return true;
          if (op.flush.kind != mmu_regs::FlushKind::Va) return false;  // other ASIDs may keep it
          const unsigned shift = sv::page_shift(v.level);
          return (op.flush.va >> shift) == (v.va >> shift);
        };
        std::vector<StaleView> kept;
        for (auto& v : stale) {
          if (!covered(v)) kept.push_back(std::move(v));
        }
        stale = std::move(kept);
        break;
      }
      case Operation::Kind::Edit:
        if (!op.flushed) stale.push_back({spec_memory.words(), op.leaf_va, op.leaf_level});
        dut_memory.store(op.pte_addr, op.value);
        ref_memory.store(op.pte_addr, op.value);
        spec_memory.store(op.pte_addr, op.value);
        coverage.edit(op.flushed);
        break;
      case Operation::Kind::Translate: {
        sc_core::sc_time d;
        const MmuStats before = ref.stats();
        ref_memory.log.clear();
        steps.clear();
        const TranslationResult model = ref.translate(op.request, d);
        coverage.translation(op.request, model, sv::Satp::decode(satp).asid & asid_mask, before,
                             ref.stats(), ref_memory.log, steps);
        if (dut) {
          dut_memory.log.clear();
          // Operation i starts at i ns of the RTL's waveform time (kOperationTime).
          sc_core::sc_time dd(static_cast<double>(i * kOperationTimePs), sc_core::SC_PS);
          const TranslationResult got = dut->translate(op.request, dd);
          if (!same_answer(got, model) || !(dut_memory.log == ref_memory.log)) {
            return fail("the implementation and the model differ on " + describe(op.request, satp) +
                        "\n  impl:  " + describe(got) + ", PTE accesses " +
                        describe(dut_memory.log) + "\n  model: " + describe(model) +
                        ", PTE accesses " + describe(ref_memory.log) +
                        "\n  coverage bin: " + Coverage::outcome_bin(op.request, model));
          }
        }
        const TranslationResult want = spec_answer(spec, op.request);
        if (same_outcome(model, want)) break;
        bool allowed = spec_allows(bare_mmu, spec_memory.words(), satp, op.request, model);
        if (allowed) {
          coverage.napot_answer();
          break;
        }
        for (const StaleView& v : stale) {
          allowed = allowed || spec_allows(bare_mmu, v.words, satp, op.request, model);
        }
        if (!allowed) {
          return fail("the TLBs changed the architectural answer to " + describe(op.request, satp) +
                      "\n  with TLBs:    " + describe(model) +
                      "\n  the spec says: " + describe(want));
        }
        coverage.stale_answer();
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace mmusim::verify
