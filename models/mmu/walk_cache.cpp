#include "walk_cache.h"

namespace mmusim {

WalkCache::WalkCache(unsigned entries) : entries_(entries), lru_(1, entries, true) {}

const TlbEntry* WalkCache::lookup(std::uint64_t va, std::uint16_t asid, unsigned level) {
  const std::uint64_t vpn = va >> sv::page_shift(level);  // an entry's region: see walk_cache.h
  for (unsigned i = 0; i < entries_.size(); ++i) {
    const TlbEntry& e = entries_[i];
    if (e.vpn == vpn && e.level == level && e.valid && e.serves(asid)) {
      lru_.hit(0, i);
      return &entries_[i];
    }
  }
  return nullptr;
}

void WalkCache::fill(const TlbEntry& entry) {
  unsigned way = 0;
  while (way < entries_.size() && entries_[way].valid) ++way;
  if (way == entries_.size()) way = lru_.victim(0);
  entries_[way] = entry;
  entries_[way].valid = true;
  lru_.fill(0, way);
}

void WalkCache::flush(const FlushRequest& req) {
  for (auto& e : entries_) {
    if (flush_removes(e, req)) e.valid = false;
  }
}

}  // namespace mmusim
