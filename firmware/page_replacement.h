#pragma once
// Which resident user page to evict. Policies see frames by number and may read or
// clear the A/D bits of the PTE that maps a frame (through PteBits, i.e. through the
// page table in DRAM). `lru` and `opt` are simulator oracles: they are told about every
// access (and, for opt, when the page is used next), which no real kernel knows.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "lazy_array.h"

namespace mmusim::fw {

enum class PageReplacementKind { Fifo, Clock, Nru, Random, Lru, Opt };
bool parse_page_replacement(const std::string& name, PageReplacementKind& out);
const char* to_string(PageReplacementKind kind);
inline bool is_oracle(PageReplacementKind k) {
  return k == PageReplacementKind::Lru || k == PageReplacementKind::Opt;
}

constexpr std::uint64_t kNeverUsedAgain = ~std::uint64_t{0};

class PteBits {
 public:
  virtual ~PteBits() = default;
  virtual std::uint64_t pte_of(std::uint64_t frame) = 0;
  // Clears A in the frame's PTE and flushes its translation, so that the next access
  // walks and sets A again.
  virtual void clear_accessed(std::uint64_t frame) = 0;
};

class PageReplacement {
 public:
  virtual ~PageReplacement() = default;
  virtual void on_load(std::uint64_t frame) = 0;
  virtual void on_free(std::uint64_t frame) = 0;
  // A resident frame to evict other than `pinned` (a page the kernel is using, as the
  // source of a copy-on-write copy: Linux holds a reference that keeps reclaim off it);
  // called only when such a frame is resident. The choice is the policy's usual one
  // whenever that is not the pinned frame.
  virtual std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) = 0;
  // Why the last victim was the one, in words (for --log vm).
  virtual std::string why() const = 0;
  // Oracles only: an access to the page in `frame` at position `now` of the access
  // stream; `next_use` is the position of that page's next access.
  virtual void on_access(std::uint64_t /*frame*/, std::uint64_t /*now*/,
                         std::uint64_t /*next_use*/) {}
};

std::unique_ptr<PageReplacement> make_page_replacement(PageReplacementKind kind,
                                                       std::uint64_t seed);

// fifo (order of loading) and the lru oracle (order of last access): evict the oldest.
class OrderedReplacement final : public PageReplacement {
 public:
  explicit OrderedReplacement(bool reorder_on_access) : reorder_on_access_(reorder_on_access) {}
  void on_load(std::uint64_t frame) override;
  void on_free(std::uint64_t frame) override;
  std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) override;
  std::string why() const override {
    return reorder_on_access_ ? "used longest ago (lru)" : "loaded longest ago (fifo)";
  }
  void on_access(std::uint64_t frame, std::uint64_t now, std::uint64_t next_use) override;

 private:
  void stamp(std::uint64_t frame);
  bool reorder_on_access_;
  std::uint64_t clock_ = 0;
  std::map<std::uint64_t, std::uint64_t> by_stamp_;  // stamp -> frame
  std::unordered_map<std::uint64_t, std::uint64_t> stamp_of_;
};

// The frames on a clock face; new frames go just behind the hand, so they are looked
// at last. A ring linked through per-frame links: loading and freeing a frame cost the
// same whatever the number of frames, and the hand's walk reads frame-indexed arrays.
class ClockFace : public PageReplacement {
 public:
  void on_load(std::uint64_t frame) override;
  void on_free(std::uint64_t frame) override;

 protected:
  std::size_t frames() const { return count_; }
  std::uint64_t take_at_hand();  // the frame under the hand, and advances past it

 private:
  struct Link {
    std::uint64_t prev = 0;
    std::uint64_t next = 0;
    bool on_face = false;
  };
  LazyArray<Link> links_;
  std::size_t count_ = 0;
  std::uint64_t hand_ = 0;  // meaningful while count_ != 0
};

// Second chance: a frame whose A bit is set gets it cleared and is passed over.
class ClockReplacement final : public ClockFace {
 public:
  std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) override;
  std::string why() const override {
    return "A clear under the clock hand (" + std::to_string(cleared_) +
           " A bits cleared on the way)";
  }

 private:
  std::uint64_t cleared_ = 0;
};

// Enhanced second chance (NRU over A and D) with a bounded look-ahead, as kernels bound
// their reclaim scans (Linux reclaims in batches of 32 pages): of the next kWindow frames under
// the hand the first with (A,D) = (0,0) goes at once; passing a frame with A set clears
// it (second chance, as clock); if the window had no (0,0), its first (0,1) goes; if it
// had only A set, the next window is looked at. A victim costs O(kWindow) PTE reads, not
// a pass over every frame.
class NruReplacement final : public ClockFace {
 public:
  std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) override;
  std::string why() const override {
    return dirty_ ? "(A,D) = (0,1): no (0,0) in the window under the hand (nru)"
                  : "(A,D) = (0,0) (nru)";
  }

 private:
  static constexpr std::size_t kWindow = 16;
  bool dirty_ = false;
};

class RandomReplacement final : public PageReplacement {
 public:
  explicit RandomReplacement(std::uint64_t seed) : rng_(seed) {}
  void on_load(std::uint64_t frame) override;
  void on_free(std::uint64_t frame) override;
  std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) override;
  std::string why() const override { return "picked at random"; }

 private:
  std::vector<std::uint64_t> frames_;
  std::unordered_map<std::uint64_t, std::size_t> index_of_;
  std::mt19937_64 rng_;
};

// Belady's OPT: evict the page whose next use is furthest away (never used again
// first; ties to the lowest frame). Exact for one process replaying a trace.
class OptReplacement final : public PageReplacement {
 public:
  void on_load(std::uint64_t frame) override { next_use_[frame] = kNeverUsedAgain; }
  void on_free(std::uint64_t frame) override { next_use_.erase(frame); }
  std::uint64_t victim(PteBits& bits, std::optional<std::uint64_t> pinned) override;
  std::string why() const override {
    return last_next_use_ == kNeverUsedAgain
               ? "never used again (opt)"
               : "next used furthest ahead, at access " + std::to_string(last_next_use_) + " (opt)";
  }
  void on_access(std::uint64_t frame, std::uint64_t now, std::uint64_t next_use) override;

 private:
  std::map<std::uint64_t, std::uint64_t> next_use_;  // frame -> position of its next use
  std::uint64_t last_next_use_ = kNeverUsedAgain;
};

}  // namespace mmusim::fw
