#pragma once
// DRAM with sparse storage (host memory grows with the pages touched, not with the
// configured size) and a per-bank open-row timing model with DDR4-2400-like defaults.
// Addresses arriving here are offsets from the DRAM's base (the bus subtracts it).

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "direct_target_socket.h"
#include "sparse_pages.h"

namespace mmusim {

// DDR4-2400 CL16-16-16 (tCK = 0.833 ns): 16 tCK = 13.33 ns; a BL8 burst takes 4 tCK.
struct DramTiming {
  sc_core::sc_time t_cl = sc_core::sc_time(13.33, sc_core::SC_NS);    // column access
  sc_core::sc_time t_rcd = sc_core::sc_time(13.33, sc_core::SC_NS);   // activate to column
  sc_core::sc_time t_rp = sc_core::sc_time(13.33, sc_core::SC_NS);    // precharge
  sc_core::sc_time t_burst = sc_core::sc_time(3.33, sc_core::SC_NS);  // one 64-byte burst
};

struct DramConfig {
  std::uint64_t size = std::uint64_t{256} << 20;
  unsigned banks = 16;               // 4 bank groups x 4 banks
  std::uint64_t row_size = 8 << 10;  // bytes of one row across the rank
  DramTiming timing;
};

struct DramStats {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t row_hits = 0;       // the row was open
  std::uint64_t row_misses = 0;     // the bank was idle (no row open)
  std::uint64_t row_conflicts = 0;  // another row was open: precharge first
  std::uint64_t pages_allocated = 0;
};

class Dram final : public sc_core::sc_module {
  // (Declared ahead of target, which names them.)
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

 public:
  DirectTargetSocket<Dram, &Dram::b_transport, &Dram::transport_dbg, 1, &Dram::get_direct_mem_ptr>
      target{"target", *this};

  Dram(const sc_core::sc_module_name& name, const DramConfig& config);
  Dram(const Dram&) = delete;
  Dram& operator=(const Dram&) = delete;

  const DramStats& stats() const { return stats_; }
  // Counters from zero; pages_allocated (host storage held) stays.
  void restart_stats() {
    const std::uint64_t pages = stats_.pages_allocated;
    stats_ = {};
    stats_.pages_allocated = pages;
  }
  std::uint64_t size() const { return config_.size; }

 private:
  static constexpr unsigned kStorageShift = SparsePages::kPageShift;
  static constexpr std::uint64_t kStoragePage = SparsePages::kPageBytes;
  static constexpr std::uint64_t kBurstBytes = 64;

  bool in_range(const tlm::tlm_generic_payload& trans) const;
  // Copies between the payload and storage; never allocates for a read.
  void copy(tlm::tlm_generic_payload& trans);
  std::uint8_t* page(std::uint64_t addr, bool allocate);
  sc_core::sc_time access_latency(std::uint64_t addr, unsigned length);

  const DramConfig config_;
  const sc_core::sc_time row_hit_latency_;  // also a one-burst access's latency on a row hit
  // Whether the row size and the bank count are both powers of two (the usual case: the
  // address splits by shifts, by these); else access_latency divides.
  const bool split_by_shifts_;
  const unsigned row_shift_;
  const unsigned bank_shift_;
  SparsePages storage_;                 // a page never written reads as zeros
  std::vector<std::int64_t> open_row_;  // per bank, -1: precharged
  DramStats stats_;
};

}  // namespace mmusim
