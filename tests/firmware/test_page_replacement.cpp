// Each replacement policy's victim choice on small strings checked by hand. A fake
// PteBits stands in for the page tables; "accessing" a resident page sets its A bit
// (and D for a write), as the walker does.

#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "page_replacement.h"
#include "sv.h"

namespace mmusim::fw {
namespace {

class FakeBits final : public PteBits {
 public:
  std::uint64_t pte_of(std::uint64_t frame) override { return pte[frame]; }
  void clear_accessed(std::uint64_t frame) override {
    pte[frame] &= ~sv::kPteA;
    ++clears;
  }
  std::map<std::uint64_t, std::uint64_t> pte;
  unsigned clears = 0;
};

// Runs a reference string of page numbers through `frames` frames and counts faults.
// Page p lives in the frame the policy frees; access sets A (D when `writes` has p).
class ReferenceString {
 public:
  ReferenceString(PageReplacementKind kind, std::size_t frames) : policy_(make_page_replacement(kind, 7)), frames_(frames) {}

  unsigned run(const std::vector<unsigned>& refs, const std::set<unsigned>& writes = {}) {
    // For opt: the position of each reference's next use.
    std::vector<std::uint64_t> next(refs.size(), kNeverUsedAgain);
    std::map<unsigned, std::uint64_t> seen;
    for (std::size_t i = refs.size(); i-- > 0;) {
      if (seen.count(refs[i]) != 0) next[i] = seen[refs[i]];
      seen[refs[i]] = i;
    }
    unsigned faults = 0;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const unsigned page = refs[i];
      if (frame_of_.count(page) == 0) {
        ++faults;
        std::uint64_t frame;
        if (frame_of_.size() < frames_) {
          frame = frame_of_.size();
        } else {
          frame = policy_->victim(bits, std::nullopt);
          victims.push_back(page_in_[frame]);
          policy_->on_free(frame);
          frame_of_.erase(page_in_[frame]);
        }
        frame_of_[page] = frame;
        page_in_[frame] = page;
        bits.pte[frame] = sv::kPteV;
        policy_->on_load(frame);
      }
      const std::uint64_t frame = frame_of_[page];
      bits.pte[frame] |= sv::kPteA | (writes.count(page) != 0 ? sv::kPteD : 0);
      policy_->on_access(frame, i, next[i]);
    }
    return faults;
  }

  std::vector<unsigned> victims;
  FakeBits bits;

 private:
  std::unique_ptr<PageReplacement> policy_;
  std::size_t frames_;
  std::map<unsigned, std::uint64_t> frame_of_;
  std::map<std::uint64_t, unsigned> page_in_;
};

// The textbook string (Silberschatz, Operating System Concepts, ch. 10).
const std::vector<unsigned> kClassic = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
// Belady's anomaly string.
const std::vector<unsigned> kBelady = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};

TEST(PageReplacement, FifoTextbookCountsAndBeladysAnomaly) {
  EXPECT_EQ(ReferenceString(PageReplacementKind::Fifo, 3).run(kClassic), 15u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Fifo, 4).run(kClassic), 10u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Fifo, 3).run(kBelady), 9u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Fifo, 4).run(kBelady), 10u);  // more frames, more faults
}

TEST(PageReplacement, FifoEvictsInLoadOrderRegardlessOfUse) {
  ReferenceString r(PageReplacementKind::Fifo, 3);
  r.run({1, 2, 3, 1, 1, 4, 5});
  EXPECT_EQ(r.victims, (std::vector<unsigned>{1, 2}));
}

TEST(PageReplacement, LruOracleTextbookCounts) {
  EXPECT_EQ(ReferenceString(PageReplacementKind::Lru, 3).run(kClassic), 12u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Lru, 4).run(kClassic), 8u);
  ReferenceString r(PageReplacementKind::Lru, 3);
  r.run({1, 2, 3, 1, 4, 2, 5});  // 4 evicts 2; 2 evicts 3; 5 evicts 1 (used before 4 and 2)
  EXPECT_EQ(r.victims, (std::vector<unsigned>{2, 3, 1}));
}

TEST(PageReplacement, OptOracleTextbookCounts) {
  EXPECT_EQ(ReferenceString(PageReplacementKind::Opt, 3).run(kClassic), 9u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Opt, 4).run(kClassic), 8u);
  EXPECT_EQ(ReferenceString(PageReplacementKind::Opt, 3).run(kBelady), 7u);
  ReferenceString r(PageReplacementKind::Opt, 3);
  r.run({1, 2, 3, 4, 1, 2});  // at 4: 3 is never used again
  EXPECT_EQ(r.victims, (std::vector<unsigned>{3}));
}

TEST(PageReplacement, ClockGivesASecondChance) {
  // Worked by hand, step by step: 14 faults (FIFO 15, LRU 12).
  EXPECT_EQ(ReferenceString(PageReplacementKind::Clock, 3).run(kClassic), 14u);
  ReferenceString r(PageReplacementKind::Clock, 3);
  r.run({1, 2, 3, 4});  // all A set: one turn clears them, then 1 (the oldest) goes
  EXPECT_EQ(r.victims, (std::vector<unsigned>{1}));
  EXPECT_EQ(r.bits.clears, 3u);
}

