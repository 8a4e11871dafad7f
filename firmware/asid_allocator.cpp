#include "asid_allocator.h"

namespace mmusim::fw {

Asid AsidAllocator::assign(bool& rolled_over) {
  rolled_over = false;
  auto value = free_.allocate();
  if (!value) {
    ++generation_;
    free_ = IdPool(0, count_);
    rolled_over = true;
    value = free_.allocate();
  }
  return Asid{static_cast<std::uint16_t>(*value), generation_};
}

void AsidAllocator::release(const Asid& asid) {
  if (current(asid)) free_.release(asid.value);
}

}  // namespace mmusim::fw
