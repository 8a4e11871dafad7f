// Per-frame state stored by blocks: values stay where they were written, untouched blocks
// hold nothing, and a visit sees the stored frames in ascending order.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "lazy_array.h"

namespace mmusim::fw {
namespace {

TEST(LazyArray, KeepsValuesAndStoresOnlyTheBlocksWritten) {
  LazyArray<std::uint64_t> array;
  constexpr std::uint64_t kFar = std::uint64_t{1} << 28;  // a frame of a 1 TiB DRAM
  EXPECT_EQ(array.find(0), nullptr);
  array[5] = 50;
  std::uint64_t& far = array[kFar];
  far = 60;
  array[3 * LazyArray<std::uint64_t>::kBlockSize] = 70;  // grows the block table again
  EXPECT_EQ(far, 60u);  // a reference stays valid as other blocks are stored
  ASSERT_NE(array.find(5), nullptr);
  EXPECT_EQ(*array.find(5), 50u);
  EXPECT_EQ(*array.find(6), 0u);  // a stored block's other frames hold the default
  EXPECT_EQ(array.find(LazyArray<std::uint64_t>::kBlockSize), nullptr);
  EXPECT_EQ(array.find(kFar + LazyArray<std::uint64_t>::kBlockSize), nullptr);

  std::vector<std::uint64_t> written;
  array.for_each_stored([&](std::uint64_t frame, std::uint64_t value) {
    if (value != 0) written.push_back(frame);
  });
  EXPECT_EQ(written, (std::vector<std::uint64_t>{5, 3 * LazyArray<std::uint64_t>::kBlockSize, kFar}));
}

}  // namespace
}  // namespace mmusim::fw
