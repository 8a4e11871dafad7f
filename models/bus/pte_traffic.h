#pragma once
// Marks a memory request made for the page-table walker (a PTE read, an A/D write) and the
// line fills it causes further down, so every cache level counts PTE traffic apart
// (`cache.<level>.pte_hits`), and says which level served it, so walk latency can be told
// apart by where its PTEs were found. Attach one instance, clear it after.

#include <cstdint>
#include <tlm>

namespace mmusim {

struct PteTraffic : tlm::tlm_extension<PteTraffic> {
  // Cache levels are numbered from the one nearest the cpu; memory is deeper than all.
  static constexpr unsigned kMaxCacheLevels = 3;
  static constexpr unsigned kMemory = kMaxCacheLevels;
  // Where the request was served: a level that hits sets its number, one that misses
  // passes on its fill's; a request no cache answered stays at memory.
  unsigned served_by = kMemory;

  tlm::tlm_extension_base* clone() const override { return new PteTraffic(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    served_by = static_cast<const PteTraffic&>(other).served_by;
  }

  static PteTraffic* of(const tlm::tlm_generic_payload& trans) {
    return trans.get_extension<PteTraffic>();
  }
};

}  // namespace mmusim
