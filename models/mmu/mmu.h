#pragma once
// The mmu's TLM shell: takes virtual accesses from the cpu, translates them with a
// TranslationEngine, forwards the physical access to the bus or answers with a fault
// (cause and VA latched in its registers, interrupt raised). The walker's PTE reads and
// A/D writes go out of their own initiator socket, marked PteTraffic: the platform binds
// it where `mmu.walker_path` says walks enter the cache hierarchy.

#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "activity_trace.h"
#include "direct_target_socket.h"
#include "pte_traffic.h"
#include "mmu_config.h"
#include "translation_engine.h"

namespace mmusim {

// Builds the engine for a config, given the memory port its walker uses.
using EngineFactory =
    std::function<std::unique_ptr<TranslationEngine>(const MmuConfig&, PteMemory&)>;

class Mmu final : public sc_core::sc_module, private PteMemory {
  // (Declared ahead of the target sockets, which name them.)
  void translate_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int translate_debug(tlm::tlm_generic_payload& trans);
  void register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int register_debug(tlm::tlm_generic_payload& trans);

 public:
  DirectTargetSocket<Mmu, &Mmu::translate_transport, &Mmu::translate_debug> cpu_target{
      "cpu_target", *this};                                                // virtual accesses
  DirectTargetSocket<Mmu, &Mmu::register_transport, &Mmu::register_debug> reg_target{
      "reg_target", *this};                                                // MMIO from the bus
  tlm_utils::simple_initiator_socket<Mmu> mem_initiator{"mem_initiator"};  // translated accesses
  tlm_utils::simple_initiator_socket<Mmu> walk_initiator{
      "walk_initiator"};             // PTE reads, A/D writes
  sc_core::sc_out<bool> irq{"irq"};  // high while a fault is pending (kIrqStatus bit 0)

  Mmu(const sc_core::sc_module_name& name, const MmuConfig& config,
      const EngineFactory& make_engine);
  ~Mmu() override;
  Mmu(const Mmu&) = delete;
  Mmu& operator=(const Mmu&) = delete;

  const MmuStats& stats() const { return engine_->stats(); }
  const AccessPathStats& path_stats() const { return path_; }
  void restart_stats() {
    engine_->restart_stats();
    path_ = {};
  }
  // Records translations, faults and the interrupt into `trace` (null: nothing).
  void set_activity_trace(ActivityTrace* trace) { trace_ = trace; }
  void finish() { engine_->finish(); }

 private:
  void raise_fault(sv::Cause cause, std::uint64_t va);
  std::uint64_t read_register(std::uint64_t offset) const;
  void write_register(std::uint64_t offset, std::uint64_t value, const sc_core::sc_time& delay);
  void flush_command(std::uint64_t command, const sc_core::sc_time& delay);
  void record_request(const sc_core::sc_time& issued, const TranslationRequest& req);
  void record_result(const sc_core::sc_time& issued, const sc_core::sc_time& finished,
                     const TranslationRequest& req, const TranslationResult& result);

  // PteMemory, bound to walk_initiator.
  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) override;
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) override;
  bool pte_transport(tlm::tlm_command cmd, std::uint64_t pa, std::uint64_t& value,
                     sc_core::sc_time& delay);

  std::unique_ptr<TranslationEngine> engine_;
  const WalkLatencyStats& walks_;  // the engine's, read around each translation
  // Reused for every PTE access (a payload's constructor allocates its extension array),
  // pte_tag_ attached.
  tlm::tlm_generic_payload pte_trans_;
  PteTraffic pte_tag_;
  unsigned walk_served_by_ = 0;  // the deepest level this translation's PTE accesses reached
  AccessPathStats path_;
  std::uint64_t fault_cause_ = 0;
  std::uint64_t fault_va_ = 0;
  std::uint64_t flush_va_ = 0;
  std::uint64_t flush_asid_ = 0;
  bool irq_pending_ = false;
  ActivityTrace* trace_ = nullptr;
  std::uint64_t translations_traced_ = 0;
};

}  // namespace mmusim
