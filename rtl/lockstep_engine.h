#pragma once
// Lockstep co-simulation: every translation goes to the RTL engine (which drives the real
// memory over TLM) and then to the reference engine, which sees the PTE values the RTL
// read; the two answers (PA, level, PTE, fault cause, TLB hit) and their PTE traffic
// (addresses read, values written) must agree. The first difference stops the run with
// a report of the time, the request and both answers (SimulationFailure).

#include <memory>
#include <vector>

#include "mmu_config.h"
#include "reference_engine.h"
#include "rtl_engine.h"
#include "translation_engine.h"

namespace mmusim {

class LockstepEngine final : public TranslationEngine {
 public:
  // `inject_ad_divergence` gives the RTL the other A/D policy than the model, to show the
  // checker catching a difference (mmu.lockstep_injection=ad_policy).
  LockstepEngine(const MmuConfig& config, PteMemory& memory, bool inject_ad_divergence);

  TranslationResult translate(const TranslationRequest& req, sc_core::sc_time& delay) override;
  void write_satp(std::uint64_t satp) override;
  std::uint64_t satp() const override { return rtl_.satp(); }
  void flush(const FlushRequest& req) override;
  const MmuStats& stats() const override { return rtl_.stats(); }
  void restart_stats() override {
    rtl_.restart_stats();
    model_.restart_stats();
  }
  void finish() override { rtl_.finish(); }

 private:
  // Passes the RTL's PTE accesses to memory and logs them.
  class Recorder final : public PteMemory {
   public:
    explicit Recorder(PteMemory& memory) : memory_(memory) {}
    std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) override;
    bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) override;
    std::vector<PteAccess> log;

   private:
    PteMemory& memory_;
  };
  // Answers the model's reads with the values the RTL read, in order, and logs them.
  class Replay final : public PteMemory {
   public:
    std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) override;
    bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) override;
    const std::vector<PteAccess>* script = nullptr;
    std::vector<PteAccess> log;
  };

  static MmuConfig rtl_config(MmuConfig config, bool inject_ad_divergence);

  Recorder recorder_;
  Replay replay_;
  RtlEngine rtl_;
  ReferenceEngine model_;
  std::uint64_t translations_ = 0;
};

}  // namespace mmusim
