// Verilator headers come before anything that includes SystemC.
#include "Vtlb.h"
#include "verilated.h"

#include "packed_bits.h"
#include "reset.h"
#include "tlb_cfg.h"
#include "tlb_rtl.h"

namespace mmusim {

namespace {

using rtl::get_bits;
using rtl::put_bits;

// Packed-struct layouts of mmu_pkg.sv (the first field is the most significant).
// tlb_entry_t, 137 bits: valid 136, level 135:133, global 132, asid 131:116, vpn 115:64, pte 63:0
// flush_req_t, 82 bits: kind 81:80, va 79:16, asid 15:0
// tlb_cfg_t, 14 bits: set_bits 13:9, ways 8:2, replacement 1:0

}  // namespace

RtlTlb::RtlTlb(const TlbGeometry& geometry)
    : context_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Vtlb>(context_.get())) {
  top_->cfg_i = rtl::tlb_cfg_bits(geometry, rtl::kL2MaxEntries);  // verilated with the L2's storage
  rtl::reset(*top_);
}

RtlTlb::~RtlTlb() { top_->final(); }

void RtlTlb::clock() {
  top_->clk_i = 1;
  top_->eval();
  top_->clk_i = 0;
  top_->lookup_i = 0;
  top_->probe_i = 0;
  top_->fill_i = 0;
  top_->flush_i = 0;
  top_->eval();
}

std::optional<TlbEntry> RtlTlb::ask(bool lookup, std::uint64_t va, std::uint16_t asid) {
  top_->lookup_i = lookup;
  top_->probe_i = !lookup;
  top_->va_i = va;
  top_->asid_i = asid;
  top_->eval();
  std::optional<TlbEntry> hit;
  if (top_->hit_o) {
    TlbEntry e;
    e.valid = true;
    e.level = static_cast<std::uint8_t>(get_bits<133, 3>(top_->entry_o));
    e.global = get_bits<132, 1>(top_->entry_o) != 0;
    e.asid = static_cast<std::uint16_t>(get_bits<116, 16>(top_->entry_o));
    e.vpn = get_bits<64, 52>(top_->entry_o);
    e.pte = get_bits<0, 64>(top_->entry_o);
    e.napot = (e.pte & sv::kPteN) != 0;
    hit = e;
  }
  clock();
  return hit;
}

std::optional<TlbEntry> RtlTlb::lookup(std::uint64_t va, std::uint16_t asid) {
  return ask(true, va, asid);
}

std::optional<TlbEntry> RtlTlb::probe(std::uint64_t va, std::uint16_t asid) {
  return ask(false, va, asid);
}

void RtlTlb::fill(const TlbEntry& entry) {
  put_bits<136, 1>(top_->fill_entry_i, 1);
  put_bits<133, 3>(top_->fill_entry_i, entry.level);
  put_bits<132, 1>(top_->fill_entry_i, entry.global);
  put_bits<116, 16>(top_->fill_entry_i, entry.asid);
  put_bits<64, 52>(top_->fill_entry_i, entry.vpn);
  put_bits<0, 64>(top_->fill_entry_i, entry.pte);
  top_->fill_i = 1;
  top_->eval();
  clock();
}

void RtlTlb::flush(const FlushRequest& req) {
  put_bits<80, 2>(top_->flush_req_i, static_cast<std::uint64_t>(req.kind));
  put_bits<16, 64>(top_->flush_req_i, req.va);
  put_bits<0, 16>(top_->flush_req_i, req.asid);
  top_->flush_i = 1;
  top_->eval();
  clock();
}

}  // namespace mmusim
