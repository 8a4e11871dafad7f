#pragma once
// A block device for swap: MMIO registers, DMA to and from DRAM through its own
// initiator socket, and a completion interrupt. Storage is sparse (host memory grows
// with the blocks written). The device works in its own thread: a command written at
// local time t completes at t + command_time + bytes * byte_time, then the data moves
// by DMA and the interrupt rises.

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "activity_trace.h"
#include "direct_target_socket.h"
#include "sparse_pages.h"
#include "swap_regs.h"

namespace mmusim {

struct SwapTiming {
  sc_core::sc_time command_time;  // fixed cost of one command (seek, FTL, protocol)
  sc_core::sc_time byte_time;     // transfer time per byte
  static SwapTiming ssd();   // NVMe-like: 20 us + 0.5 ns/B (~2 GB/s)
  static SwapTiming disk();  // HDD-like: 5 ms + 10 ns/B (~100 MB/s)
};

// Faults the device injects, seeded: each command fails with probability `rate`, in one
// of the enabled kinds, drawn evenly (corrupt only on reads).
struct SwapFaults {
  double rate = 0;
  bool error = false;    // the command completes with Error::MediaError, no data moved
  bool timeout = false;  // the command never completes: busy, no interrupt, until Abort
  bool corrupt = false;  // a read delivers the block with one byte changed (storage intact)
  std::uint64_t seed = 1;
};

struct SwapConfig {
  std::uint64_t size = std::uint64_t{256} << 20;  // bytes; a multiple of the block size
  SwapTiming timing = SwapTiming::ssd();
  SwapFaults faults;
};

struct SwapStats {
  std::uint64_t reads = 0;   // commands
  std::uint64_t writes = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t errors = 0;
  std::uint64_t busy_ps = 0;
  std::uint64_t injected_errors = 0;  // SwapFaults, by kind
  std::uint64_t injected_timeouts = 0;
  std::uint64_t injected_corruptions = 0;
  std::uint64_t aborts = 0;
};

class SwapDevice final : public sc_core::sc_module {
  // (Declared ahead of regs, which names them.)
  void register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int register_debug(tlm::tlm_generic_payload& trans);

 public:
  DirectTargetSocket<SwapDevice, &SwapDevice::register_transport, &SwapDevice::register_debug>
      regs{"regs", *this};                                    // MMIO from the bus
  tlm_utils::simple_initiator_socket<SwapDevice> dma{"dma"};  // to the bus
  sc_core::sc_out<bool> irq{"irq"};

  SwapDevice(const sc_core::sc_module_name& name, const SwapConfig& config);
  SwapDevice(const SwapDevice&) = delete;
  SwapDevice& operator=(const SwapDevice&) = delete;

  const SwapStats& stats() const { return stats_; }
  void restart_stats() { stats_ = {}; }
  // The contents of one block of an image: `block` counts from the image's first.
  using ImageBlock = std::function<void(std::uint64_t block, std::uint8_t* out)>;
  // Puts an image of `blocks` blocks on the device from `first_block` on, as a disk is
  // shipped with its contents (the file store's library images): until a block is
  // written, reading it gives what `contents` makes. Blocks are made when read, not
  // stored, so host memory grows with what the run writes, whatever the image's size.
  void preload(std::uint64_t first_block, std::uint64_t blocks, ImageBlock contents);
  // Records busy periods and the interrupt into `trace` (null: nothing).
  void set_activity_trace(ActivityTrace* trace) { trace_ = trace; }

 private:
  std::uint64_t read_register(std::uint64_t offset) const;
  void write_register(std::uint64_t offset, std::uint64_t value, const sc_core::sc_time& delay);
  enum class Fault { None, Error, Timeout, Corrupt };
  void start(std::uint64_t command, const sc_core::sc_time& delay);
  void abort();
  Fault draw_fault(swap_regs::Command command);
  void worker();
  swap_regs::Error transfer(bool corrupt);
  std::uint64_t checksum(std::uint64_t block) const;
  // What reading `block` gives: its stored bytes, else its image's (made in `scratch`),
  // else zeros (in `scratch`).
  const std::uint8_t* contents(std::uint64_t block, std::uint8_t* scratch) const;
  void finish(swap_regs::Error error, const sc_core::sc_time& at);
  void record_activity(ActivityTrace::Signal signal, const sc_core::sc_time& at, std::uint64_t value);

  const SwapConfig config_;
  const std::uint64_t capacity_blocks_;
  SparsePages blocks_;  // the blocks written; one never written reads as its image's or zeros
  struct Image {
    std::uint64_t first_block, blocks;
    ImageBlock contents;
  };
  std::vector<Image> images_;
  static_assert(swap_regs::kBytesPerBlock == SparsePages::kPageBytes, "a block is one storage page");
  // A command's operands: BLOCK, DRAM_ADDR and COUNT as the registers hold them, and
  // as the running command latched them when COMMAND started it (and checked them then):
  // writing the registers while it is busy changes nothing in flight.
  struct Operands {
    std::uint64_t block = 0;
    std::uint64_t dram_addr = 0;
    std::uint64_t count = 0;
  };
  Operands registers_;
  Operands running_;
  swap_regs::Command command_ = swap_regs::Command::Read;
  swap_regs::Status status_ = swap_regs::Status::Idle;
  swap_regs::Error error_ = swap_regs::Error::None;
  bool irq_pending_ = false;
  Fault fault_ = Fault::None;    // the one the running command suffers
  std::uint64_t generation_ = 0;  // counts Aborts: a command aborted does not complete
  std::mt19937_64 fault_random_;
  // Reused for every block a command moves: a payload's constructor allocates.
  tlm::tlm_generic_payload dma_trans_;
  // What a read delivers when it is not the stored block itself: zeros for a block never
  // written, a corrupted copy.
  std::vector<std::uint8_t> dma_buffer_;
  sc_core::sc_event start_event_;
  // The command the worker is serving: whether it is, for how long, and generation_ then.
  bool in_service_ = false;
  sc_core::sc_time service_;
  std::uint64_t service_generation_ = 0;
  SwapStats stats_;
  ActivityTrace* trace_ = nullptr;
};

}  // namespace mmusim
