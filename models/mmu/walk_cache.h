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
  // An entry's region and level in one word: its VPN (below 2^52) above three bits of
  // level. A lookup, and a flush of a page (after every eviction and every cleared A
  // bit), compare these words instead of whole entries.
  static constexpr unsigned kLevelBits = 3;
  // (One value of the level bits stays unused: kNoEntry's.)
  static_assert(sv::kMaxLevels < 1u << kLevelBits, "a level must fit a tag's level bits");
  static constexpr std::uint64_t kNoEntry = ~std::uint64_t{0};  // no region's tag
  static std::uint64_t tag(std::uint64_t vpn, unsigned level) {
    return vpn << kLevelBits | level;
  }
  void invalidate(unsigned way);

  std::vector<TlbEntry> entries_;
  std::vector<std::uint64_t> tags_;  // per entry; kNoEntry when it is invalid
  std::unique_ptr<ReplacementPolicy> lru_;
};

}  // namespace mmusim
