#include "walk_cache.h"

#include <array>

namespace mmusim {

WalkCache::WalkCache(unsigned entries)
    : entries_(entries),
      tags_(entries, kNoEntry),
      lru_(make_replacement(ReplacementKind::Lru, 1, entries, 0)) {}

const TlbEntry* WalkCache::lookup(std::uint64_t va, std::uint16_t asid, unsigned level) {
  const std::uint64_t wanted = tag(va >> sv::page_shift(level), level);  // see walk_cache.h
  for (unsigned i = 0; i < tags_.size(); ++i) {
    if (tags_[i] == wanted && entries_[i].serves(asid)) {
      lru_->hit(0, i);
      return &entries_[i];
    }
  }
  return nullptr;
}

void WalkCache::fill(const TlbEntry& entry) {
  unsigned way = 0;
  while (way < tags_.size() && tags_[way] != kNoEntry) ++way;
  if (way == tags_.size()) way = lru_->victim(0);
  entries_[way] = entry;
  entries_[way].valid = true;
  tags_[way] = tag(entry.vpn, entry.level);
  lru_->fill(0, way);
}

void WalkCache::invalidate(unsigned way) {
  entries_[way].valid = false;
  tags_[way] = kNoEntry;
}

void WalkCache::flush(const FlushRequest& req) {
  using mmu_regs::FlushKind;
  if (req.kind != FlushKind::Va && req.kind != FlushKind::VaAsid) {
    for (unsigned i = 0; i < tags_.size(); ++i) {
      if (flush_removes(entries_[i], req)) invalidate(i);
    }
    return;
  }
  // The VA forms remove an entry whose region holds the VA, so whose tag is the VA's at
  // the entry's level: va_tag is indexed by a tag's level bits. kNoEntry's level bits
  // index a slot no level uses, which holds 0, and 0 is not kNoEntry.
  std::array<std::uint64_t, 1u << kLevelBits> va_tag{};
  for (unsigned level = 0; level < sv::kMaxLevels; ++level) {
    va_tag[level] = tag(req.va >> sv::page_shift(level), level);
  }
  constexpr std::uint64_t kLevelMask = (1u << kLevelBits) - 1;
  for (unsigned i = 0; i < tags_.size(); ++i) {
    if (tags_[i] == va_tag[tags_[i] & kLevelMask] && flush_removes(entries_[i], req)) {
      invalidate(i);
    }
  }
}

}  // namespace mmusim
