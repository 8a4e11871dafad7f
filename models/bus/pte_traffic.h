#pragma once
// Marks a memory request made for the page-table walker (a PTE read, an A/D write) and the
// line fills it causes further down, so every cache level counts PTE traffic apart
// (`cache.<level>.pte_hits`). A tag with no fields: attach the one instance, clear it after.

#include <tlm>

namespace mmusim {

struct PteTraffic : tlm::tlm_extension<PteTraffic> {
  tlm::tlm_extension_base* clone() const override { return new PteTraffic; }
  void copy_from(const tlm::tlm_extension_base&) override {}

  static bool marks(const tlm::tlm_generic_payload& trans) {
    return trans.get_extension<PteTraffic>() != nullptr;
  }
};

}  // namespace mmusim
