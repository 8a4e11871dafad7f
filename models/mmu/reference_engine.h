#pragma once
// The C++ reference engine: L1 TLB (unified or split), optional L2 TLB, optional walk
// cache, and the page-table walker.

#include <array>
#include <memory>

#include "mmu_config.h"
#include "translation_engine.h"
#include "walk_cache.h"
#include "walker.h"

namespace mmusim {

class ReferenceEngine final : public TranslationEngine {
 public:
  ReferenceEngine(const MmuConfig& config, PteMemory& memory);

  TranslationResult translate(const TranslationRequest& req, sc_core::sc_time& delay) override;
  void write_satp(std::uint64_t satp) override;
  std::uint64_t satp() const override { return satp_.encode(); }
  void flush(const FlushRequest& req) override;
  const MmuStats& stats() const override { return stats_; }
  void restart_stats() override { stats_ = stats_.restarted(); }
  // Every walk step of the following translations goes to `steps` (null: none).
  void record_walk_steps(std::vector<WalkStep>* steps) { walker_.record_steps(steps); }

 private:
  // A TLB entry can answer the access unless it is a store and the entry's D is clear:
  // that store must walk so that D gets set in memory (or faults).
  static bool usable(const TlbEntry* e, const TranslationRequest& req);
  TranslationResult from_entry(const TlbEntry& e, const TranslationRequest& req);
  // The result of a hit on an entry known to allow the access.
  TranslationResult from_permitting_entry(const TlbEntry& e, std::uint64_t va);
  void record_l1(bool hit, bool fetch) {
    stats_.l1.record(hit);
    if (l1i_) (fetch ? stats_.l1i : stats_.l1d).record(hit);
  }
  // The whole algorithm but Bare mode; translate() answers a repeated hit without it.
  TranslationResult translate_in_full(const TranslationRequest& req, sc_core::sc_time& delay);
  // Notes that an access in context `context` hit e again (Tlb::repeat_hit).
  void remember_repeated_hit(const TlbEntry& e, std::uint64_t va, unsigned context);
  void forget_repeated_hit() { repeated_.contexts = 0; }
  // A TLB hit whose entry does not allow the access.
  TranslationResult refused_by_entry(const TranslationRequest& req, sv::Rule permission);
  // translate() once the first-level TLB has no usable entry: the second level, the walk.
  TranslationResult translate_l1_miss(const TranslationRequest& req, Tlb& l1,
                                      sc_core::sc_time& delay);
  TranslationResult fault(sv::Cause cause, sv::Rule rule);

  // The last repeated L1 hit, ready to be answered again: until another translation, a
  // flush or a satp write touches the TLBs, an access to the same page in a context
  // that entry was seen to allow is that hit once more (the entry still holds, its
  // policy still touched it last), and translate() answers it without the TLB.
  struct RepeatedHit {
    std::uint32_t contexts = 0;    // bit sv::leaf_needs_index(ctx): allowed; none: no hit kept
    unsigned shift = 0;            // the page's
    std::uint64_t va_page = 0;     // va >> shift, the sign bits with it (so a VA that
                                   // matches is canonical as the remembered one was)
    const TlbEntry* entry = nullptr;
    TranslationResult result;      // its answer, but the page offset of the PA
  };

  MmuConfig config_;
  RepeatedHit repeated_;
  sv::Satp satp_;
  const std::uint16_t asid_mask_;  // satp.ASID is WARL: the implemented bits
  MmuStats stats_;
  Tlb l1_;                        // unified L1, or the data side when split
  std::unique_ptr<Tlb> l1i_;      // instruction side when split
  std::unique_ptr<Tlb> l2_;       // null: no L2
  std::unique_ptr<WalkCache> walk_cache_;
  const std::array<Tlb*, 2> l1_for_fetch_;  // [fetch]: the L1 a data access, a fetch uses
  PageTableWalker walker_;
};

}  // namespace mmusim
