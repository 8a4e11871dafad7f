#pragma once
// A process's virtual address space: a sparse set of regions (text, data, a heap grown
// with brk, anonymous mmap regions, a stack that grows down on demand above a guard
// gap). Holes between regions are part of the address space but cost nothing: no page
// tables exist for them until something inside a region is touched, and touching a
// hole is a segmentation fault.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sv.h"

namespace mmusim::fw {

enum class RegionKind { Text, Data, Heap, Stack, Mmap, Anonymous };

// What backs a region's pages: anonymous memory private to the process (shared
// copy-on-write after a fork), a shared-memory segment, or a library image in the file
// store (the last two are shared objects, named by `object`).
enum class Backing : std::uint8_t { Private, Shared, Library };

struct Region {
  std::string name;
  RegionKind kind = RegionKind::Anonymous;
  std::uint64_t start = 0;
  std::uint64_t end = 0;            // exclusive
  std::uint64_t perms = 0;          // sv::kPteR | kPteW | kPteX
  std::uint64_t grows_down_to = 0;  // a stack: the lowest start it may grow to (0: fixed)
  Backing backing = Backing::Private;
  unsigned object = 0;              // Shared, Library: which object
  std::uint64_t object_offset = 0;  // Shared, Library: the object's byte at `start`
  bool huge = false;                // marked for huge pages (madvise(MADV_HUGEPAGE))
  bool contains(std::uint64_t va) const { return va >= start && va < end; }
  // Shared, Library: the object's page that va falls in.
  std::uint64_t object_page(std::uint64_t va) const {
    return (object_offset + va - start) >> sv::kPageShift;
  }
};

// Where the standard layout puts things (all below 2^38, the Sv39 user half).
struct Layout {
  static constexpr std::uint64_t kTextBase = 0x0001'0000;
  static constexpr std::uint64_t kHeapBase = 0x1000'0000;
  static constexpr std::uint64_t kMmapTop = 0x20'0000'0000;      // mmap regions grow down from here
  static constexpr std::uint64_t kShmBase = 0x28'0000'0000;      // where programs attach segments
  static constexpr std::uint64_t kLibraryBase = 0x30'0000'0000;  // where programs map a library
  static constexpr std::uint64_t kStackTop = 0x3F'FFFF'F000;
  static constexpr std::uint64_t kGuardGap = 0x10'0000;  // 1 MiB below the stack's limit
};

struct ProgramImage {
  std::uint64_t text_size = 64 << 10;
  std::uint64_t data_size = 64 << 10;
  std::uint64_t heap_size = 0;        // initial brk - heap base
  std::uint64_t stack_max = 8 << 20;  // the stack may grow down this far
};

// text (RX) | data (RW) | ... heap (RW, brk) ... | ... mmap (RW) ... | guard | stack (RW)
std::vector<Region> standard_layout(const ProgramImage& image);

class AddressSpace {
 public:
  explicit AddressSpace(std::vector<Region> regions) : regions_(std::move(regions)) {}

  // The region holding va. A va below the stack but above its limit grows the stack
  // down to va's page first (the guard gap below the limit never grows).
  const Region* find_or_grow(std::uint64_t va);
  bool in_stack_guard_gap(std::uint64_t va) const;

  // brk: moves the heap's end (page aligned). Refused (nullopt) when there is no heap,
  // or the end would fall below the heap's start or into another region. On success,
  // the range that stopped being part of the heap (empty when growing) is returned.
  struct Range {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
  };
  std::optional<Range> set_brk(std::uint64_t new_end);
  std::uint64_t brk() const;

  // Anonymous RW mapping of `length` bytes (rounded up to pages) below the last one;
  // returns its start, or nullopt when it would collide with another region.
  std::optional<std::uint64_t> mmap(std::uint64_t length);
  // Removes the mmap region starting at `start`; returns its range.
  std::optional<Range> munmap(std::uint64_t start);
  // A region at a fixed place (mmap with MAP_FIXED_NOREPLACE, shmat, a library);
  // false when it overlaps another region or is empty or unaligned.
  bool map_fixed(const Region& region);
  // Removes the region starting at `start` (a detach); returns it.
  std::optional<Region> remove(std::uint64_t start);
  // Removes [start, end) from every region it overlaps, splitting a region it cuts in
  // two; returns the pieces removed (each with its region's backing).
  std::vector<Region> unmap(std::uint64_t start, std::uint64_t end);
  const Region* find(std::uint64_t va) const;

  const std::vector<Region>& regions() const { return regions_; }

 private:
  Region* kind(RegionKind k);
  const Region* kind(RegionKind k) const;
  bool overlaps(std::uint64_t start, std::uint64_t end, const Region* except) const;

  std::vector<Region> regions_;
  std::uint64_t mmap_next_ = Layout::kMmapTop;
};

}  // namespace mmusim::fw
