#pragma once
// A small fully associative LRU cache of non-leaf PTEs, so a walk can skip the upper
// levels. An entry at level L holds the PTE read from the level-L table for the VA
// region of 2^page_shift(L) bytes; it points at the level L-1 table.

#include <cstdint>
#include <memory>
#include <vector>

#include "replacement.h"
#include "tlb.h"

namespace mmusim {

class WalkCache {
 public:
  explicit WalkCache(unsigned entries);
  // The entry for level `level` covering va in asid, or nullptr; a hit refreshes LRU.
  const TlbEntry* lookup(std::uint64_t va, std::uint16_t asid, unsigned level);
  void fill(const TlbEntry& entry);
  // Conservatively drops every entry the same SFENCE.VMA form drops from the TLB (the
  // spec lets VA forms keep non-leaf entries; dropping more is always allowed).
  void flush(const FlushRequest& req);

 private:
  std::vector<TlbEntry> entries_;
  StampPolicy lru_;
};

}  // namespace mmusim
