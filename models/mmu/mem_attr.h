#pragma once
// The TLM extension every cpu access carries (the mmu defines it, the cpu attaches it):
// the kind and privilege of the access and the mstatus bits that change permission
// checks. Which address space it belongs to is the mmu's satp (set by the firmware on a
// context switch), as on a real hart.

#include <cstdint>
#include <cstring>
#include <tlm>
#include <type_traits>

#include "sv.h"

namespace mmusim {

struct MemAttr : tlm::tlm_extension<MemAttr> {
  // Kind, privilege, mstatus.SUM (supervisor may touch U pages, priv spec §4.3.1) and
  // mstatus.MXR (loads from executable-only pages succeed). Read as a whole by the mmu,
  // so written with set_ctx().
  sv::AccessContext ctx;

  // Writes ctx with one store. The mmu's word load of fields stored one at a time cannot
  // be forwarded from the host's store buffer and stalls on every access; and a plain
  // assignment is split into byte stores when some fields are constants.
  void set_ctx(const sv::AccessContext& c) {
    static_assert(sizeof(sv::AccessContext) == sizeof(std::uint32_t) &&
                  std::is_trivially_copyable_v<sv::AccessContext>);
    std::uint32_t word = 0;
    std::memcpy(&word, &c, sizeof word);
    std::memcpy(static_cast<void*>(&ctx), &word, sizeof word);
  }

  tlm::tlm_extension_base* clone() const override { return new MemAttr(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MemAttr&>(other);
  }
};

}  // namespace mmusim
