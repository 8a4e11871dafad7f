#include "tlb.h"

#include <algorithm>
#include <cassert>

namespace mmusim {

Tlb::Tlb(const TlbGeometry& geometry)
    : sets_(geometry.entries / geometry.ways),
      ways_(geometry.ways),
      entries_(geometry.entries),
      policy_(make_replacement(geometry.replacement, sets_, ways_, geometry.seed)) {
  assert(geometry.ways != 0 && geometry.entries % geometry.ways == 0);
  assert((sets_ & (sets_ - 1)) == 0);
}

long Tlb::find(std::uint64_t va, std::uint16_t asid) const {
  for (unsigned c = 0; c < sv::kPageSizeClasses; ++c) {
    if (valid_per_class_[c] == 0) continue;
    const std::size_t base = std::size_t{set_of(va, c)} * ways_;
    for (unsigned way = 0; way < ways_; ++way) {
      const TlbEntry& e = entries_[base + way];
      if (size_class(e) == c && e.matches(va, asid)) return static_cast<long>(base + way);
    }
  }
  return -1;
}

const TlbEntry* Tlb::lookup(std::uint64_t va, std::uint16_t asid) {
  const long index = find(va, asid);
  if (index < 0) return nullptr;
  policy_->on_hit(static_cast<unsigned>(index) / ways_, static_cast<unsigned>(index) % ways_);
  return &entries_[static_cast<std::size_t>(index)];
}

const TlbEntry* Tlb::probe(std::uint64_t va, std::uint16_t asid) const {
  const long index = find(va, asid);
  return index < 0 ? nullptr : &entries_[static_cast<std::size_t>(index)];
}

void Tlb::invalidate(std::size_t index) {
  TlbEntry& e = entries_[index];
  if (!e.valid) return;
  e.valid = false;
  --valid_per_class_[size_class(e)];
}

bool entries_overlap(const TlbEntry& a, const TlbEntry& b) {
  const unsigned high = std::max(a.shift(), b.shift());
  const bool same_page = (a.vpn >> (high - a.shift())) == (b.vpn >> (high - b.shift()));
  return a.valid && b.valid && same_page && (a.global || b.global || a.asid == b.asid);
}

int Tlb::fill(const TlbEntry& new_entry) {
  TlbEntry entry = new_entry;
  entry.valid = true;
  assert(entry.level < sv::kMaxLevels && (!entry.napot || entry.level == 0));
  const unsigned entry_class = size_class(entry);
  const std::uint64_t va = entry.vpn << entry.shift();
  for (unsigned c = 0; c < sv::kPageSizeClasses; ++c) {
    if (valid_per_class_[c] == 0) continue;
    if (c >= entry_class) {
      // A page at least as large that overlaps sits in the set of the new page's VA.
      const std::size_t base = std::size_t{set_of(va, c)} * ways_;
      for (unsigned way = 0; way < ways_; ++way) {
        const TlbEntry& e = entries_[base + way];
        if (size_class(e) == c && entries_overlap(e, entry)) invalidate(base + way);
      }
    } else {
      // Smaller pages inside a new large page can sit in any set (rare: scan them all).
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (size_class(entries_[i]) == c && entries_overlap(entries_[i], entry)) invalidate(i);
      }
    }
  }
  const unsigned set = set_of(va, entry_class);
  const std::size_t base = std::size_t{set} * ways_;
  unsigned way = 0;
  while (way < ways_ && entries_[base + way].valid) ++way;
  int victim = -1;
  if (way == ways_) {
    way = policy_->victim(set);
    invalidate(base + way);
    victim = static_cast<int>(way);
  }
  entries_[base + way] = entry;
  entries_[base + way].valid = true;
  ++valid_per_class_[entry_class];
  policy_->on_fill(set, way);
  return victim;
}

bool flush_removes(const TlbEntry& e, const FlushRequest& req) {
  using mmu_regs::FlushKind;
  if (!e.valid) return false;
  const bool asid_hit = !e.global && e.asid == req.asid;
  const bool va_hit = e.vpn == (req.va >> e.shift());
  switch (req.kind) {
    case FlushKind::All: return true;
    case FlushKind::Asid: return asid_hit;
    case FlushKind::Va: return va_hit;
    case FlushKind::VaAsid: return va_hit && asid_hit;
  }
  return false;
}

void Tlb::flush(const FlushRequest& req) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (flush_removes(entries_[i], req)) invalidate(i);
  }
}

std::size_t Tlb::valid_entries() const {
  std::size_t n = 0;
  for (auto count : valid_per_class_) n += count;
  return n;
}

}  // namespace mmusim
