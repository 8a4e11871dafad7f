#pragma once
// The swap device's MMIO register map (offsets from its bus base). 64-bit registers,
// 8-byte aligned accesses. Documented in models/swap/README.md; the firmware's swap
// driver programs the device only through these.

#include <cstdint>

namespace mmusim::swap_regs {

constexpr std::uint64_t kBlock = 0x00;      // RW  first block of the transfer
constexpr std::uint64_t kDramAddr = 0x08;   // RW  physical address of the buffer in DRAM
constexpr std::uint64_t kCount = 0x10;      // RW  blocks to transfer
constexpr std::uint64_t kCommand = 0x18;    // WO  a Command: starts the transfer
constexpr std::uint64_t kStatus = 0x20;     // RO  a Status
constexpr std::uint64_t kError = 0x28;      // RO  an Error, valid when kStatus is Failed
constexpr std::uint64_t kIrqStatus = 0x30;  // RO  bit 0: a command completed
constexpr std::uint64_t kIrqAck = 0x38;     // WO  write 1 to clear bit 0
constexpr std::uint64_t kCapacity = 0x40;   // RO  size in blocks
constexpr std::uint64_t kBlockSize = 0x48;  // RO  bytes per block (4096)
constexpr std::uint64_t kChecksum = 0x50;   // RO  BlockChecksum of block kBlock as stored
constexpr std::uint64_t kRegionSize = 0x1000;

constexpr std::uint64_t kBytesPerBlock = 4096;

// Read: device -> DRAM. Abort: ends a busy command without an interrupt (status idle).
enum class Command : std::uint64_t { Read = 1, Write = 2, Abort = 3 };
enum class Status : std::uint64_t { Idle = 0, Busy = 1, Done = 2, Failed = 3 };
enum class Error : std::uint64_t {
  None = 0,
  BadCommand = 1,   // unknown command, zero count, or a command while busy
  OutOfRange = 2,   // blocks beyond the capacity
  DmaFailed = 3,    // the bus answered the DMA with an error (e.g. not DRAM)
  MediaError = 4,   // the medium failed the command (swap.fault_kinds: error)
};

// The checksum the device keeps of each block (register kChecksum), so a reader can tell
// that the data the DMA delivered is the data stored: FNV-1a over the block's 512
// little-endian 64-bit words, in order.
class BlockChecksum {
 public:
  void add(std::uint64_t word) { hash_ = (hash_ ^ word) * 0x100000001b3; }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325;
};

}  // namespace mmusim::swap_regs
