#pragma once
// The integrity checker's reference: what one process last wrote at each byte of its
// address space (zero where it never wrote), kept in host memory page by page. Pages are
// found through a small hash of 256 KiB chunks, each a table of its 64 pages: the checker
// looks a page up on every access, and a hash node per page made that a host cache miss.
// The pages themselves are host_pages'.

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "host_pages.h"

namespace mmusim {

class ShadowMemory {
 public:
  ShadowMemory() = default;
  ShadowMemory(const ShadowMemory& other);  // a deep copy: a forked child's
  ShadowMemory& operator=(const ShadowMemory& other) { return *this = ShadowMemory(other); }
  ShadowMemory(ShadowMemory&&) noexcept = default;
  ShadowMemory& operator=(ShadowMemory&&) noexcept = default;

  // [va, va + size) must lie within one 4 KiB page. (Inline: the checker calls these
  // on every access, and mostly on the page it saw last.)
  void write(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) {
    std::uint8_t* page = find(va);
    if (page == nullptr) page = create(va >> kPageShift);
    std::memcpy(page + (va & kOffsetMask), data, size);
  }
  // Whether `data` equals what was last written there.
  bool matches(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) const {
    const std::uint8_t* page = find(va);
    if (page == nullptr) return all_zero(data, size);
    const std::uint8_t* want = page + (va & kOffsetMask);
    if (size == 8) {  // the synthetic workloads' word: one compare, not a call to memcmp
      std::uint64_t a = 0, b = 0;
      std::memcpy(&a, want, 8);
      std::memcpy(&b, data, 8);
      return a == b;
    }
    return std::memcmp(want, data, size) == 0;
  }
  // Copies the expected bytes into `out`.
  void expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const;
  // [start, end) (page aligned) left the address space: it reads as zero if it returns.
  void forget(std::uint64_t start, std::uint64_t end);

 private:
  static constexpr unsigned kPageShift = 12;
  static constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kPageShift) - 1;
  static constexpr unsigned kChunkShift = 6;  // pages per chunk: 64
  static_assert((std::uint64_t{1} << kPageShift) == host_pages::kBytes, "a page is a host page");
  using Chunk = std::array<HostPage, std::size_t{1} << kChunkShift>;
  // Page bytes, or nullptr where nothing was written.
  std::uint8_t* find(std::uint64_t va) const {
    const std::uint64_t number = va >> kPageShift;
    return number == cached_number_ ? cached_ : find_uncached(number);
  }
  std::uint8_t* find_uncached(std::uint64_t number) const;
  std::uint8_t* create(std::uint64_t number);  // page `number`, zero-filled
  static bool all_zero(const std::uint8_t* data, std::uint32_t size);
  Chunk* chunk_of(std::uint64_t number) const;  // of page `number`; nullptr if none
  static std::size_t in_chunk(std::uint64_t number) {  // page `number`'s place in its chunk
    return number & ((std::uint64_t{1} << kChunkShift) - 1);
  }

  std::unordered_map<std::uint64_t, std::unique_ptr<Chunk>> chunks_;
  // The last page and chunk looked up: consecutive accesses mostly stay on one page.
  mutable std::uint64_t cached_number_ = ~std::uint64_t{0};
  mutable std::uint8_t* cached_ = nullptr;
  mutable std::uint64_t cached_chunk_number_ = ~std::uint64_t{0};
  mutable Chunk* cached_chunk_ = nullptr;
};

}  // namespace mmusim
