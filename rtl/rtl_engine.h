#pragma once
// The RTL engine: the verilated mmu_top.sv behind the TranslationEngine seam. It is
// clocked on demand, from translate() and flush() (no free-running clock): a TLB hit
// takes one cycle, a walk three per PTE. The walker's memory port is served through
// PteMemory, so its PTE reads and A/D writes are TLM transactions on the same bus as
// the reference walker's, with the same timing.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mmu_config.h"
#include "translation_engine.h"

class Vmmu_top;
class VerilatedContext;
class VerilatedFstC;

namespace mmusim {

class RtlEngine final : public TranslationEngine {
 public:
  RtlEngine(const MmuConfig& config, PteMemory& memory);
  ~RtlEngine() override;
  RtlEngine(const RtlEngine&) = delete;
  RtlEngine& operator=(const RtlEngine&) = delete;

  TranslationResult translate(const TranslationRequest& req, sc_core::sc_time& delay) override;
  void write_satp(std::uint64_t satp) override;
  std::uint64_t satp() const override { return satp_.encode(); }
  void flush(const FlushRequest& req) override;
  const MmuStats& stats() const override { return stats_; }
  void restart_stats() override { stats_ = stats_.restarted(); }
  void finish() override;

 private:
  void tick();
  void settle();
  // Waveforms: each evaluation is one time step, starting at the simulated time of the
  // request (the RTL is clocked on demand, so its cycles have no time of their own).
  void dump();

  MmuConfig config_;
  PteMemory& memory_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vmmu_top> top_;
  sv::Satp satp_;
  const std::uint16_t asid_mask_;  // satp.ASID is WARL: the implemented bits
  MmuStats stats_;
  std::unique_ptr<VerilatedFstC> waves_;
  WaveWindow window_;
  std::uint64_t wave_time_ = 0;
};

}  // namespace mmusim
