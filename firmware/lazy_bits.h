#pragma once
// A bitmap of n bits, all `initial` at first, that holds storage only for the blocks of
// 4096 bits in which one has changed: per-frame state costs host memory for the frames
// the run touches, not for every frame DRAM has.

#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

namespace mmusim::fw {

class LazyBits {
 public:
  LazyBits(std::uint64_t n, bool initial) : initial_(initial), blocks_((n + kBits - 1) / kBits) {}

  bool get(std::uint64_t i) const {
    const auto& block = blocks_[i / kBits];
    return block ? block->test(i % kBits) : initial_;
  }
  void set(std::uint64_t i, bool value) {
    auto& block = blocks_[i / kBits];
    if (!block) {
      if (value == initial_) return;
      block = std::make_unique<std::bitset<kBits>>();
      if (initial_) block->set();
    }
    block->set(i % kBits, value);
  }

 private:
  static constexpr std::uint64_t kBits = 4096;
  bool initial_;
  std::vector<std::unique_ptr<std::bitset<kBits>>> blocks_;
};

}  // namespace mmusim::fw
