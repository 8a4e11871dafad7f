#pragma once
// Victim choice for set-associative structures (TLBs, the walk cache, data caches). Each
// fills an invalid way first; a policy is only asked for a victim when every way of the
// set is valid.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "uniform.h"

namespace mmusim {

enum class ReplacementKind { Lru, Plru, Fifo, Random };

// Parses "lru", "plru", "fifo", "random"; nullopt-like false on anything else.
bool parse_replacement(const std::string& name, ReplacementKind& out);
const char* to_string(ReplacementKind kind);

class ReplacementPolicy {
 public:
  virtual ~ReplacementPolicy() = default;
  // A hit on (set, way). A hit on the way touched last changes no policy's choice (LRU
  // and FIFO stamps keep their order, PLRU's path already points away from it), and
  // consecutive accesses mostly hit one line or one page: those skip the virtual call.
  void hit(unsigned set, unsigned way) {
    if (touched_last(set, way)) return;
    last_set_ = set;
    last_way_ = way;
    on_hit(set, way);
  }
  void fill(unsigned set, unsigned way) {
    last_set_ = set;
    last_way_ = way;
    on_fill(set, way);
  }
  virtual unsigned victim(unsigned set) = 0;
  bool touched_last(unsigned set, unsigned way) const {
    return set == last_set_ && way == last_way_;
  }

 private:
  virtual void on_hit(unsigned set, unsigned way) = 0;
  virtual void on_fill(unsigned set, unsigned way) = 0;

  unsigned last_set_ = ~0u;  // the way hit or filled last
  unsigned last_way_ = ~0u;
};

// `ways` must be a power of two for Plru (checked by the config, asserted here).
std::unique_ptr<ReplacementPolicy> make_replacement(ReplacementKind kind, unsigned sets,
                                                    unsigned ways, std::uint64_t seed);

// Exact LRU (a fill or a hit makes the way the newest) and FIFO (only a fill does): the
// victim is the oldest way; ways never touched are older than any touched, the lowest
// first. For sets of up to 16 ways: each set's ways in that order, oldest first, four
// bits per way in one word, so a victim is its low four bits and a touch a few shifts
// (a scan of per-way stamps for the oldest was a tenth of the default scenario's host
// instructions, where page-sized copies and zeroing miss in every cache level).
class PackedRecencyPolicy final : public ReplacementPolicy {
 public:
  static constexpr unsigned kMaxWays = 16;
  PackedRecencyPolicy(unsigned sets, unsigned ways, bool move_on_hit);
  unsigned victim(unsigned set) override { return static_cast<unsigned>(order_[set] & 0xF); }

 private:
  void on_hit(unsigned set, unsigned way) override {
    if (move_on_hit_) make_newest(set, way);
  }
  void on_fill(unsigned set, unsigned way) override { make_newest(set, way); }
  void make_newest(unsigned set, unsigned way);

  unsigned newest_shift_;  // of the newest way's four bits: 4 * (ways - 1)
  bool move_on_hit_;
  std::vector<std::uint64_t> order_;  // per set
};

// The same choices for sets of more than 16 ways (a large fully associative TLB): each
// set's ways in a list from the oldest to the newest (untouched ways first, the lowest
// first); a fill, and for LRU a hit, moves the way to the newest end, and the victim is
// the oldest.
class RecencyListPolicy final : public ReplacementPolicy {
 public:
  RecencyListPolicy(unsigned sets, unsigned ways, bool move_on_hit);
  unsigned victim(unsigned set) override { return oldest_[set]; }

 private:
  void on_hit(unsigned set, unsigned way) override {
    if (move_on_hit_) make_newest(set, way);
  }
  void on_fill(unsigned set, unsigned way) override { make_newest(set, way); }
  void make_newest(unsigned set, unsigned way);

  struct Link {
    std::uint32_t older, newer;  // ways; the ends point at themselves
  };
  unsigned ways_;
  bool move_on_hit_;
  std::vector<Link> links_;  // per set and way
  std::vector<std::uint32_t> oldest_, newest_;  // per set
};

// Tree pseudo-LRU, one bit per inner node of a binary tree over the ways. A node's bit
// points at the half to evict from next (0 = left, 1 = right); a hit or fill on a way
// turns every bit on its path to point away from it. For 4 ways:
//
//              n0
//            /    \    .
//          n1      n2
//         /  \    /  \  .
//       w0   w1  w2   w3
//
// Nodes are numbered heap-style: children of n are 2n+1 and 2n+2; leaf k is way k.
class PlruPolicy final : public ReplacementPolicy {
 public:
  PlruPolicy(unsigned sets, unsigned ways);
  unsigned victim(unsigned set) override;

 private:
  void on_hit(unsigned set, unsigned way) override { touch(set, way); }
  void on_fill(unsigned set, unsigned way) override { touch(set, way); }
  void touch(unsigned set, unsigned way);
  unsigned ways_;
  std::vector<std::uint8_t> bits_;  // (ways - 1) node bits per set
};

// Uniform random victim from a seeded mt19937_64: reproducible for a given seed.
class RandomPolicy final : public ReplacementPolicy {
 public:
  RandomPolicy(unsigned ways, std::uint64_t seed) : ways_(ways), rng_(seed) {}
  unsigned victim(unsigned set) override;

 private:
  void on_hit(unsigned, unsigned) override {}
  void on_fill(unsigned, unsigned) override {}
  unsigned ways_;
  std::mt19937_64 rng_;
};

}  // namespace mmusim
