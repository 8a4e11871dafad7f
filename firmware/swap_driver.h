#pragma once
// The swap device's driver: programs its registers (swap_regs.h) through the HAL, starts
// a transfer and sleeps until the completion interrupt.

#include <cstdint>

#include "hal.h"
#include "swap_regs.h"

namespace mmusim::fw {

class SwapDriver {
 public:
  SwapDriver(Hal& hal, std::uint64_t base) : hal_(hal), base_(base) {}

  std::uint64_t capacity_blocks() { return hal_.load64(base_ + swap_regs::kCapacity); }
  // One page between DRAM and a block; false on a device error (see last_error()).
  bool read_page(std::uint64_t block, std::uint64_t frame_pa) {
    return transfer(swap_regs::Command::Read, block, frame_pa);
  }
  bool write_page(std::uint64_t block, std::uint64_t frame_pa) {
    return transfer(swap_regs::Command::Write, block, frame_pa);
  }
  swap_regs::Error last_error() const { return last_error_; }

 private:
  bool transfer(swap_regs::Command command, std::uint64_t block, std::uint64_t frame_pa);

  Hal& hal_;
  std::uint64_t base_;
  swap_regs::Error last_error_ = swap_regs::Error::None;
};

const char* to_string(swap_regs::Error error);

}  // namespace mmusim::fw
