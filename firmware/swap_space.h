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
#include <stdexcept>

#include "id_pool.h"
#include "lazy_array.h"

namespace mmusim::fw {

class SwapSpace {
 public:
  // Slots [0, slots); `slots` is what the device has for swap.
  explicit SwapSpace(std::uint64_t slots) : free_(0, slots) {}

  // A free slot with one reference (the caller's), or nullopt when swap is full.
  std::optional<std::uint64_t> allocate();
  void hold(std::uint64_t slot) { ++in_use(slot).refs; }
  // Drops one reference; the last one frees the slot.
  void drop(std::uint64_t slot);
  std::uint64_t refs(std::uint64_t slot) const;

  void cache(std::uint64_t slot, std::uint64_t frame) { in_use(slot).cached = frame; }
  void uncache(std::uint64_t slot) { slots_[slot].cached.reset(); }
  std::optional<std::uint64_t> cached(std::uint64_t slot) const;

  std::uint64_t in_use() const { return in_use_; }
  std::uint64_t peak() const { return peak_; }

 private:
  struct Slot {
    std::uint64_t refs = 0;               // 0: free
    std::optional<std::uint64_t> cached;  // the resident frame holding its page
  };
  Slot& in_use(std::uint64_t slot);  // a logic error if the slot is free

  IdPool free_;
  LazyArray<Slot> slots_;
  std::uint64_t in_use_ = 0;
  std::uint64_t peak_ = 0;
};

}  // namespace mmusim::fw
