#pragma once
// Storage for a large, sparsely written space (DRAM, the swap device's blocks) in 4 KiB
// pages, so that host memory grows with the pages written, not with the size configured.
// Two levels: a table of 512 page pointers per 2 MiB, made at the first write in it. A
// look-up is two indexed loads; a hash of pages (what the swap device had) cost host
// cache misses on its buckets and nodes before the data's own (perf: 3 % of a paging run).

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "host_pages.h"

namespace mmusim {

class SparsePages {
 public:
  static constexpr unsigned kPageShift = 12;
  static constexpr std::uint64_t kPageBytes = std::uint64_t{1} << kPageShift;
  static_assert(kPageBytes == host_pages::kBytes, "a page is a host page");

  // Pages numbered [0, pages). The index of tables is mapped anonymous memory: its
  // pages read as zeros (no table) and take host memory only once written, so even the
  // index grows with what is written (1 TiB of space needs 4 MiB of it; calloc may take
  // that from the heap and clear all of it).
  explicit SparsePages(std::uint64_t pages)
      : table_count_((pages + kPagesPerTable - 1) / kPagesPerTable),
        index_bytes_(std::max<std::size_t>(table_count_, 1) * sizeof(Table*)) {
    void* const index =
        mmap(nullptr, index_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (index == MAP_FAILED) throw std::bad_alloc();
    tables_ = static_cast<Table**>(index);
  }
  ~SparsePages() { munmap(tables_, index_bytes_); }  // (owned_ frees the tables)
  SparsePages(const SparsePages&) = delete;
  SparsePages& operator=(const SparsePages&) = delete;

  // Page `number`'s bytes, or nullptr where nothing was ever made (or out of range).
  std::uint8_t* find(std::uint64_t number) const {
    if (number / kPagesPerTable >= table_count_) return nullptr;
    const Table* table = tables_[number / kPagesPerTable];
    return table == nullptr ? nullptr : (*table)[number % kPagesPerTable].get();
  }
  // Page `number` (in range)'s bytes, made zero-filled if it had none; `made` tells
  // whether it was.
  std::uint8_t* make(std::uint64_t number, bool* made = nullptr) {
    assert(number / kPagesPerTable < table_count_);
    Table*& table = tables_[number / kPagesPerTable];
    if (table == nullptr) table = owned_.emplace_back(std::make_unique<Table>()).get();
    auto& page = (*table)[number % kPagesPerTable];
    if (made != nullptr) *made = !page;
    if (!page) page = make_host_page();
    return page.get();
  }
  // Drops page `number` (it reads as never made).
  void erase(std::uint64_t number) {
    assert(number / kPagesPerTable < table_count_);
    Table* const table = tables_[number / kPagesPerTable];
    if (table != nullptr) (*table)[number % kPagesPerTable].reset();
  }

 private:
  static constexpr std::uint64_t kPagesPerTable = 512;
  using Table = std::array<HostPage, kPagesPerTable>;
  const std::size_t table_count_;
  const std::size_t index_bytes_;
  Table** tables_ = nullptr;  // null: nothing made there
  // The tables made, to free them without reading the whole index (a read of an
  // untouched page maps it, and the peak resident set counts it).
  std::vector<std::unique_ptr<Table>> owned_;
};

}  // namespace mmusim
