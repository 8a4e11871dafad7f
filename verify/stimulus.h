#pragma once
// Constrained-random stimulus for the MMU: page tables in memory and a stream of
// operations on them, from one seed. The tables reach every corner the walker has
// rules for: every level, superpages aligned and misaligned, invalid PTEs, reserved
// bits 63:54, non-leaf PTEs with A/D/U, every R/W/X combination (the reserved ones
// too), U and G, A/D in all combinations, several ASIDs with global mappings in a
// subtree they share, a PTE pointing outside memory; and, on the seeds that turn Svnapot
// and Svpbmt on, 64 KiB NAPOT ranges (now and then with a reserved encoding or one PTE
// unlike the others), N on superpages and pointers, and every PBMT value. The stream mixes reads,
// writes and fetches from U and S mode with SUM and MXR, satp and ASID switches, the four
// SFENCE.VMA forms, and page-table edits with and without the flush they need, over a
// pool of VAs that it revisits so that TLB and walk-cache hits, fills and evictions
// happen.

#include <cstdint>
#include <vector>

#include "translation_engine.h"
#include "verify_memory.h"

namespace mmusim::verify {

struct Operation {
  enum class Kind { Translate, Satp, Flush, Edit };
  Kind kind = Kind::Translate;
  TranslationRequest request;  // Translate
  std::uint64_t satp = 0;      // Satp
  FlushRequest flush;          // Flush
  std::uint64_t pte_addr = 0;  // Edit: software stores `value` in a leaf PTE there...
  std::uint64_t value = 0;
  bool flushed = false;       // ...and a Flush operation that covers it follows
  std::uint64_t leaf_va = 0;  // Edit: the page the leaf maps, and its level
  unsigned leaf_level = 0;
};

struct Case {
  std::uint64_t seed = 0;
  sv::Mode mode = sv::Mode::Sv39;
  sv::Extensions extensions;  // what the MMU under test implements for this case
  VerifyMemory::Words memory;
  std::vector<Operation> operations;
};

// `requests`: how many operations (translations and the rest) the stream has;
// `asid_bits`: how many ASID bits the MMU under test implements (with fewer than 16 its
// ASIDs may alias, and the stream flushes one before it names other tables).
Case generate_case(std::uint64_t seed, std::size_t requests, unsigned asid_bits);

}  // namespace mmusim::verify
