#include "swap_space.h"

#include <algorithm>

namespace mmusim::fw {

std::optional<std::uint64_t> SwapSpace::allocate() {
  const auto slot = free_.allocate();
  if (slot) {
    refs_[*slot] = 1;
    peak_ = std::max<std::uint64_t>(peak_, refs_.size());
  }
  return slot;
}

void SwapSpace::drop(std::uint64_t slot) {
  auto it = refs_.find(slot);
  if (--it->second != 0) return;
  refs_.erase(it);
  cache_.erase(slot);
  free_.release(slot);
}

std::optional<std::uint64_t> SwapSpace::cached(std::uint64_t slot) const {
  const auto it = cache_.find(slot);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mmusim::fw
