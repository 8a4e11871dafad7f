#pragma once
// Physical 4 KiB frames of one DRAM range, handed out lowest address first.

#include <cstdint>
#include <optional>
#include <vector>

namespace mmusim::fw {

class FrameAllocator {
 public:
  FrameAllocator(std::uint64_t base, std::uint64_t bytes);
  std::optional<std::uint64_t> allocate();
  void release(std::uint64_t frame);
  std::size_t free_frames() const { return free_.size(); }
  std::size_t total_frames() const { return total_; }

 private:
  std::vector<std::uint64_t> free_;  // a stack: the lowest frame on top
  std::size_t total_;
};

}  // namespace mmusim::fw