TEST(PageReplacement, ClockSparesARecentlyUsedPage) {
  ReferenceString r(PageReplacementKind::Clock, 3);
  // After 4 evicts 1, the hand points at 2; A of 2 and 3 are clear, 4's is set.
  // Touching 2 sets its A again, so 5 evicts 3 instead of 2.
  r.run({1, 2, 3, 4, 2, 5});
  EXPECT_EQ(r.victims, (std::vector<unsigned>{1, 3}));
}

TEST(PageReplacement, NruPrefersCleanUnusedPages) {
  ReferenceString r(PageReplacementKind::Nru, 3);
  // 1 and 2 are written (D); 3 is only read. With every A set, the first pass finds no
  // (0,0) and the second clears every A bit; the next first pass finds 3 at (0,0): the
  // clean page goes although it is the youngest.
  r.run({1, 2, 3, 4}, {1, 2});
  EXPECT_EQ(r.victims, (std::vector<unsigned>{3}));
  ReferenceString all_dirty(PageReplacementKind::Nru, 3);
  all_dirty.run({1, 2, 3, 4}, {1, 2, 3});  // every page (0,1) after clearing: the oldest goes
  EXPECT_EQ(all_dirty.victims, (std::vector<unsigned>{1}));
  EXPECT_EQ(ReferenceString(PageReplacementKind::Nru, 3).run(kClassic), 14u);  // reads only: as clock
}

TEST(PageReplacement, RandomIsReproducibleForASeed) {
  ReferenceString a(PageReplacementKind::Random, 3);
  ReferenceString b(PageReplacementKind::Random, 3);
  a.run(kClassic);
  b.run(kClassic);
  EXPECT_EQ(a.victims, b.victims);
  std::set<unsigned> distinct(a.victims.begin(), a.victims.end());
  EXPECT_GT(distinct.size(), 2u);
}

constexpr PageReplacementKind kEveryPolicy[] = {
    PageReplacementKind::Fifo,   PageReplacementKind::Clock, PageReplacementKind::Nru,
    PageReplacementKind::Random, PageReplacementKind::Lru,   PageReplacementKind::Opt};

// Two copies of a policy with the same history over `frames` frames: some read, some
// written, some used again soon (for opt), each policy's state and A/D bits alike.
struct TwinPolicies {
  TwinPolicies(PageReplacementKind kind, std::uint64_t seed, std::uint64_t frames)
      : a(make_page_replacement(kind, seed)), b(make_page_replacement(kind, seed)) {
    std::mt19937_64 rng(seed);
    for (std::uint64_t frame = 0; frame < frames; ++frame) {
      const std::uint64_t pte = sv::kPteV | (rng() % 2 != 0 ? sv::kPteA : 0) |
                                (rng() % 2 != 0 ? sv::kPteD : 0);
      const std::uint64_t next_use = 100 + rng() % 50;
      for (auto* policy : {a.get(), b.get()}) {
        policy->on_load(frame);
        policy->on_access(frame, frame, next_use);
      }
      bits_a.pte[frame] = bits_b.pte[frame] = pte;
    }
  }
  std::unique_ptr<PageReplacement> a, b;
  FakeBits bits_a, bits_b;
};

// The source of a copy-on-write copy is pinned while room is made for the copy: no
// policy evicts it, and a pin on a frame the policy would not have chosen changes
// nothing. (Unpinned, a random policy over eight frames picked the source eight
// faults in a row and the run failed.)
TEST(PageReplacement, APinnedFrameIsNeverTheVictim) {
  for (const auto kind : kEveryPolicy) {
    SCOPED_TRACE(to_string(kind));
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const std::uint64_t frames = 2 + seed % 5;
      TwinPolicies chosen_pinned(kind, seed, frames);
      const std::uint64_t usual = chosen_pinned.a->victim(chosen_pinned.bits_a, std::nullopt);
      const std::uint64_t instead = chosen_pinned.b->victim(chosen_pinned.bits_b, usual);
      EXPECT_NE(instead, usual);
      EXPECT_LT(instead, frames);

      TwinPolicies other_pinned(kind, seed, frames);
      EXPECT_EQ(other_pinned.a->victim(other_pinned.bits_a, std::nullopt), usual);
      EXPECT_EQ(other_pinned.b->victim(other_pinned.bits_b, (usual + 1) % frames), usual);
    }
  }
}

TEST(PageReplacement, NamesRoundTrip) {
  for (auto kind : kEveryPolicy) {
    PageReplacementKind parsed;
    ASSERT_TRUE(parse_page_replacement(to_string(kind), parsed));
    EXPECT_EQ(parsed, kind);
  }
  PageReplacementKind unused;
  EXPECT_FALSE(parse_page_replacement("mru", unused));
  EXPECT_TRUE(is_oracle(PageReplacementKind::Lru));
  EXPECT_TRUE(is_oracle(PageReplacementKind::Opt));
  EXPECT_FALSE(is_oracle(PageReplacementKind::Clock));
}

}  // namespace
}  // namespace mmusim::fw
