#pragma once
// The firmware's only view of the hardware: physical loads and stores (DRAM and MMIO
// alike, both through TLM on the platform), waiting for the external interrupt, and
// time spent on host-side bookkeeping.
// Tests substitute a fake; the firmware never includes SystemC.

#include <cstdint>

namespace mmusim::fw {

class Hal {
 public:
  virtual ~Hal() = default;
  virtual std::uint64_t load64(std::uint64_t pa) = 0;
  virtual void store64(std::uint64_t pa, std::uint64_t value) = 0;
  // Zeroes `bytes` bytes at pa in one burst (clearing a frame).
  virtual void store_zeros(std::uint64_t pa, std::uint64_t bytes) = 0;
  // Copies `bytes` bytes from src to dst (copying a frame: a read burst, a write burst).
  virtual void copy(std::uint64_t dst, std::uint64_t src, std::uint64_t bytes) = 0;
  // Returns true once the external interrupt line (the swap device's) is high, false if
  // it is still low after `timeout_ps` of simulated time.
  virtual bool wait_for_interrupt(std::uint64_t timeout_ps) = 0;
  // Accounts for firmware work that touches no simulated memory (kernel data
  // structures kept in host memory, per DESIGN.md).
  virtual void spend(std::uint64_t picoseconds) = 0;
  // The firmware's current simulated time, for its own statistics.
  virtual std::uint64_t now_ps() const = 0;
};

}  // namespace mmusim::fw
