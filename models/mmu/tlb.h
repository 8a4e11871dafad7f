#pragma once
// A set-associative TLB of leaf PTEs tagged with ASID and G. A superpage, and a 64 KiB
// Svnapot page, is held as one entry (never splintered) and indexed by its own VPN: an
// entry for a page of 2^S bytes sits in set (va >> S) mod sets, so for 4 KiB-only
// contents the set index is the VPN's low bits. A lookup probes one set per page size
// present in the TLB.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "replacement.h"
#include "tag_index.h"
#include "translation_engine.h"

namespace mmusim {

struct TlbGeometry {
  unsigned entries = 64;
  unsigned ways = 4;  // == entries: fully associative
  ReplacementKind replacement = ReplacementKind::Lru;
  std::uint64_t seed = 1;  // for ReplacementKind::Random
};

struct TlbEntry {
  std::uint64_t vpn = 0;  // va >> shift()
  std::uint64_t pte = 0;  // the leaf PTE as stored (a NAPOT leaf's PPN[3:0] = 1000), A/D as walked
  std::uint16_t asid = 0;
  std::uint8_t level = 0;
  bool napot = false;  // a 64 KiB Svnapot page (level 0)
  bool global = false;
  bool valid = false;
  unsigned shift() const { return sv::leaf_shift(level, napot); }
  // Whether a lookup in address space req_asid may use this entry (whatever its page).
  bool serves(std::uint16_t req_asid) const { return global || asid == req_asid; }
  bool matches(std::uint64_t va, std::uint16_t req_asid) const {
    return valid && vpn == (va >> shift()) && serves(req_asid);
  }
};

constexpr unsigned size_class(const TlbEntry& e) { return sv::size_class(e.level, e.napot); }

// Whether two entries could both hit one lookup: their pages overlap (one contains the
// other) and some ASID matches both.
inline bool entries_overlap(const TlbEntry& a, const TlbEntry& b) {
  const unsigned high = std::max(a.shift(), b.shift());
  const bool same_page = (a.vpn >> (high - a.shift())) == (b.vpn >> (high - b.shift()));
  return a.valid && b.valid && same_page && (a.global || b.global || a.asid == b.asid);
}

// Whether an SFENCE.VMA of this form removes the entry (§4.2.1): the ASID forms keep
// global entries; the VA forms remove entries whose page contains the VA.
inline bool flush_removes(const TlbEntry& e, const FlushRequest& req) {
  using mmu_regs::FlushKind;
  if (!e.valid) return false;
  // (Cheapest test first: every flush of a page tests every walk-cache entry.)
  const auto asid_hit = [&] { return !e.global && e.asid == req.asid; };
  const auto va_hit = [&] { return e.vpn == (req.va >> e.shift()); };
  switch (req.kind) {
    case FlushKind::All: return true;
    case FlushKind::Asid: return asid_hit();
    case FlushKind::Va: return va_hit();
    case FlushKind::VaAsid: return asid_hit() && va_hit();
  }
  return false;
}

class Tlb {
 public:
  explicit Tlb(const TlbGeometry& geometry);

  // Finds the entry translating va for asid and updates the replacement state.
  const TlbEntry* lookup(std::uint64_t va, std::uint16_t asid) {
    const long index = find(va, asid);
    if (index < 0) return nullptr;
    policy_->hit(recent_set_, recent_way_);  // find() leaves the hit as the recent entry
    return &entries_[static_cast<std::size_t>(index)];
  }
  // The entry lookup() found last, if it translates va for asid and the replacement
  // policy touched it last, so that a hit on it changes no state: lookup()'s result for
  // the commonest access, in a few instructions. Otherwise nullptr (ask lookup()).
  const TlbEntry* repeat_hit(std::uint64_t va, std::uint16_t asid) const {
    const TlbEntry& e = entries_[recent_];
    return e.matches(va, asid) && policy_->touched_last(recent_set_, recent_way_) ? &e : nullptr;
  }
  // The same search without touching replacement state (gem5's hidden lookup).
  const TlbEntry* probe(std::uint64_t va, std::uint16_t asid) const;
  // Inserts an entry, first removing every entry that overlaps it (a smaller page inside
  // a new superpage, or a superpage around a new page), so that a lookup never matches
  // more than one entry. Returns the way whose valid entry the replacement policy chose
  // as the victim, or -1 when a free way took it.
  int fill(const TlbEntry& entry);
  void flush(const FlushRequest& req);

