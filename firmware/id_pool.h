#pragma once
// A pool of numbered resources (swap slots, ASIDs) handed out lowest first, then the most
// recently released first. Ids never handed out are counted, not stored: host memory
// grows with the ids used, not with the pool's size.

#include <cstdint>
#include <optional>
#include <vector>

namespace mmusim::fw {

class IdPool {
 public:
  IdPool(std::uint64_t first, std::uint64_t count)
      : next_(first), end_(first + count), count_(count) {}
  std::optional<std::uint64_t> allocate() {
    if (!released_.empty()) {
      const std::uint64_t id = released_.back();
      released_.pop_back();
      return id;
    }
    if (next_ == end_) return std::nullopt;
    return next_++;
  }
  void release(std::uint64_t id) { released_.push_back(id); }
  std::uint64_t free_count() const { return released_.size() + (end_ - next_); }
  std::uint64_t count() const { return count_; }

 private:
  std::vector<std::uint64_t> released_;  // a stack, the last released on top
  std::uint64_t next_;                   // the lowest id never handed out
  std::uint64_t end_;
  std::uint64_t count_;
};

}  // namespace mmusim::fw
