#pragma once
// One level of the cache hierarchy: set-associative, write-back, write-allocate, and it
// holds the data (a coherence bug shows as a wrong value the integrity checker catches,
// not only as a wrong count). Loosely timed: a lookup adds the hit latency to the
// request's delay, a miss adds what the next level takes to fill the line; victims'
// write-backs drain through a write buffer, off the requester's path. Only the cacheable
// range (DRAM) is cached; other addresses (device registers) pass straight through.
// No DMI: a pointer into DRAM would bypass the dirty lines held here.
// See models/cache/README.md.

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "direct_target_socket.h"
#include "pte_traffic.h"
#include "replacement.h"

namespace mmusim {

struct CacheConfig {
  std::uint64_t size = 0;  // bytes; 0: this level is absent
  unsigned ways = 8;
  unsigned line = 64;      // bytes, a power of two
  sc_core::sc_time hit_latency = sc_core::sc_time(1, sc_core::SC_NS);
  ReplacementKind replacement = ReplacementKind::Lru;
  std::uint64_t seed = 1;  // for random replacement
  unsigned level = 0;      // its number from the cpu side (l1d 0), as PteTraffic reports it

  unsigned sets() const { return static_cast<unsigned>(size / (std::uint64_t{ways} * line)); }
};

// Physical addresses [base, base + size) are cacheable (the PMA of DRAM).
struct CacheableRange {
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  bool holds(std::uint64_t addr, std::uint64_t length) const {
    return addr >= base && addr - base < size && length <= size - (addr - base);
  }
};

struct CacheStats {
  std::uint64_t reads = 0;   // cacheable requests
  std::uint64_t writes = 0;
  std::uint64_t hits = 0;    // lines looked up and found (a request may span lines)
  std::uint64_t misses = 0;
  std::uint64_t pte_hits = 0;  // of those, for the page-table walker
  std::uint64_t pte_misses = 0;
  std::uint64_t write_backs = 0;        // dirty victims written to the next level
  std::uint64_t snoop_write_backs = 0;  // dirty lines cleaned for an agent entering below
  std::uint64_t snoop_invalidations = 0;
  std::uint64_t uncached = 0;  // requests outside the cacheable range, passed through
};

class Cache final : public sc_core::sc_module {
  // (Declared ahead of target, which names them.)
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);

 public:
  // Any number of requesters (the level above, the mmu, the firmware) bind here.
  DirectTargetSocket<Cache, &Cache::b_transport, &Cache::transport_dbg, 0> target{"target",
                                                                                    *this};
  tlm_utils::simple_initiator_socket<Cache> next{"next"};  // the next level, or the bus

  Cache(const sc_core::sc_module_name& name, const CacheConfig& config, CacheableRange cacheable);
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  const CacheStats& stats() const { return stats_; }
  void restart_stats() { stats_ = {}; }
  const CacheConfig& config() const { return config_; }

  // Coherence with an agent that enters the hierarchy below this level (DMA, a walker
  // attached lower down): before it reads [addr, addr+length) the dirty lines here go to
  // the next level (`clean`); before it writes they go and are dropped (`clean_invalidate`).
  void clean(std::uint64_t addr, std::uint64_t length, sc_core::sc_time& delay) {
    snoop(addr, length, false, delay);
  }
  void clean_invalidate(std::uint64_t addr, std::uint64_t length, sc_core::sc_time& delay) {
    snoop(addr, length, true, delay);
  }

  // Debug lookup: whether the line holding `addr` is here, and dirty; changes nothing.
  bool holds(std::uint64_t addr) const { return find(line_of(addr)) >= 0; }
  bool holds_dirty(std::uint64_t addr) const;

 private:
  static constexpr std::uint8_t kDirty = 1;
  static constexpr std::uint64_t kNoLine = ~std::uint64_t{0};  // the tag of an invalid slot

  std::uint64_t line_of(std::uint64_t addr) const { return addr & ~line_mask_; }
  unsigned set_of(std::uint64_t line_addr) const {
    return static_cast<unsigned>((line_addr >> line_shift_) & (sets_ - 1));
  }
  std::size_t slot(unsigned set, unsigned way) const { return std::size_t{set} * ways_ + way; }
  std::uint8_t* line_data(std::size_t slot) { return data_.data() + slot * config_.line; }
  // Slot holding line_addr, or -1; on a miss `invalid` is the set's first invalid slot
  // (-1 when the set is full).
  long probe(std::uint64_t line_addr, long& invalid) const;
  long find(std::uint64_t line_addr) const {
    long invalid = -1;
    return probe(line_addr, invalid);
  }
  // Invalidates (and cleans) the slot, way `way` of `set`, without a write-back.
  void drop(std::size_t slot, unsigned set, unsigned way) {
    if (tags_[slot] != kNoLine) {
      --held_in_region_[region_slot(tags_[slot])];
      invalid_ways_[set] |= std::uint64_t{1} << way;
    }
    state_[slot] = 0;
    tags_[slot] = kNoLine;
  }
  void hold(std::size_t slot, unsigned set, unsigned way, std::uint64_t line_addr) {  // clean
    tags_[slot] = line_addr;
    ++held_in_region_[region_slot(line_addr)];
    invalid_ways_[set] &= ~(std::uint64_t{1} << way);
  }
  // A counting filter over 4 KiB regions (a line, at most 4 KiB, lies in one): how many
  // lines held here fall in regions hashing to each slot. A snoop of a page (swap DMA)
  // skips a level holding none of its lines without looking up its 64.
  static constexpr unsigned kRegionShift = 12;
  static constexpr std::size_t kRegionSlots = 4096;
  static std::size_t region_slot(std::uint64_t line_addr) {
    return (line_addr >> kRegionShift) & (kRegionSlots - 1);
  }
  // A way of the set for a new line: `invalid` (the set's first invalid slot, from probe)
  // if there is one, else the policy's victim, written back if dirty.
  std::size_t make_room(unsigned set, long invalid);
  // One line-sized request to the next level.
  tlm::tlm_response_status line_transport(tlm::tlm_command cmd, std::uint64_t line_addr, std::uint8_t* data,
                      bool for_walker, sc_core::sc_time& delay);
  void write_back(std::size_t slot, sc_core::sc_time& delay);
  void snoop(std::uint64_t addr, std::uint64_t length, bool invalidate, sc_core::sc_time& delay);
  template <typename Visit>
  void for_each_held_line(std::uint64_t addr, std::uint64_t length, Visit visit);

  const CacheConfig config_;
  const CacheableRange cacheable_;
  const unsigned ways_;
  const unsigned sets_;
  const unsigned line_shift_;
  const std::uint64_t line_mask_;
  std::vector<std::uint64_t> tags_;   // line address per slot, kNoLine where invalid
  // Per set, a bit per invalid way (at most 64 ways): a lookup compares tags alone, and
  // a miss takes the lowest bit for its line.
  std::vector<std::uint64_t> invalid_ways_;
  std::vector<std::uint8_t> state_;   // kDirty per slot (a slot is valid by its tag)
  std::vector<std::uint8_t> data_;    // config_.line bytes per slot
  std::vector<std::uint32_t> held_in_region_ = std::vector<std::uint32_t>(kRegionSlots, 0);
  mutable std::size_t recent_ = 0;    // the slot probe() found last
  std::unique_ptr<ReplacementPolicy> policy_;
  tlm::tlm_generic_payload line_trans_;  // reused for fills and write-backs
  PteTraffic pte_tag_;
  CacheStats stats_;
};

}  // namespace mmusim
