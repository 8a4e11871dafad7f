#include "replacement.h"

#include <cassert>

namespace mmusim {

namespace {
// Beyond this many ways, LRU and FIFO keep a recency list instead of scanning stamps.
constexpr unsigned kStampScanWays = 16;
}  // namespace

bool parse_replacement(const std::string& name, ReplacementKind& out) {
  for (auto kind : {ReplacementKind::Lru, ReplacementKind::Plru, ReplacementKind::Fifo,
                    ReplacementKind::Random}) {
    if (name == to_string(kind)) {
      out = kind;
      return true;
    }
  }
  return false;
}

const char* to_string(ReplacementKind kind) {
  switch (kind) {
    case ReplacementKind::Lru: return "lru";
    case ReplacementKind::Plru: return "plru";
    case ReplacementKind::Fifo: return "fifo";
    case ReplacementKind::Random: return "random";
  }
  return "?";
}

std::unique_ptr<ReplacementPolicy> make_replacement(ReplacementKind kind, unsigned sets,
                                                    unsigned ways, std::uint64_t seed) {
  switch (kind) {
    case ReplacementKind::Lru:
    case ReplacementKind::Fifo: {
      const bool on_hit = kind == ReplacementKind::Lru;  // FIFO orders by fill alone
      // (A stamp scan visits every way: with many, a list is faster and chooses the same.)
      if (ways > kStampScanWays) return std::make_unique<RecencyListPolicy>(sets, ways, on_hit);
      return std::make_unique<StampPolicy>(sets, ways, on_hit);
    }
    case ReplacementKind::Plru: return std::make_unique<PlruPolicy>(sets, ways);
    case ReplacementKind::Random: return std::make_unique<RandomPolicy>(ways, seed);
  }
  return nullptr;
}

StampPolicy::StampPolicy(unsigned sets, unsigned ways, bool stamp_on_hit)
    : ways_(ways), stamp_on_hit_(stamp_on_hit), stamps_(std::size_t{sets} * ways, 0) {}

void StampPolicy::on_hit(unsigned set, unsigned way) {
  if (stamp_on_hit_) stamps_[set * ways_ + way] = ++clock_;
}

void StampPolicy::on_fill(unsigned set, unsigned way) { stamps_[set * ways_ + way] = ++clock_; }

unsigned StampPolicy::victim(unsigned set) {
  const std::uint64_t* s = &stamps_[set * ways_];
  unsigned oldest = 0;
  for (unsigned w = 1; w < ways_; ++w) {
    if (s[w] < s[oldest]) oldest = w;
  }
  return oldest;
}

RecencyListPolicy::RecencyListPolicy(unsigned sets, unsigned ways, bool move_on_hit)
    : ways_(ways),
      move_on_hit_(move_on_hit),
      links_(std::size_t{sets} * ways),
      oldest_(sets, 0),
      newest_(sets, ways - 1) {
  for (std::size_t set = 0; set < sets; ++set) {
    for (std::uint32_t way = 0; way < ways; ++way) {
      links_[set * ways + way] = {way == 0 ? way : way - 1, way + 1 == ways ? way : way + 1};
    }
  }
}

void RecencyListPolicy::make_newest(unsigned set, unsigned way) {
  if (newest_[set] == way) return;
  Link* const links = &links_[std::size_t{set} * ways_];
  Link& l = links[way];
  // Unlink (way is not the newest, so it has a newer neighbour).
  if (oldest_[set] == way) {
    oldest_[set] = l.newer;
    links[l.newer].older = l.newer;
  } else {
    links[l.older].newer = l.newer;
    links[l.newer].older = l.older;
  }
  links[newest_[set]].newer = way;
  l.older = newest_[set];
  l.newer = way;
  newest_[set] = way;
}

PlruPolicy::PlruPolicy(unsigned sets, unsigned ways)
    : ways_(ways), bits_(std::size_t{sets} * (ways - 1), 0) {
  assert(ways != 0 && (ways & (ways - 1)) == 0);
}

void PlruPolicy::touch(unsigned set, unsigned way) {
  if (ways_ == 1) return;  // a one-way set has no tree (and bits_ is empty)
  std::uint8_t* bits = &bits_[set * (ways_ - 1)];
  // Walk from the leaf up: at each parent, point at the sibling of the half we came from.
  unsigned node = way + ways_ - 1;  // heap index of the leaf
  while (node != 0) {
    const unsigned parent = (node - 1) / 2;
    const bool came_from_left = node == 2 * parent + 1;
    bits[parent] = came_from_left ? 1 : 0;
    node = parent;
  }
}

unsigned PlruPolicy::victim(unsigned set) {
  if (ways_ == 1) return 0;
  const std::uint8_t* bits = &bits_[set * (ways_ - 1)];
  unsigned node = 0;
  while (node < ways_ - 1) node = 2 * node + 1 + bits[node];
  return node - (ways_ - 1);
}

unsigned RandomPolicy::victim(unsigned) {
  return static_cast<unsigned>(scale_to_range(rng_(), ways_));
}

}  // namespace mmusim