  unsigned sets() const { return sets_; }
  unsigned ways() const { return ways_; }
  std::size_t valid_entries() const;

 private:
  unsigned set_of(std::uint64_t va, unsigned size_class) const {
    return static_cast<unsigned>((va >> sv::size_class_shift(size_class)) & (sets_ - 1));
  }
  // Whether entries_[i] holds the page of size class c whose VPN is vpn (va >> that
  // class's shift), whatever its ASID: the VPN is compared first, as most candidates
  // a search, fill or flush visits hold another page.
  bool holds(std::size_t i, unsigned c, std::uint64_t vpn) const {
    const TlbEntry& e = entries_[i];
    return e.vpn == vpn && e.valid && size_class(e) == c;
  }
  // The entries_ indices that may hold a page of size class c containing va: the ways of
  // the set va indexes, or, with many ways (a large fully associative TLB, say), those in
  // the tag index's bucket for that page: a search costs the same whatever the ways.
  // visit(index) may invalidate the entry.
  template <class Visit>
  void for_each_candidate(std::uint64_t va, unsigned c, Visit visit) const {
    if (indexed()) {
      by_tag_.for_each(tag_key(c, va >> sv::size_class_shift(c)), visit);
      return;
    }
    const std::size_t base = std::size_t{set_of(va, c)} * ways_;
    for (unsigned way = 0; way < ways_; ++way) visit(base + way);
  }
  static constexpr unsigned kIndexedWays = 16;
  bool indexed() const { return ways_ > kIndexedWays; }
  static std::uint64_t tag_key(unsigned c, std::uint64_t vpn) { return vpn << 3 | c; }
  // Index into entries_ of the matching entry, or -1. No two entries match one VA
  // (fill() sees to it): the one found last is tried first, as consecutive accesses
  // mostly stay on one page (inline: every translation starts here).
  long find(std::uint64_t va, std::uint16_t asid) const {
    if (entries_[recent_].matches(va, asid)) return static_cast<long>(recent_);
    return search_and_remember(va, asid);
  }
  long search_and_remember(std::uint64_t va, std::uint16_t asid) const;
  long search(std::uint64_t va, std::uint16_t asid) const;  // find() without the hint
  void invalidate(std::size_t index);
  // Each ASID's valid non-global entries form a list through asid_links_, so a flush by
  // ASID visits those and nothing else, however large the TLB.
  void link_to_asid(std::size_t index);
  void unlink_from_asid(std::size_t index);

  unsigned sets_;
  unsigned ways_;
  std::vector<TlbEntry> entries_;  // set-major: entries_[set * ways_ + way]
  std::array<std::size_t, sv::kPageSizeClasses> valid_per_class_{};
  // Bit c set: valid_per_class_[c] != 0. Searches, fills and flushes visit those classes
  // only, as held &= held - 1 walks the bits.
  unsigned classes_held_ = 0;
  static unsigned lowest_class(unsigned held) { return static_cast<unsigned>(__builtin_ctz(held)); }
  static constexpr std::int32_t kNoEntry = -1;
  struct AsidLink {
    std::int32_t prev = kNoEntry, next = kNoEntry;
  };
  std::vector<AsidLink> asid_links_;  // per entry
  std::vector<std::int32_t> first_of_asid_ = std::vector<std::int32_t>(1u << 16, kNoEntry);
  // Per set, a bit per way, set while the way is free: a fill takes the lowest free way
  // without visiting the valid ones (a 4096-way set's fill scanned all of them).
  unsigned words_per_set_;
  std::vector<std::uint64_t> free_ways_;
  void mark_free(std::size_t set, unsigned way, bool free) {
    std::uint64_t& word = free_ways_[set * words_per_set_ + way / 64];
    const std::uint64_t bit = std::uint64_t{1} << (way % 64);
    word = free ? word | bit : word & ~bit;
  }
  // The lowest free way of `set`, or ways_ when every way holds an entry.
  unsigned lowest_free_way(unsigned set) const;
  // With indexed(): the valid entries by tag_key(class, vpn) (one per ASID that maps
  // that page, at most); empty otherwise.
  TagIndex by_tag_;
  std::unique_ptr<ReplacementPolicy> policy_;
  // The entry find() found last, and its set and way (no division per lookup).
  mutable std::size_t recent_ = 0;
  mutable unsigned recent_set_ = 0, recent_way_ = 0;
};

}  // namespace mmusim
