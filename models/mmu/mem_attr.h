#pragma once
// The TLM extension every cpu access carries (the mmu defines it, the cpu attaches it):
// the kind and privilege of the access and the mstatus bits that change permission
// checks. Which address space it belongs to is the mmu's satp (set by the firmware on a
// context switch), as on a real hart.

#include <cstdint>
#include <tlm>

#include "sv.h"

namespace mmusim {

struct MemAttr : tlm::tlm_extension<MemAttr> {
  // Kind, privilege, mstatus.SUM (supervisor may touch U pages, priv spec §4.3.1) and
  // mstatus.MXR (loads from executable-only pages succeed). Set and read as a whole: a
  // wide load of fields written one byte at a time stalls the host's store forwarding
  // on every access.
  sv::AccessContext ctx;

  tlm::tlm_extension_base* clone() const override { return new MemAttr(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MemAttr&>(other);
  }
};

}  // namespace mmusim
