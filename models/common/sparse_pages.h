#pragma once
// Storage for a large, sparsely written space (DRAM, the swap device's blocks) in 4 KiB
// pages, so that host memory grows with the pages written, not with the size configured.
// Two levels: a table of 512 page pointers per 2 MiB, made at the first write in it. A
// look-up is two indexed loads; a hash of pages (what the swap device had) cost host
// cache misses on its buckets and nodes before the data's own (perf: 3 % of a paging run).

#include <array>
#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

namespace mmusim {

class SparsePages {
 public:
  static constexpr unsigned kPageShift = 12;
  static constexpr std::uint64_t kPageBytes = std::uint64_t{1} << kPageShift;

  // Pages numbered [0, pages).
  explicit SparsePages(std::uint64_t pages) : tables_((pages + kPagesPerTable - 1) / kPagesPerTable) {}

  // Page `number`'s bytes, or nullptr where nothing was ever made (or out of range).
  std::uint8_t* find(std::uint64_t number) const {
    if (number / kPagesPerTable >= tables_.size()) return nullptr;
    const Table* table = tables_[number / kPagesPerTable].get();
    return table == nullptr ? nullptr : (*table)[number % kPagesPerTable].get();
  }
  // Page `number` (in range)'s bytes, made zero-filled if it had none; `made` tells
  // whether it was.
  std::uint8_t* make(std::uint64_t number, bool* made = nullptr) {
    assert(number / kPagesPerTable < tables_.size());
    auto& table = tables_[number / kPagesPerTable];
    if (!table) table = std::make_unique<Table>();
    auto& page = (*table)[number % kPagesPerTable];
    if (made != nullptr) *made = !page;
    if (!page) {
      page = std::make_unique<std::uint8_t[]>(kPageBytes);  // value-initialised: zeros
      ++count_;
    }
    return page.get();
  }
  // Drops page `number` (it reads as never made).
  void erase(std::uint64_t number) {
    assert(number / kPagesPerTable < tables_.size());
    auto& table = tables_[number / kPagesPerTable];
    if (table && (*table)[number % kPagesPerTable]) {
      (*table)[number % kPagesPerTable].reset();
      --count_;
    }
  }
  std::uint64_t count() const { return count_; }  // pages held

 private:
  static constexpr std::uint64_t kPagesPerTable = 512;
  using Table = std::array<std::unique_ptr<std::uint8_t[]>, kPagesPerTable>;
  std::vector<std::unique_ptr<Table>> tables_;  // null: nothing made there
  std::uint64_t count_ = 0;
};

}  // namespace mmusim
