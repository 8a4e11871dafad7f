#include "process_shadow.h"

#include <algorithm>
#include <cstring>

#include "library_image.h"

namespace mmusim {

const ProcessShadow::View* ProcessShadow::view_of(std::uint64_t va) const {
  for (const View& v : views_) {
    if (va >= v.start && va < v.end) return &v;
  }
  return nullptr;
}

void ProcessShadow::library_bytes(const View& v, std::uint64_t va, std::uint8_t* out,
                                  std::uint32_t size) const {
  const std::uint64_t offset = va - v.start;
  for (std::uint32_t i = 0; i < size;) {
    const std::uint64_t word_offset = (offset + i) & ~std::uint64_t{7};
    const std::uint64_t word = library_word(v.library, word_offset);
    const std::uint32_t from = static_cast<std::uint32_t>(offset + i - word_offset);
    const std::uint32_t n = std::min<std::uint32_t>(8 - from, size - i);
    std::memcpy(out + i, reinterpret_cast<const std::uint8_t*>(&word) + from, n);
    i += n;
  }
}

void ProcessShadow::write_view(const View& v, std::uint64_t va, const std::uint8_t* data,
                               std::uint32_t size) {
  // A store into a library cannot complete (it is mapped read-only): nothing to remember.
  if (v.segment) v.segment->write(va - v.start, data, size);
}

bool ProcessShadow::view_matches(const View& v, std::uint64_t va, const std::uint8_t* data,
                                 std::uint32_t size) const {
  if (v.segment) return v.segment->matches(va - v.start, data, size);
  std::uint8_t want[4096];
  library_bytes(v, va, want, size);
  return std::memcmp(want, data, size) == 0;
}

void ProcessShadow::expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const {
  const View* v = views_.empty() ? nullptr : view_of(va);
  if (v == nullptr) {
    private_.expected(va, out, size);
  } else if (v->segment) {
    v->segment->expected(va - v->start, out, size);
  } else {
    library_bytes(*v, va, out, size);
  }
}

void ProcessShadow::attach(std::uint64_t start, std::uint64_t end,
                           std::shared_ptr<ShadowMemory> segment) {
  views_.push_back({start, end, std::move(segment), 0});
}

void ProcessShadow::map_library(std::uint64_t start, std::uint64_t end, unsigned library) {
  views_.push_back({start, end, nullptr, library});
}

void ProcessShadow::detach(std::uint64_t start) {
  views_.erase(std::remove_if(views_.begin(), views_.end(),
                              [start](const View& v) { return v.start == start; }),
               views_.end());
}

}  // namespace mmusim
