#pragma once
// Drives the verilated tlb.sv with the same interface as the C++ Tlb (models/mmu/tlb.h),
// one clock per operation, so that the two can be run side by side. The geometry must
// fit the RTL's storage (rtl/tlb_cfg.h).

#include <cstdint>
#include <memory>
#include <optional>

#include "tlb.h"

class Vtlb;
class VerilatedContext;

namespace mmusim {

class RtlTlb {
 public:
  explicit RtlTlb(const TlbGeometry& geometry);
  ~RtlTlb();
  RtlTlb(const RtlTlb&) = delete;
  RtlTlb& operator=(const RtlTlb&) = delete;

  std::optional<TlbEntry> lookup(std::uint64_t va, std::uint16_t asid);
  std::optional<TlbEntry> probe(std::uint64_t va, std::uint16_t asid);
  void fill(const TlbEntry& entry);
  void flush(const FlushRequest& req);

 private:
  std::optional<TlbEntry> ask(bool lookup, std::uint64_t va, std::uint16_t asid);
  void clock();  // one rising edge, then the inputs go idle

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vtlb> top_;
};

}  // namespace mmusim
