#include "shadow_memory.h"

#include <cstring>

namespace mmusim {

namespace {
constexpr unsigned kShift = 12;
constexpr std::uint64_t kMask = (std::uint64_t{1} << kShift) - 1;
}  // namespace

ShadowMemory::ShadowMemory(const ShadowMemory& other) {
  for (const auto& [number, page] : other.pages_)
    pages_.emplace(number, std::make_unique<Page>(*page));
}

const ShadowMemory::Page* ShadowMemory::find(std::uint64_t va) const {
  const std::uint64_t number = va >> kShift;
  if (number != cached_number_) {
    const auto it = pages_.find(number);
    if (it == pages_.end()) return nullptr;  // not cached: the page may be created later
    cached_number_ = number;
    cached_ = it->second.get();
  }
  return cached_;
}

void ShadowMemory::write(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) {
  Page* page = const_cast<Page*>(find(va));
  if (page == nullptr) {
    auto& slot = pages_[va >> kShift];
    slot = std::make_unique<Page>();
    slot->fill(0);
    page = slot.get();
    cached_number_ = va >> kShift;
    cached_ = page;
  }
  std::memcpy(page->data() + (va & kMask), data, size);
}

bool ShadowMemory::matches(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) const {
  const Page* page = find(va);
  if (page == nullptr) {
    for (std::uint32_t i = 0; i < size; ++i) {
      if (data[i] != 0) return false;
    }
    return true;
  }
  const std::uint8_t* want = page->data() + (va & kMask);
  if (size == 8) {  // the synthetic workloads' word: one compare, not a call to memcmp
    std::uint64_t a = 0, b = 0;
    std::memcpy(&a, want, 8);
    std::memcpy(&b, data, 8);
    return a == b;
  }
  return std::memcmp(want, data, size) == 0;
}

void ShadowMemory::expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const {
  const Page* page = find(va);
  if (page == nullptr) {
    std::memset(out, 0, size);
  } else {
    std::memcpy(out, page->data() + (va & kMask), size);
  }
}

void ShadowMemory::forget(std::uint64_t start, std::uint64_t end) {
  for (std::uint64_t number = start >> kShift; number < (end >> kShift); ++number) {
    pages_.erase(number);
  }
  cached_number_ = ~std::uint64_t{0};
}

}  // namespace mmusim
