#include "replacement.h"

#include <cassert>

namespace mmusim {

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
      if (ways > PackedRecencyPolicy::kMaxWays) {
        return std::make_unique<RecencyListPolicy>(sets, ways, on_hit);
      }
      return std::make_unique<PackedRecencyPolicy>(sets, ways, on_hit);
    }
    case ReplacementKind::Plru: return std::make_unique<PlruPolicy>(sets, ways);
    case ReplacementKind::Random: return std::make_unique<RandomPolicy>(ways, seed);
  }
  return nullptr;
}

PackedRecencyPolicy::PackedRecencyPolicy(unsigned sets, unsigned ways, bool move_on_hit)
    : newest_shift_(4 * (ways - 1)), move_on_hit_(move_on_hit) {
  assert(ways != 0 && ways <= kMaxWays);
  std::uint64_t identity = 0;  // way w at position w: untouched, the lowest oldest
  for (unsigned way = 0; way < ways; ++way) identity |= std::uint64_t{way} << (4 * way);
  order_.assign(sets, identity);
}

void PackedRecencyPolicy::make_newest(unsigned set, unsigned way) {
  std::uint64_t& order = order_[set];
  if (((order >> newest_shift_) & 0xF) == way) return;
  if ((order & 0xF) == way) {  // the victim being filled: the common case on a miss
    order = order >> 4 | std::uint64_t{way} << newest_shift_;
    return;
  }
  // The way's position: the lowest four bits that are zero once every group is XORed
  // with the way (SWAR: the lowest set bit of this mask is exact; a borrow may only set
  // bits above it).
  constexpr std::uint64_t kLowBits = 0x1111'1111'1111'1111;
  const std::uint64_t x = order ^ (kLowBits * way);
  const std::uint64_t zero_groups = (x - kLowBits) & ~x & (kLowBits << 3);
  const unsigned shift = static_cast<unsigned>(__builtin_ctzll(zero_groups)) & ~3u;
  // Not the newest, so shift + 4 < 64: the newer ways move down one place, the way on top.
  const std::uint64_t older = order & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t newer = order >> (shift + 4) << shift;
  order = older | newer | std::uint64_t{way} << newest_shift_;
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
