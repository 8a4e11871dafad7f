#include "tlb.h"

#include <cassert>

namespace mmusim {

Tlb::Tlb(const TlbGeometry& geometry)
    : sets_(geometry.entries / geometry.ways),
      ways_(geometry.ways),
      entries_(geometry.entries),
      asid_links_(geometry.entries),
      words_per_set_((geometry.ways + 63) / 64),
      free_ways_(std::size_t{geometry.entries / geometry.ways} * words_per_set_),
      by_tag_(geometry.ways > kIndexedWays ? geometry.entries : 0),
      policy_(make_replacement(geometry.replacement, sets_, ways_, geometry.seed)) {
  assert(geometry.ways != 0 && geometry.entries % geometry.ways == 0);
  assert((sets_ & (sets_ - 1)) == 0);
  for (std::size_t set = 0; set < sets_; ++set) {
    for (unsigned way = 0; way < ways_; ++way) mark_free(set, way, true);
  }
}

long Tlb::search_and_remember(std::uint64_t va, std::uint16_t asid) const {
  const long found = search(va, asid);
  if (found >= 0) {
    recent_ = static_cast<std::size_t>(found);
    recent_set_ = static_cast<unsigned>(recent_ / ways_);
    recent_way_ = static_cast<unsigned>(recent_ % ways_);
  }
  return found;
}

long Tlb::search(std::uint64_t va, std::uint16_t asid) const {
  for (unsigned held = classes_held_; held != 0; held &= held - 1) {
    const unsigned c = lowest_class(held);
    if (indexed()) {
      long found = -1;  // (at most one entry matches)
      by_tag_.for_each(tag_key(c, va >> sv::size_class_shift(c)), [&](std::size_t i) {
        if (entries_[i].matches(va, asid)) found = static_cast<long>(i);
      });
      if (found >= 0) return found;
      continue;
    }
    const std::size_t base = std::size_t{set_of(va, c)} * ways_;
    const std::uint64_t vpn = va >> sv::size_class_shift(c);
    for (unsigned way = 0; way < ways_; ++way) {
      if (holds(base + way, c, vpn) && entries_[base + way].serves(asid)) {
        return static_cast<long>(base + way);
      }
    }
  }
  return -1;
}

const TlbEntry* Tlb::probe(std::uint64_t va, std::uint16_t asid) const {
  const long index = find(va, asid);
  return index < 0 ? nullptr : &entries_[static_cast<std::size_t>(index)];
}

void Tlb::invalidate(std::size_t index) {
  TlbEntry& e = entries_[index];
  if (!e.valid) return;
  e.valid = false;
  mark_free(index / ways_, static_cast<unsigned>(index % ways_), true);
  const unsigned c = size_class(e);
  if (--valid_per_class_[c] == 0) classes_held_ &= ~(1u << c);
  if (!e.global) unlink_from_asid(index);
  if (indexed()) by_tag_.erase(index, tag_key(c, e.vpn));
}

int Tlb::fill(const TlbEntry& new_entry) {
  TlbEntry entry = new_entry;
  entry.valid = true;
  assert(entry.level < sv::kMaxLevels && (!entry.napot || entry.level == 0));
  const unsigned entry_class = size_class(entry);
  const std::uint64_t va = entry.vpn << entry.shift();
  for (unsigned held = classes_held_; held != 0; held &= held - 1) {
    const unsigned c = lowest_class(held);
    if (c >= entry_class) {
      // A page at least as large that overlaps is one that holds the new page's VA.
      const std::uint64_t vpn = va >> sv::size_class_shift(c);
      for_each_candidate(va, c, [&](std::size_t i) {
        if (holds(i, c, vpn) && entries_overlap(entries_[i], entry)) invalidate(i);
      });
    } else {
      // Smaller pages inside a new large page can sit in any set (rare: scan them all).
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (size_class(entries_[i]) == c && entries_overlap(entries_[i], entry)) invalidate(i);
      }
    }
  }
  const unsigned set = set_of(va, entry_class);
  const std::size_t base = std::size_t{set} * ways_;
  unsigned way = lowest_free_way(set);
  int victim = -1;
  if (way == ways_) {
    way = policy_->victim(set);
    invalidate(base + way);
    victim = static_cast<int>(way);
  }
  // (Copied from new_entry: a wide load of `entry` right after its one-byte `valid`
  // store could not be forwarded from the store buffer, and stalled every fill.)
  entries_[base + way] = new_entry;
  entries_[base + way].valid = true;
  mark_free(set, way, false);
  if (valid_per_class_[entry_class]++ == 0) classes_held_ |= 1u << entry_class;
  if (!entry.global) link_to_asid(base + way);
  if (indexed()) by_tag_.insert(base + way, tag_key(entry_class, entry.vpn));
  policy_->fill(set, way);
  return victim;
}

