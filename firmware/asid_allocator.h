#pragma once
// ASIDs with generations, as Linux's RISC-V context code does: the MMU implements only
// some satp ASID bits (the firmware finds out how many by writing ones and reading
// back, §4.1.11: the field is WARL). A process gets an ASID when it is switched to;
// when none is free, a new generation starts: every TLB entry is flushed, every
// process's ASID becomes stale, and each gets a fresh one on its next switch. So no
// process can hit a TLB entry left by an earlier owner of its ASID.

#include <cstdint>

#include "id_pool.h"

namespace mmusim::fw {

struct Asid {
  std::uint16_t value = 0;
  std::uint64_t generation = 0;  // 0: never assigned
};

class AsidAllocator {
 public:
  explicit AsidAllocator(unsigned bits) : count_(std::uint64_t{1} << bits), free_(0, count_) {}

  bool current(const Asid& asid) const { return asid.generation == generation_; }
  // A fresh ASID; sets `rolled_over` when a new generation had to start (the caller
  // must flush every TLB entry before using it).
  Asid assign(bool& rolled_over);
  // Gives back a current ASID (a stale one is already free).
  void release(const Asid& asid);
  std::uint64_t count() const { return count_; }
  std::uint64_t rollovers() const { return generation_ - 1; }

 private:
  std::uint64_t count_;
  IdPool free_;
  std::uint64_t generation_ = 1;
};

}  // namespace mmusim::fw
