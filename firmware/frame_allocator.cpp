#include "frame_allocator.h"

#include "sv.h"

namespace mmusim::fw {

FrameAllocator::FrameAllocator(std::uint64_t base, std::uint64_t bytes)
    : total_(bytes / sv::kPageSize) {
  free_.reserve(total_);
  for (std::size_t i = total_; i-- > 0;) free_.push_back(base + i * sv::kPageSize);
}

std::optional<std::uint64_t> FrameAllocator::allocate() {
  if (free_.empty()) return std::nullopt;
  const std::uint64_t frame = free_.back();
  free_.pop_back();
  return frame;
}

void FrameAllocator::release(std::uint64_t frame) { free_.push_back(frame); }

}  // namespace mmusim::fw
