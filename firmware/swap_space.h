#pragma once
// Swap slots with reference counts, and the swap cache. A slot holds one page's copy;
// it is referenced by every swap-entry PTE that names it (a page that several
// processes share since a fork keeps one slot for all of them), by a shared segment's
// page record, and by the resident frame whose clean copy it is. The slot is freed
// when the last reference goes. While a slot's page is resident again, the swap cache
// maps the slot to that frame, so the next mapper that faults on its swap entry maps
// the frame instead of reading the slot again.

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "id_pool.h"

namespace mmusim::fw {

class SwapSpace {
 public:
  // Slots [0, slots); `slots` is what the device has for swap.
  explicit SwapSpace(std::uint64_t slots) : free_(0, slots) {}

  // A free slot with one reference (the caller's), or nullopt when swap is full.
  std::optional<std::uint64_t> allocate();
  void hold(std::uint64_t slot) { ++refs_.at(slot); }
  // Drops one reference; the last one frees the slot.
  void drop(std::uint64_t slot);
  std::uint64_t refs(std::uint64_t slot) const { return refs_.at(slot); }

  void cache(std::uint64_t slot, std::uint64_t frame) { cache_[slot] = frame; }
  void uncache(std::uint64_t slot) { cache_.erase(slot); }
  std::optional<std::uint64_t> cached(std::uint64_t slot) const;

  std::uint64_t in_use() const { return refs_.size(); }
  std::uint64_t peak() const { return peak_; }

 private:
  IdPool free_;
  std::unordered_map<std::uint64_t, std::uint64_t> refs_;   // slot -> references
  std::unordered_map<std::uint64_t, std::uint64_t> cache_;  // slot -> resident frame
  std::uint64_t peak_ = 0;
};

}  // namespace mmusim::fw
