#pragma once
// The swap device's driver: programs its registers (swap_regs.h) through the HAL, starts
// a transfer and sleeps until the completion interrupt. It does not trust the device: a
// command that reports a media error, or raises no interrupt within the timeout (then it
// is aborted), or, when asked, a read whose data does not match the device's checksum of
// the block, is retried a bounded number of times before the transfer fails. Errors that
// would only repeat (a refused command, DMA outside DRAM) fail at once.

#include <cstdint>
#include <string>

#include "hal.h"
#include "swap_regs.h"

namespace mmusim::fw {

struct SwapIoConfig {
  std::uint64_t timeout_ps = 50'000'000'000;  // 50 ms: ten times a disk's command time
  unsigned retries = 3;                       // attempts after the first
  bool verify_reads = false;  // check each read page against the device's checksum
};

struct SwapIoStats {
  std::uint64_t device_errors = 0;  // commands that completed with an error status
  std::uint64_t timeouts = 0;       // commands with no interrupt in time (aborted)
  std::uint64_t bad_checksums = 0;  // reads whose data did not match the stored block's
  std::uint64_t retries = 0;        // commands issued again after one of those
  std::uint64_t recovered = 0;      // transfers that succeeded after a retry
  std::uint64_t failed = 0;         // transfers that failed every attempt
};

class SwapDriver {
 public:
  SwapDriver(Hal& hal, std::uint64_t base, const SwapIoConfig& config = {})
      : hal_(hal), base_(base), config_(config) {}

  std::uint64_t capacity_blocks() { return hal_.load64(base_ + swap_regs::kCapacity); }
  // One page between DRAM and a block; false when every attempt failed (last_error()).
  bool read_page(std::uint64_t block, std::uint64_t frame_pa) {
    return transfer(swap_regs::Command::Read, block, frame_pa);
  }
  bool write_page(std::uint64_t block, std::uint64_t frame_pa) {
    return transfer(swap_regs::Command::Write, block, frame_pa);
  }
  // What went wrong with the last attempt of the last failed transfer.
  const std::string& last_error() const { return last_error_; }
  const SwapIoStats& stats() const { return stats_; }
  void restart_stats() { stats_ = {}; }

 private:
  bool transfer(swap_regs::Command command, std::uint64_t block, std::uint64_t frame_pa);
  enum class Outcome { Done, Transient, Permanent };
  Outcome attempt(swap_regs::Command command, std::uint64_t block, std::uint64_t frame_pa);
  std::uint64_t frame_checksum(std::uint64_t frame_pa);

  Hal& hal_;
  std::uint64_t base_;
  SwapIoConfig config_;
  std::string last_error_;
  SwapIoStats stats_;
};

const char* to_string(swap_regs::Error error);

}  // namespace mmusim::fw
