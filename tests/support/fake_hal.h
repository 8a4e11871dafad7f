#pragma once
// A HAL for firmware tests: DRAM is a FakeMemory (so the reference engine can walk the
// tables the kernel builds), the mmu's registers record what the kernel writes, and a
// fake swap device copies pages at once when a command is written.

#include <map>
#include <vector>

#include "fake_memory.h"
#include "hal.h"
#include "mmu_regs.h"
#include "swap_regs.h"

namespace mmusim::test {

class FakeHal final : public fw::Hal {
 public:
  static constexpr std::uint64_t kMmu = 0x1000'0000;
  static constexpr std::uint64_t kSwap = 0x1000'1000;
  static constexpr std::uint64_t kDram = 0x8000'0000;

  FakeHal(FakeMemory& memory, std::uint64_t dram_bytes) : memory_(memory), dram_bytes_(dram_bytes) {}

  std::uint64_t load64(std::uint64_t pa) override {
    if (in(pa, kMmu, mmu_regs::kBlockSize)) {
      if (pa == kMmu + mmu_regs::kFaultCause) return static_cast<std::uint64_t>(fault_cause);
      if (pa == kMmu + mmu_regs::kFaultVa) return fault_va;
      if (pa == kMmu + mmu_regs::kSatp) return satp;
      return 0;
    }
    if (in(pa, kSwap, swap_regs::kRegionSize)) return swap_reg(pa - kSwap);
    return memory_.word(pa);
  }
  void store64(std::uint64_t pa, std::uint64_t value) override {
    if (in(pa, kMmu, mmu_regs::kBlockSize)) {
      mmio.emplace_back(pa - kMmu, value);
      // satp.ASID is WARL: only asid_bits of it stick.
      if (pa == kMmu + mmu_regs::kSatp) {
        const std::uint64_t asid_field = ((std::uint64_t{1} << asid_bits) - 1) << 44;
        satp = (value & ~(std::uint64_t{0xFFFF} << 44)) | (value & asid_field);
      }
      if (pa == kMmu + mmu_regs::kFlushCmd) ++flushes;
      return;
    }
    if (in(pa, kSwap, swap_regs::kRegionSize)) {
      swap_write(pa - kSwap, value);
      return;
    }
    memory_.words[pa] = value;
  }
  // A missing word reads as zero: erasing is zeroing, and costs nothing for untouched
  // memory (a 1 GiB huge page).
  void store_zeros(std::uint64_t pa, std::uint64_t bytes) override {
    memory_.words.erase(memory_.words.lower_bound(pa), memory_.words.lower_bound(pa + bytes));
    zeroed.push_back(pa);
  }
  void copy(std::uint64_t dst, std::uint64_t src, std::uint64_t bytes) override {
    for (std::uint64_t i = 0; i < bytes; i += 8) memory_.words[dst + i] = memory_.word(src + i);
    ++copies;
  }
  std::uint64_t now_ps() const override { return spent_ps; }
  bool wait_for_interrupt(std::uint64_t) override {
    ++interrupt_waits;
    return true;
  }
  void spend(std::uint64_t ps) override { spent_ps += ps; }

  // Puts a page's worth of words on the fake device (a disk image), at `block`.
  void load_block(std::uint64_t block, const std::vector<std::uint64_t>& words) { blocks_[block] = words; }

  // The last flush command as (kind, va, asid), from the MMIO writes.
  std::vector<std::uint64_t> last_flush() const {
    std::uint64_t va = 0, asid = 0;
    std::vector<std::uint64_t> out;
    for (const auto& [offset, value] : mmio) {
      if (offset == mmu_regs::kFlushVa) va = value;
      if (offset == mmu_regs::kFlushAsid) asid = value;
      if (offset == mmu_regs::kFlushCmd) out = {value, va, asid};
    }
    return out;
  }

  sv::Cause fault_cause = sv::Cause::None;
  std::uint64_t fault_va = 0;
  std::uint64_t satp = 0;
  std::uint64_t spent_ps = 0;
  unsigned flushes = 0;
  unsigned copies = 0;
  unsigned asid_bits = 16;
  unsigned interrupt_waits = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> mmio;
  std::vector<std::uint64_t> zeroed;
  // The fake swap device.
  std::uint64_t swap_capacity = 64;
  unsigned swap_reads = 0;
  unsigned swap_writes = 0;
  std::uint64_t dma_offset = 0;  // added to DramAddr: a non-zero value makes DMA miss DRAM

 private:
  static bool in(std::uint64_t pa, std::uint64_t base, std::uint64_t size) {
    return pa >= base && pa < base + size;
  }
  std::uint64_t swap_reg(std::uint64_t offset) const {
    switch (offset) {
      case swap_regs::kStatus: return static_cast<std::uint64_t>(status_);
      case swap_regs::kError: return static_cast<std::uint64_t>(error_);
      case swap_regs::kIrqStatus: return irq_;
      case swap_regs::kCapacity: return swap_capacity;
      default: return 0;
    }
  }
  void swap_write(std::uint64_t offset, std::uint64_t value) {
    switch (offset) {
      case swap_regs::kBlock: block_ = value; break;
      case swap_regs::kDramAddr: dram_addr_ = value + dma_offset; break;
      case swap_regs::kIrqAck: irq_ = 0; break;
      case swap_regs::kCommand: run(static_cast<swap_regs::Command>(value)); break;
      default: break;
    }
  }
  void run(swap_regs::Command command) {
    irq_ = 1;
    if (!in(dram_addr_, kDram, dram_bytes_) || block_ >= swap_capacity) {
      status_ = swap_regs::Status::Failed;
      error_ = dram_addr_ < kDram || dram_addr_ >= kDram + dram_bytes_ ? swap_regs::Error::DmaFailed
                                                                        : swap_regs::Error::OutOfRange;
      return;
    }
    auto& block = blocks_[block_];
    block.resize(512);
    for (std::uint64_t i = 0; i < 512; ++i) {
      if (command == swap_regs::Command::Write) {
        block[i] = memory_.word(dram_addr_ + 8 * i);
      } else {
        memory_.words[dram_addr_ + 8 * i] = block[i];
      }
    }
    ++(command == swap_regs::Command::Write ? swap_writes : swap_reads);
    status_ = swap_regs::Status::Done;
    error_ = swap_regs::Error::None;
  }

  FakeMemory& memory_;
  std::uint64_t dram_bytes_;
  std::uint64_t block_ = 0;
  std::uint64_t dram_addr_ = 0;
  std::uint64_t irq_ = 0;
  swap_regs::Status status_ = swap_regs::Status::Idle;
  swap_regs::Error error_ = swap_regs::Error::None;
  std::map<std::uint64_t, std::vector<std::uint64_t>> blocks_;
};

}  // namespace mmusim::test
