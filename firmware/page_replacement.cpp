#include "page_replacement.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "uniform.h"
#include "sv.h"

namespace mmusim::fw {

namespace {
constexpr PageReplacementKind kAll[] = {PageReplacementKind::Fifo, PageReplacementKind::Clock,
                                        PageReplacementKind::Nru,  PageReplacementKind::Random,
                                        PageReplacementKind::Lru,  PageReplacementKind::Opt};
}  // namespace

const char* to_string(PageReplacementKind kind) {
  switch (kind) {
    case PageReplacementKind::Fifo: return "fifo";
    case PageReplacementKind::Clock: return "clock";
    case PageReplacementKind::Nru: return "nru";
    case PageReplacementKind::Random: return "random";
    case PageReplacementKind::Lru: return "lru";
    case PageReplacementKind::Opt: return "opt";
  }
  return "?";
}

bool parse_page_replacement(const std::string& name, PageReplacementKind& out) {
  for (auto k : kAll) {
    if (name == to_string(k)) {
      out = k;
      return true;
    }
  }
  return false;
}

std::unique_ptr<PageReplacement> make_page_replacement(PageReplacementKind kind,
                                                       std::uint64_t seed) {
  switch (kind) {
    case PageReplacementKind::Fifo: return std::make_unique<OrderedReplacement>(false);
    case PageReplacementKind::Lru: return std::make_unique<OrderedReplacement>(true);
    case PageReplacementKind::Clock: return std::make_unique<ClockReplacement>();
    case PageReplacementKind::Nru: return std::make_unique<NruReplacement>();
    case PageReplacementKind::Random: return std::make_unique<RandomReplacement>(seed);
    case PageReplacementKind::Opt: return std::make_unique<OptReplacement>();
  }
  return nullptr;
}

// --- fifo / lru -------------------------------------------------------------------------

void OrderedReplacement::stamp(std::uint64_t frame) {
  by_stamp_[++clock_] = frame;
  stamp_of_[frame] = clock_;
}

void OrderedReplacement::on_load(std::uint64_t frame) { stamp(frame); }

void OrderedReplacement::on_free(std::uint64_t frame) {
  const auto it = stamp_of_.find(frame);
  if (it == stamp_of_.end()) return;
  by_stamp_.erase(it->second);
  stamp_of_.erase(it);
}

std::uint64_t OrderedReplacement::victim(PteBits&, std::optional<std::uint64_t> pinned) {
  const auto oldest = std::find_if(by_stamp_.begin(), by_stamp_.end(),
                                   [&](const auto& entry) { return entry.second != pinned; });
  assert(oldest != by_stamp_.end());
  return oldest->second;
}

void OrderedReplacement::on_access(std::uint64_t frame, std::uint64_t, std::uint64_t) {
  if (!reorder_on_access_) return;
  on_free(frame);
  stamp(frame);
}

// --- clock family -----------------------------------------------------------------------

void ClockFace::on_load(std::uint64_t frame) {
  Link& link = links_[frame];
  assert(!link.on_face);
  if (count_ == 0) {
    link.prev = link.next = hand_ = frame;
  } else {  // just behind the hand
    Link& hand = links_[hand_];
    link.prev = hand.prev;
    link.next = hand_;
    links_[hand.prev].next = frame;
    hand.prev = frame;
  }
  link.on_face = true;
  ++count_;
}

void ClockFace::on_free(std::uint64_t frame) {
  const Link* found = links_.find(frame);
  if (found == nullptr || !found->on_face) return;
  Link& link = links_[frame];
  link.on_face = false;
  if (--count_ == 0) return;
  if (hand_ == frame) hand_ = link.next;
  links_[link.prev].next = link.next;
  links_[link.next].prev = link.prev;
}

std::uint64_t ClockFace::take_at_hand() {
  const std::uint64_t frame = hand_;
  hand_ = links_[frame].next;
  return frame;
}

std::uint64_t ClockReplacement::victim(PteBits& bits, std::optional<std::uint64_t> pinned) {
  assert(frames() > (pinned ? 1 : 0));
  cleared_ = 0;
  for (;;) {  // ends within two turns: the first turn clears every A bit it passes
    const std::uint64_t frame = take_at_hand();
    if (frame == pinned) continue;  // passed over, its A bit left alone
    if ((bits.pte_of(frame) & sv::kPteA) == 0) return frame;
    bits.clear_accessed(frame);
    ++cleared_;
  }
}

std::uint64_t NruReplacement::victim(PteBits& bits, std::optional<std::uint64_t> pinned) {
  assert(frames() > (pinned ? 1 : 0));
  for (;;) {  // ends within two turns: the first clears every A bit it passes
    std::optional<std::uint64_t> dirty_unused;  // the window's first (0,1)
    for (std::size_t i = 0; i < std::min(kWindow, frames()); ++i) {
      const std::uint64_t frame = take_at_hand();
      if (frame == pinned) continue;  // passed over, its A bit left alone
      const std::uint64_t pte = bits.pte_of(frame);
      if ((pte & sv::kPteA) != 0) {
        bits.clear_accessed(frame);
      } else if ((pte & sv::kPteD) == 0) {
        dirty_ = false;
        return frame;
      } else if (!dirty_unused) {
        dirty_unused = frame;
      }
    }
    if (dirty_unused) {
      dirty_ = true;
      return *dirty_unused;
    }
  }
}

// --- random -----------------------------------------------------------------------------

void RandomReplacement::on_load(std::uint64_t frame) {
  index_of_[frame] = frames_.size();
  frames_.push_back(frame);
}

void RandomReplacement::on_free(std::uint64_t frame) {
  const auto it = index_of_.find(frame);
  if (it == index_of_.end()) return;
  const std::size_t index = it->second;
  frames_[index] = frames_.back();
  index_of_[frames_[index]] = index;
  frames_.pop_back();
  index_of_.erase(frame);
}

std::uint64_t RandomReplacement::victim(PteBits&, std::optional<std::uint64_t> pinned) {
  assert(frames_.size() > (pinned ? 1 : 0));
  std::size_t index = scale_to_range(rng_(), frames_.size());
  if (frames_[index] == pinned) index = (index + 1) % frames_.size();  // its neighbour instead
  return frames_[index];
}

// --- opt --------------------------------------------------------------------------------

void OptReplacement::on_access(std::uint64_t frame, std::uint64_t, std::uint64_t next_use) {
  next_use_[frame] = next_use;
}

std::uint64_t OptReplacement::victim(PteBits&, std::optional<std::uint64_t> pinned) {
  auto best = next_use_.end();
  for (auto it = next_use_.begin(); it != next_use_.end(); ++it) {
    if (it->first != pinned && (best == next_use_.end() || it->second > best->second)) best = it;
  }
  assert(best != next_use_.end());
  last_next_use_ = best->second;
  return best->first;
}

}  // namespace mmusim::fw
