#pragma once
// The mmu's MMIO register map (offsets from the block's bus base). 64-bit registers,
// accessed with 8-byte aligned loads and stores. The table in models/mmu/README.md
// documents each one; the firmware programs the mmu only through these.

#include <cstdint>

namespace mmusim::mmu_regs {

constexpr std::uint64_t kSatp = 0x00;        // RW  satp (§4.1.11); unsupported MODE: write ignored
constexpr std::uint64_t kFaultCause = 0x08;  // RO  exception code of the last fault
constexpr std::uint64_t kFaultVa = 0x10;     // RO  faulting virtual address (stval)
constexpr std::uint64_t kFlushVa = 0x18;     // RW  SFENCE.VMA rs1 operand
constexpr std::uint64_t kFlushAsid = 0x20;   // RW  SFENCE.VMA rs2 operand
constexpr std::uint64_t kFlushCmd = 0x28;    // WO  write a FlushKind to flush
constexpr std::uint64_t kIrqStatus = 0x30;   // RO  bit 0: a fault is pending
constexpr std::uint64_t kIrqAck = 0x38;      // WO  write 1 to clear bit 0 of kIrqStatus
constexpr std::uint64_t kTranslations = 0x40;  // RO  counters
constexpr std::uint64_t kTlbHits = 0x48;
constexpr std::uint64_t kTlbMisses = 0x50;
constexpr std::uint64_t kWalks = 0x58;
constexpr std::uint64_t kFaults = 0x60;
constexpr std::uint64_t kBlockSize = 0x1000;

// Values of kFlushCmd: the four SFENCE.VMA forms (§4.2.1).
enum class FlushKind : std::uint64_t {
  All = 0,    // rs1=x0, rs2=x0
  Asid = 1,   // rs1=x0, rs2=asid: that ASID, global entries kept
  Va = 2,     // rs1=va, rs2=x0: that page in every ASID, global entries too
  VaAsid = 3  // rs1=va, rs2=asid: that page in that ASID, global entries kept
};
constexpr const char* to_string(FlushKind kind) {
  return kind == FlushKind::All    ? "all"
         : kind == FlushKind::Asid ? "asid"
         : kind == FlushKind::Va   ? "va"
                                   : "va_asid";
}
// Svinval (priv spec §7): kSinvalVma + a FlushKind is SINVAL.VMA of that form (the same
// operands); the two fences order such invalidations against the accesses around them.
constexpr std::uint64_t kSinvalVma = 4;
constexpr std::uint64_t kSfenceWInval = 8;
constexpr std::uint64_t kSfenceInvalIr = 9;

}  // namespace mmusim::mmu_regs
