#include "shadow_memory.h"

#include <algorithm>
#include <cstring>

namespace mmusim {

ShadowMemory::ShadowMemory(const ShadowMemory& other) {
  for (const auto& [number, chunk] : other.chunks_) {
    auto copy = std::make_unique<Chunk>();
    for (std::size_t i = 0; i < chunk->size(); ++i) {
      if (!(*chunk)[i]) continue;
      (*copy)[i] = make_host_page();
      std::memcpy((*copy)[i].get(), (*chunk)[i].get(), host_pages::kBytes);
    }
    chunks_.emplace(number, std::move(copy));
  }
}

ShadowMemory::Chunk* ShadowMemory::chunk_of(std::uint64_t number) const {
  const std::uint64_t chunk_number = number >> kChunkShift;
  if (chunk_number != cached_chunk_number_) {
    const auto it = chunks_.find(chunk_number);
    if (it == chunks_.end()) return nullptr;  // not cached: the chunk may be created later
    cached_chunk_number_ = chunk_number;
    cached_chunk_ = it->second.get();
  }
  return cached_chunk_;
}

std::uint8_t* ShadowMemory::find_uncached(std::uint64_t number) const {
  const Chunk* chunk = chunk_of(number);
  if (chunk == nullptr) return nullptr;
  std::uint8_t* page = (*chunk)[in_chunk(number)].get();
  if (page == nullptr) return nullptr;  // not cached: the page may be created later
  cached_number_ = number;
  cached_ = page;
  return page;
}

std::uint8_t* ShadowMemory::create(std::uint64_t number) {
  Chunk* chunk = chunk_of(number);
  if (chunk == nullptr) {
    auto& slot = chunks_[number >> kChunkShift];
    slot = std::make_unique<Chunk>();
    chunk = slot.get();
    cached_chunk_number_ = number >> kChunkShift;
    cached_chunk_ = chunk;
  }
  auto& slot = (*chunk)[in_chunk(number)];
  slot = make_host_page();
  cached_number_ = number;
  cached_ = slot.get();
  return cached_;
}

bool ShadowMemory::all_zero(const std::uint8_t* data, std::uint32_t size) {
  return std::all_of(data, data + size, [](std::uint8_t byte) { return byte == 0; });
}

void ShadowMemory::expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const {
  const std::uint8_t* page = find(va);
  if (page == nullptr) {
    std::memset(out, 0, size);
  } else {
    std::memcpy(out, page + (va & kOffsetMask), size);
  }
}

void ShadowMemory::forget(std::uint64_t start, std::uint64_t end) {
  const std::uint64_t last = end >> kPageShift;
  for (std::uint64_t number = start >> kPageShift; number < last;) {
    Chunk* chunk = chunk_of(number);
    const std::uint64_t stop = std::min(last, ((number >> kChunkShift) + 1) << kChunkShift);
    for (; chunk != nullptr && number < stop; ++number) {
      (*chunk)[in_chunk(number)].reset();
    }
    number = stop;
  }
  cached_number_ = ~std::uint64_t{0};
}

}  // namespace mmusim
