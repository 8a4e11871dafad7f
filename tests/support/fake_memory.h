#pragma once
// Host-side physical memory for walker and firmware tests: a map of 64-bit words plus a
// page-table builder that lays out Sv39/Sv48 tables the way the spec describes them.

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "sv.h"
#include "translation_engine.h"

namespace mmusim::test {

class FakeMemory : public PteMemory {
 public:
  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) override {
    ++reads;
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    if (unmapped.count(pa & ~(sv::kPageSize - 1)) != 0) return std::nullopt;
    const auto it = words.find(pa);
    return it == words.end() ? 0 : it->second;
  }
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) override {
    ++writes;
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    words[pa] = pte;
    return true;
  }
  std::uint64_t word(std::uint64_t pa) const {
    const auto it = words.find(pa);
    return it == words.end() ? 0 : it->second;
  }

  std::map<std::uint64_t, std::uint64_t> words;
  std::set<std::uint64_t> unmapped;  // pages whose reads fail (bus error)
  unsigned reads = 0;
  unsigned writes = 0;
};

// Builds page tables in a FakeMemory: tables are taken from `next_table` upward.
class PageTableBuilder {
 public:
  PageTableBuilder(FakeMemory& memory, sv::Mode mode, std::uint64_t root = 0x8000'0000)
      : memory_(memory), mode_(mode), root_(root), next_table_(root + sv::kPageSize) {}

  std::uint64_t root() const { return root_; }
  std::uint64_t satp(std::uint16_t asid = 1) const {
    return sv::Satp{mode_, asid, root_ >> sv::kPageShift}.encode();
  }
  // Maps the level-`level` page at va to pa with leaf flags (V is added); returns the
  // PTE's physical address.
  std::uint64_t map(std::uint64_t va, std::uint64_t pa, std::uint64_t flags, unsigned level = 0,
                    std::uint64_t pointer_flags = 0) {
    std::uint64_t table = root_;
    for (unsigned l = sv::levels(mode_) - 1; l > level; --l) {
      const std::uint64_t slot = table + sv::vpn(va, l) * 8;
      std::uint64_t pte = memory_.word(slot);
      if ((pte & sv::kPteV) == 0) {
        pte = sv::make_pte(next_table_, sv::kPteV | pointer_flags);
        next_table_ += sv::kPageSize;
        memory_.words[slot] = pte;
      }
      table = sv::pte_ppn(pte) << sv::kPageShift;
    }
    const std::uint64_t slot = table + sv::vpn(va, level) * 8;
    memory_.words[slot] = sv::make_pte(pa, flags | sv::kPteV);
    return slot;
  }

 private:
  FakeMemory& memory_;
  sv::Mode mode_;
  std::uint64_t root_;
  std::uint64_t next_table_;
};

}  // namespace mmusim::test
