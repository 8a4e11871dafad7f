#pragma once
// A pool of numbered resources (frames, swap slots, ASIDs) handed out lowest first.

#include <cstdint>
#include <optional>
#include <vector>

namespace mmusim::fw {

class IdPool {
 public:
  IdPool(std::uint64_t first, std::uint64_t count) : count_(count) {
    free_.reserve(count);
    for (std::uint64_t i = count; i-- > 0;) free_.push_back(first + i);
  }
  std::optional<std::uint64_t> allocate() {
    if (free_.empty()) return std::nullopt;
    const std::uint64_t id = free_.back();
    free_.pop_back();
    return id;
  }
  void release(std::uint64_t id) { free_.push_back(id); }
  std::uint64_t free_count() const { return free_.size(); }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<std::uint64_t> free_;  // a stack: the lowest id on top
  std::uint64_t count_;
};

}  // namespace mmusim::fw
