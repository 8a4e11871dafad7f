#pragma once
// A value per frame (or swap slot, or page of a shared object), stored for the blocks of
// 4096 (16 MiB of DRAM) in which one has been written: per-frame state costs host memory
// for the frames the run touches, not for every frame DRAM has (as LazyBits does for one
// bit). Unlike a hash
// map, frames next to each other sit next to each other in host memory, and a lookup is
// two loads: the replacement policies walk frames on every eviction.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace mmusim::fw {

template <typename T>
class LazyArray {
 public:
  static constexpr unsigned kBlockShift = 12;
  static constexpr std::uint64_t kBlockSize = std::uint64_t{1} << kBlockShift;

  // The value at `index` (a frame's, a slot's), its block stored from here on.
  T& operator[](std::uint64_t index) {
    const std::uint64_t b = index >> kBlockShift;
    if (b >= blocks_.size()) blocks_.resize(b + 1);
    if (!blocks_[b]) blocks_[b] = std::make_unique<Block>();
    return (*blocks_[b])[index & (kBlockSize - 1)];
  }
  // The value at `index`, or nullptr where its block was never written (every value
  // there is a default T).
  const T* find(std::uint64_t index) const {
    const std::uint64_t b = index >> kBlockShift;
    if (b >= blocks_.size() || !blocks_[b]) return nullptr;
    return &(*blocks_[b])[index & (kBlockSize - 1)];
  }

  // Visits (index, value) for every index of the stored blocks, in ascending order.
  template <typename Visit>
  void for_each_stored(Visit visit) const {
    for (std::uint64_t b = 0; b < blocks_.size(); ++b) {
      if (!blocks_[b]) continue;
      for (std::uint64_t i = 0; i < kBlockSize; ++i) visit((b << kBlockShift) + i, (*blocks_[b])[i]);
    }
  }

 private:
  using Block = std::array<T, kBlockSize>;
  std::vector<std::unique_ptr<Block>> blocks_;
};

}  // namespace mmusim::fw
