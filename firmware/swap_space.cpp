#include "swap_space.h"

#include <algorithm>
#include <string>

namespace mmusim::fw {

std::optional<std::uint64_t> SwapSpace::allocate() {
  const auto slot = free_.allocate();
  if (slot) {
    slots_[*slot] = Slot{1, std::nullopt};
    peak_ = std::max(peak_, ++in_use_);
  }
  return slot;
}

namespace {
[[noreturn]] void throw_free(std::uint64_t slot) {
  throw std::logic_error("SwapSpace: slot " + std::to_string(slot) + " is free");
}
}  // namespace

SwapSpace::Slot& SwapSpace::in_use(std::uint64_t slot) {
  Slot& s = slots_[slot];
  if (s.refs == 0) throw_free(slot);
  return s;
}

std::uint64_t SwapSpace::refs(std::uint64_t slot) const {
  const Slot* s = slots_.find(slot);
  if (s == nullptr || s->refs == 0) throw_free(slot);
  return s->refs;
}

void SwapSpace::drop(std::uint64_t slot) {
  Slot& s = in_use(slot);
  if (--s.refs != 0) return;
  s.cached.reset();
  --in_use_;
  free_.release(slot);
}

std::optional<std::uint64_t> SwapSpace::cached(std::uint64_t slot) const {
  const Slot* s = slots_.find(slot);
  return s != nullptr ? s->cached : std::nullopt;
}

}  // namespace mmusim::fw
