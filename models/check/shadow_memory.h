#pragma once
// The integrity checker's reference: what one process last wrote at each byte of its
// address space (zero where it never wrote), kept in host memory page by page.

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace mmusim {

class ShadowMemory {
 public:
  ShadowMemory() = default;
  ShadowMemory(const ShadowMemory& other);  // a deep copy: a forked child's
  ShadowMemory& operator=(const ShadowMemory& other) { return *this = ShadowMemory(other); }
  ShadowMemory(ShadowMemory&&) noexcept = default;
  ShadowMemory& operator=(ShadowMemory&&) noexcept = default;

  // [va, va + size) must lie within one 4 KiB page.
  void write(std::uint64_t va, const std::uint8_t* data, std::uint32_t size);
  // Whether `data` equals what was last written there.
  bool matches(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) const;
  // Copies the expected bytes into `out`.
  void expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const;
  // [start, end) (page aligned) left the address space: it reads as zero if it returns.
  void forget(std::uint64_t start, std::uint64_t end);

 private:
  using Page = std::array<std::uint8_t, 4096>;
  const Page* find(std::uint64_t va) const;

  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
  // The last page looked up: consecutive accesses mostly stay on one page.
  mutable std::uint64_t cached_number_ = ~std::uint64_t{0};
  mutable Page* cached_ = nullptr;
};

}  // namespace mmusim
