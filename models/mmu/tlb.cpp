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
  for (unsigned level = 0; level < kMaxLevels; ++level) {
    if (valid_per_level_[level] == 0) continue;
    const std::size_t base = std::size_t{set_of(va, level)} * ways_;
    for (unsigned way = 0; way < ways_; ++way) {
      const TlbEntry& e = entries_[base + way];
      if (e.level == level && e.matches(va, asid)) return static_cast<long>(base + way);
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
  --valid_per_level_[e.level];
}

bool entries_overlap(const TlbEntry& a, const TlbEntry& b) {
  const unsigned high = std::max(a.level, b.level);
  const bool same_page =
      (a.vpn >> (sv::kVpnBits * (high - a.level))) == (b.vpn >> (sv::kVpnBits * (high - b.level)));
  return a.valid && b.valid && same_page && (a.global || b.global || a.asid == b.asid);
}

int Tlb::fill(const TlbEntry& new_entry) {
  TlbEntry entry = new_entry;
  entry.valid = true;
  assert(entry.level < kMaxLevels);
  const std::uint64_t va = entry.vpn << sv::page_shift(entry.level);
  for (unsigned level = 0; level < kMaxLevels; ++level) {
    if (valid_per_level_[level] == 0) continue;
    if (level >= entry.level) {
      // A page at least as large that overlaps sits in the set of the new page's VA.
      const std::size_t base = std::size_t{set_of(va, level)} * ways_;
      for (unsigned way = 0; way < ways_; ++way) {
        const TlbEntry& e = entries_[base + way];
        if (e.level == level && entries_overlap(e, entry)) invalidate(base + way);
      }
    } else {
      // Smaller pages inside a new superpage can sit in any set (rare: scan them all).
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].level == level && entries_overlap(entries_[i], entry)) invalidate(i);
      }
    }
  }
  const unsigned set = set_of(va, entry.level);
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
  ++valid_per_level_[entry.level];
  policy_->on_fill(set, way);
  return victim;
}

bool flush_removes(const TlbEntry& e, const FlushRequest& req) {
  using mmu_regs::FlushKind;
  if (!e.valid) return false;
  const bool asid_hit = !e.global && e.asid == req.asid;
  const bool va_hit = e.vpn == (req.va >> sv::page_shift(e.level));
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
  for (auto count : valid_per_level_) n += count;
  return n;
}

}  // namespace mmusim
