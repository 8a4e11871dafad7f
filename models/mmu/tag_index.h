#pragma once
// A large TLB's entries by the page they hold: a chained hash table over entry indices,
// its buckets and links sized once with the TLB, so that a fill or an invalidation never
// allocates and a search visits only the entries that hold its page. Most searches (every
// flush by VA, most fills' overlap tests) are for pages the TLB does not hold: with eight
// buckets per entry, most of those find an empty bucket and touch nothing else.

#include <cassert>
#include <cstdint>
#include <vector>

namespace mmusim {

class TagIndex {
 public:
  // For entries 0 .. entries-1.
  explicit TagIndex(std::size_t entries) : next_(entries, kNone), keys_(entries) {
    unsigned bits = 1;
    while ((std::size_t{1} << bits) < 8 * entries) ++bits;
    shift_ = 64 - bits;
    head_.assign(std::size_t{1} << bits, kNone);
  }

  void insert(std::size_t index, std::uint64_t key) {
    std::int32_t& head = head_[bucket(key)];
    next_[index] = head;
    keys_[index] = key;
    head = static_cast<std::int32_t>(index);
  }
  void erase(std::size_t index, std::uint64_t key) {
    std::int32_t* link = &head_[bucket(key)];
    while (*link != static_cast<std::int32_t>(index)) {
      assert(*link != kNone);  // it was inserted under key
      link = &next_[static_cast<std::size_t>(*link)];
    }
    *link = next_[index];
  }
  // Calls visit(index) for each index inserted under key; visit may erase that one.
  template <class Visit>
  void for_each(std::uint64_t key, Visit visit) const {
    for (std::int32_t i = head_[bucket(key)]; i != kNone;) {
      const auto index = static_cast<std::size_t>(i);
      i = next_[index];  // before visit() may unlink it
      if (keys_[index] == key) visit(index);
    }
  }

 private:
  static constexpr std::int32_t kNone = -1;
  std::size_t bucket(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);  // Fibonacci hashing
  }

  unsigned shift_ = 63;
  std::vector<std::int32_t> head_;   // per bucket: its first entry, or kNone
  std::vector<std::int32_t> next_;   // per entry: the next in its bucket, or kNone
  // per entry: the key it was inserted under (the entry holds it too; a walk of a chain
  // reads it here, next to the links, rather than from each entry)
  std::vector<std::uint64_t> keys_;
};

}  // namespace mmusim
