#include "address_space.h"

#include <algorithm>

#include "sv.h"

namespace mmusim::fw {

std::vector<Region> standard_layout(const ProgramImage& image) {
  using namespace sv;
  const std::uint64_t text_end = Layout::kTextBase + sv::page_round_up(image.text_size);
  const std::uint64_t data_end = text_end + sv::page_round_up(image.data_size);
  return {
      {"text", RegionKind::Text, Layout::kTextBase, text_end, kPteR | kPteX},
      {"data", RegionKind::Data, text_end, data_end, kPteR | kPteW},
      {"heap", RegionKind::Heap, Layout::kHeapBase,
       Layout::kHeapBase + sv::page_round_up(image.heap_size), kPteR | kPteW},
      // The stack starts one page deep and grows on demand down to kStackTop - stack_max.
      {"stack", RegionKind::Stack, Layout::kStackTop - kPageSize, Layout::kStackTop, kPteR | kPteW,
       Layout::kStackTop - sv::page_round_up(image.stack_max)},
  };
}

Region* AddressSpace::kind(RegionKind k) {
  for (Region& r : regions_) {
    if (r.kind == k) return &r;
  }
  return nullptr;
}

const Region* AddressSpace::kind(RegionKind k) const {
  return const_cast<AddressSpace*>(this)->kind(k);
}

// A growing region also reserves its growth range and the guard gap below it.
bool AddressSpace::overlaps(std::uint64_t start, std::uint64_t end, const Region* except) const {
  for (const Region& r : regions_) {
    const std::uint64_t low = r.grows_down_to != 0 ? r.grows_down_to - Layout::kGuardGap : r.start;
    if (&r != except && start < r.end && low < end) return true;
  }
  return false;
}

const Region* AddressSpace::find_or_grow(std::uint64_t va) {
  if (const Region* r = find(va)) return r;
  for (Region& r : regions_) {
    if (r.grows_down_to != 0 && va < r.start && va >= r.grows_down_to) {
      r.start = sv::page_round_down(va);
      return &r;
    }
  }
  return nullptr;
}

bool AddressSpace::in_stack_guard_gap(std::uint64_t va) const {
  for (const Region& r : regions_) {
    if (r.grows_down_to != 0 && va < r.grows_down_to && va >= r.grows_down_to - Layout::kGuardGap) {
      return true;
    }
  }
  return false;
}

std::uint64_t AddressSpace::brk() const {
  const Region* heap = kind(RegionKind::Heap);
  return heap != nullptr ? heap->end : 0;
}

std::optional<AddressSpace::Range> AddressSpace::set_brk(std::uint64_t new_end) {
  Region* heap = kind(RegionKind::Heap);
  if (heap == nullptr) return std::nullopt;
  new_end = sv::page_round_up(new_end);
  if (new_end < heap->start || overlaps(heap->start, new_end, heap)) return std::nullopt;
  const Range removed{std::min(new_end, heap->end), heap->end};
  heap->end = new_end;
  return removed.start < removed.end ? removed : Range{new_end, new_end};
}

std::optional<std::uint64_t> AddressSpace::mmap(std::uint64_t length) {
  length = sv::page_round_up(length);
  if (length == 0 || length > mmap_next_) return std::nullopt;
  const std::uint64_t start = mmap_next_ - length;
  if (overlaps(start, mmap_next_, nullptr)) return std::nullopt;
  regions_.push_back({"mmap", RegionKind::Mmap, start, mmap_next_, sv::kPteR | sv::kPteW});
  mmap_next_ = start;
  return start;
}

std::optional<AddressSpace::Range> AddressSpace::munmap(std::uint64_t start) {
  for (auto it = regions_.begin(); it != regions_.end(); ++it) {
    if (it->kind == RegionKind::Mmap && it->start == start) {
      const Range removed{it->start, it->end};
      regions_.erase(it);
      return removed;
    }
  }
  return std::nullopt;
}

bool AddressSpace::map_fixed(const Region& region) {
  if (region.start >= region.end || region.start % sv::kPageSize != 0 ||
      region.end % sv::kPageSize != 0 || overlaps(region.start, region.end, nullptr)) {
    return false;
  }
  regions_.push_back(region);
  return true;
}

std::optional<Region> AddressSpace::remove(std::uint64_t start) {
  for (auto it = regions_.begin(); it != regions_.end(); ++it) {
    if (it->start == start) {
      const Region removed = *it;
      regions_.erase(it);
      return removed;
    }
  }
  return std::nullopt;
}

std::vector<Region> AddressSpace::unmap(std::uint64_t start, std::uint64_t end) {
  std::vector<Region> removed;
  std::vector<Region> kept;
  for (const Region& r : regions_) {
    if (r.end <= start || end <= r.start) {
      kept.push_back(r);
      continue;
    }
    Region cut = r;
    cut.start = std::max(r.start, start);
    cut.end = std::min(r.end, end);
    cut.object_offset = r.object_offset + (cut.start - r.start);
    cut.grows_down_to = 0;
    removed.push_back(cut);
    if (r.start < cut.start) {
      Region low = r;
      low.end = cut.start;
      kept.push_back(low);
    }
    if (cut.end < r.end) {
      Region high = r;
      high.start = cut.end;
      high.object_offset = r.object_offset + (cut.end - r.start);
      high.grows_down_to = 0;
      kept.push_back(high);
    }
  }
  regions_ = std::move(kept);
  return removed;
}

const Region* AddressSpace::find(std::uint64_t va) const {
  for (const Region& r : regions_) {
    if (r.contains(va)) return &r;
  }
  return nullptr;
}

}  // namespace mmusim::fw
