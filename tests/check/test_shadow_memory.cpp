// The integrity checker's reference memory: what was written reads back, what was never
// written or was forgotten reads as zero, wherever in a 64-bit address space it lies.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "shadow_memory.h"

namespace mmusim {
namespace {

constexpr std::uint64_t kChunk = std::uint64_t{256} << 10;  // the shadow's 256 KiB chunks

void put(ShadowMemory& shadow, std::uint64_t va, std::uint64_t value) {
  shadow.write(va, reinterpret_cast<const std::uint8_t*>(&value), sizeof value);
}
std::uint64_t get(const ShadowMemory& shadow, std::uint64_t va) {
  std::uint64_t value = 0;
  shadow.expected(va, reinterpret_cast<std::uint8_t*>(&value), sizeof value);
  return value;
}
bool holds(const ShadowMemory& shadow, std::uint64_t va, std::uint64_t value) {
  return shadow.matches(va, reinterpret_cast<const std::uint8_t*>(&value), sizeof value);
}

TEST(ShadowMemory, ReadsBackWritesAcrossASparseAddressSpaceAndZeroElsewhere) {
  ShadowMemory shadow;
  const std::vector<std::uint64_t> vas = {0x1000'0000, 0x1000'0ff8, 0x1000'1000,
                                          0x1000'0000 + kChunk, 0x3f'ffff'fff8,
                                          0xffff'ffff'ffff'f000};
  for (std::size_t i = 0; i < vas.size(); ++i) put(shadow, vas[i], 0x1111 * (i + 1));
  for (std::size_t i = 0; i < vas.size(); ++i) {
    EXPECT_EQ(get(shadow, vas[i]), 0x1111 * (i + 1)) << std::hex << vas[i];
    EXPECT_TRUE(holds(shadow, vas[i], 0x1111 * (i + 1)));
    EXPECT_FALSE(holds(shadow, vas[i], 0));
  }
  // Never written: the rest of a written page, another page of a written chunk, another chunk.
  for (const std::uint64_t va : std::vector<std::uint64_t>{0x1000'0008, 0x1000'2000, 0x1000'0000 + 2 * kChunk}) {
    EXPECT_EQ(get(shadow, va), 0u) << std::hex << va;
    EXPECT_TRUE(holds(shadow, va, 0));
  }
}

TEST(ShadowMemory, ForgetClearsExactlyItsRangeAcrossChunks) {
  ShadowMemory shadow;
  const std::uint64_t boundary = 0x4000'0000;  // a chunk boundary
  for (std::uint64_t va = boundary - 3 * 4096; va < boundary + 3 * 4096; va += 4096) {
    put(shadow, va, va);
  }
  shadow.forget(boundary - 2 * 4096, boundary + 2 * 4096);
  EXPECT_EQ(get(shadow, boundary - 3 * 4096), boundary - 3 * 4096);
  for (std::uint64_t va = boundary - 2 * 4096; va < boundary + 2 * 4096; va += 4096) {
    EXPECT_EQ(get(shadow, va), 0u) << std::hex << va;
  }
  EXPECT_EQ(get(shadow, boundary + 2 * 4096), boundary + 2 * 4096);
  // A range far larger than what was written costs what was written, not its size.
  shadow.forget(0, std::uint64_t{1} << 47);
  EXPECT_EQ(get(shadow, boundary + 2 * 4096), 0u);
  put(shadow, boundary, 7);  // a forgotten page can be written again
  EXPECT_EQ(get(shadow, boundary), 7u);
}

TEST(ShadowMemory, ACopyIsIndependentOfItsOriginal) {
  ShadowMemory parent;
  put(parent, 0x1000'0000, 1);
  put(parent, 0x1000'0000 + kChunk, 2);
  ShadowMemory child(parent);
  put(parent, 0x1000'0000, 3);
  put(child, 0x1000'0000 + kChunk, 4);
  EXPECT_EQ(get(child, 0x1000'0000), 1u);
  EXPECT_EQ(get(parent, 0x1000'0000 + kChunk), 2u);
  EXPECT_EQ(get(parent, 0x1000'0000), 3u);
  EXPECT_EQ(get(child, 0x1000'0000 + kChunk), 4u);
}

}  // namespace
}  // namespace mmusim
