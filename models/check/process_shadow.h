#pragma once
// What one process must read back at every VA: its private memory's shadow, plus views
// of what it shares. A shared segment's shadow is one object that every process
// attaching the segment sees (at its own VA), so a store by one is expected by all; a
// library view expects the image's known contents. A forked child starts with a copy
// of its parent's private shadow and the same shared views.

#include <cstdint>
#include <memory>
#include <vector>

#include "shadow_memory.h"

namespace mmusim {

class ProcessShadow {
 public:
  // [va, va + size) lies within one 4 KiB page. (Inline for private memory: the checker
  // calls these on every access.)
  void write(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) {
    const View* v = views_.empty() ? nullptr : view_of(va);
    if (v == nullptr) {
      private_.write(va, data, size);
    } else {
      write_view(*v, va, data, size);
    }
  }
  bool matches(std::uint64_t va, const std::uint8_t* data, std::uint32_t size) const {
    const View* v = views_.empty() ? nullptr : view_of(va);
    return v == nullptr ? private_.matches(va, data, size) : view_matches(*v, va, data, size);
  }
  void expected(std::uint64_t va, std::uint8_t* out, std::uint32_t size) const;
  // Private memory [start, end) left the address space: zero if it ever returns.
  void forget(std::uint64_t start, std::uint64_t end) { private_.forget(start, end); }

  // [start, end) shows `segment` from its byte 0 (shmat).
  void attach(std::uint64_t start, std::uint64_t end, std::shared_ptr<ShadowMemory> segment);
  // [start, end) shows library `library` from its byte 0.
  void map_library(std::uint64_t start, std::uint64_t end, unsigned library);
  // The view starting at `start` is gone (shmdt); its range reads as a hole.
  void detach(std::uint64_t start);

 private:
  struct View {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::shared_ptr<ShadowMemory> segment;  // null: a library
    unsigned library = 0;
  };
  const View* view_of(std::uint64_t va) const;
  void write_view(const View& v, std::uint64_t va, const std::uint8_t* data, std::uint32_t size);
  bool view_matches(const View& v, std::uint64_t va, const std::uint8_t* data,
                    std::uint32_t size) const;
  void library_bytes(const View& v, std::uint64_t va, std::uint8_t* out, std::uint32_t size) const;

  ShadowMemory private_;
  std::vector<View> views_;
};

}  // namespace mmusim
