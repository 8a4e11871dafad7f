#pragma once
// Objects that several address spaces map: shared-memory segments (anonymous, written
// by all, kept in swap under pressure) and library images (read-only, read from the
// file store and dropped when memory is short, then read again). Each keeps its own
// page cache: where each of its pages is. PTEs that map an object page are cleared when
// the page is evicted (the region says where to find it again), as Linux does for
// file-backed and shmem pages; only private pages leave swap entries in PTEs.

#include <cstdint>
#include <optional>
#include <string>

#include "lazy_array.h"

namespace mmusim::fw {

// A library image in the file store: `size` bytes from block `first_block` on.
struct LibraryImage {
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t first_block = 0;
};

struct ObjectPage {
  std::optional<std::uint64_t> frame;  // resident
  std::optional<std::uint64_t> slot;   // Shared: in swap (never both: a resident page's
                                       // copy is the frame's swap_slot)
};

struct SharedObject {
  enum class Kind { Segment, Library } kind = Kind::Segment;
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t first_block = 0;  // Library: where its image starts in the file store
  // By page index: stored for the parts of the object the run has touched, so a large
  // sparse segment or library costs host memory for what is used of it.
  LazyArray<ObjectPage> pages;
  unsigned attachments = 0;  // regions that map it, in all address spaces
  bool removed = false;      // Segment: destroyed once the last attachment goes
  bool destroyed = false;    // its pages freed (a removed segment's last detach)
  bool live() const { return !destroyed; }
};

}  // namespace mmusim::fw