unsigned Tlb::lowest_free_way(unsigned set) const {
  const std::uint64_t* words = &free_ways_[std::size_t{set} * words_per_set_];
  for (unsigned w = 0; w < words_per_set_; ++w) {
    if (words[w] != 0) return w * 64 + static_cast<unsigned>(__builtin_ctzll(words[w]));
  }
  return ways_;
}

// A flush visits only what may hold an entry it removes: for the VA forms, per page size
// present, the candidates for a page holding the VA (its set, or the tag index's entries
// for that page); for the ASID form, nothing when no entry of that ASID is left; for all,
// nothing when the TLB is empty.
void Tlb::flush(const FlushRequest& req) {
  using mmu_regs::FlushKind;
  const bool by_va = req.kind == FlushKind::Va || req.kind == FlushKind::VaAsid;
  // Page sizes held, counted by a loop over the few bits: x86-64's baseline has no POPCNT,
  // and __builtin_popcount is a call into libgcc there.
  std::size_t sizes = 0;
  for (unsigned held = classes_held_; held != 0; held &= held - 1) ++sizes;
  // (A small fully associative TLB with pages of several sizes: one pass over it is less.)
  if (by_va && (indexed() || sizes * ways_ < entries_.size())) {
    for (unsigned held = classes_held_; held != 0; held &= held - 1) {
      const unsigned c = lowest_class(held);
      const std::uint64_t vpn = req.va >> sv::size_class_shift(c);
      for_each_candidate(req.va, c, [&](std::size_t i) {
        if (holds(i, c, vpn) && flush_removes(entries_[i], req)) invalidate(i);
      });
    }
    return;
  }
  if (sizes == 0) return;
  if (req.kind == FlushKind::Asid) {
    // The ASID's own list: exactly the entries this flush removes (§4.2.1 keeps globals).
    for (std::int32_t i = first_of_asid_[req.asid]; i != kNoEntry;) {
      const std::int32_t next = asid_links_[static_cast<std::size_t>(i)].next;
      invalidate(static_cast<std::size_t>(i));
      i = next;
    }
    return;
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (flush_removes(entries_[i], req)) invalidate(i);
  }
}

void Tlb::link_to_asid(std::size_t index) {
  std::int32_t& first = first_of_asid_[entries_[index].asid];
  const auto i = static_cast<std::int32_t>(index);
  asid_links_[index] = {kNoEntry, first};
  if (first != kNoEntry) asid_links_[static_cast<std::size_t>(first)].prev = i;
  first = i;
}

void Tlb::unlink_from_asid(std::size_t index) {
  const AsidLink link = asid_links_[index];
  if (link.prev == kNoEntry) {
    first_of_asid_[entries_[index].asid] = link.next;
  } else {
    asid_links_[static_cast<std::size_t>(link.prev)].next = link.next;
  }
  if (link.next != kNoEntry) asid_links_[static_cast<std::size_t>(link.next)].prev = link.prev;
}

std::size_t Tlb::valid_entries() const {
  std::size_t n = 0;
  for (auto count : valid_per_class_) n += count;
  return n;
}

}  // namespace mmusim
