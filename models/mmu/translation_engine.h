#pragma once
// The one seam between the mmu's TLM shell and whatever translates (DESIGN.md): the
// reference engine today, the RTL engine and the lockstep pair later.

#include <cstdint>
#include <memory>
#include <optional>
#include <systemc>

#include "mmu_regs.h"
#include "mmu_stats.h"
#include "sv.h"

namespace mmusim {

struct TranslationRequest {
  std::uint64_t va = 0;
  sv::AccessContext ctx;  // the address space is the engine's current satp
};

struct TranslationResult {
  sv::Cause cause = sv::Cause::None;  // None: translated
  std::uint64_t pa = 0;
  unsigned level = 0;     // 0 = 4 KiB leaf, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB, 4 = 256 TiB
  bool napot = false;     // a 64 KiB Svnapot page (level 0)
  std::uint64_t pte = 0;  // leaf PTE as stored, after any A/D update (0 in Bare mode)
  bool tlb_hit = false;
  bool walk_cache_hit = false;  // a walk that started from a walk-cache entry
  // The rule that decided (the reference engine's account; an RTL engine leaves it).
  sv::Rule rule = sv::Rule::Translated;
  bool ok() const { return cause == sv::Cause::None; }
  // The memory type the leaf asks for (Svpbmt, §6; PMA when it is off or in Bare mode).
  sv::Pbmt pbmt() const { return sv::pte_pbmt(pte); }
  unsigned page_shift() const { return sv::leaf_shift(level, napot); }
};

struct FlushRequest {
  mmu_regs::FlushKind kind = mmu_regs::FlushKind::All;
  std::uint64_t va = 0;
  std::uint16_t asid = 0;
};

// One PTE access of a walker, as checkers log them.
struct PteAccess {
  bool write = false;
  std::uint64_t pa = 0;
  std::uint64_t value = 0;
  bool ok = true;
  bool operator==(const PteAccess& o) const {
    return write == o.write && pa == o.pa && value == o.value && ok == o.ok;
  }
};

// How the walker reaches memory (after riscv-vp's mmu_memory_if): the TLM shell binds
// it to its initiator socket, the `translate` command to a host image. A read that
// fails (nothing at that address) returns nullopt and becomes an access fault.
class PteMemory {
 public:
  virtual ~PteMemory() = default;
  virtual std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) = 0;
  virtual bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) = 0;
};

class TranslationEngine {
 public:
  virtual ~TranslationEngine() = default;
  // Translates one access; adds the time it took to `delay`.
  virtual TranslationResult translate(const TranslationRequest& req, sc_core::sc_time& delay) = 0;
  virtual void write_satp(std::uint64_t satp) = 0;
  virtual std::uint64_t satp() const = 0;
  virtual void flush(const FlushRequest& req) = 0;
  virtual const MmuStats& stats() const = 0;
  // Counters from zero, TLBs and walk cache as they are (the end of a warm-up).
  virtual void restart_stats() = 0;
  // The run is over: close whatever the engine records (waveforms).
  virtual void finish() {}
};

}  // namespace mmusim
