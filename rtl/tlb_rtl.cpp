// Verilator headers come before anything that includes SystemC.
#include "Vtlb.h"
#include "verilated.h"

#include "tlb_rtl.h"

#include <stdexcept>

namespace mmusim {

namespace {

// Packed-struct layouts of mmu_pkg.sv (the first field is the most significant).
// tlb_entry_t, 136 bits: valid 135, level 134:133, global 132, asid 131:116, vpn 115:64, pte 63:0
// flush_req_t, 82 bits: kind 81:80, va 79:16, asid 15:0
// tlb_cfg_t, 14 bits: set_bits 13:9, ways 8:2, replacement 1:0

template <std::size_t Words>
void put(VlWide<Words>& wide, unsigned lsb, unsigned width, std::uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    const unsigned bit = lsb + i;
    const std::uint32_t mask = 1u << (bit % 32);
    if ((value >> i) & 1) {
      wide[bit / 32] |= mask;
    } else {
      wide[bit / 32] &= ~mask;
    }
  }
}

template <std::size_t Words>
std::uint64_t get(const VlWide<Words>& wide, unsigned lsb, unsigned width) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) {
    const unsigned bit = lsb + i;
    value |= std::uint64_t{(wide[bit / 32] >> (bit % 32)) & 1u} << i;
  }
  return value;
}

unsigned log2_exact(unsigned x) {
  unsigned n = 0;
  while ((1u << n) < x) ++n;
  return n;
}

std::uint16_t replacement_code(ReplacementKind kind) {
  switch (kind) {
    case ReplacementKind::Lru: return 0;
    case ReplacementKind::Plru: return 1;
    case ReplacementKind::Fifo: return 2;
    case ReplacementKind::Random: break;
  }
  throw std::invalid_argument("the RTL TLB has no random replacement");
}

}  // namespace

RtlTlb::RtlTlb(const TlbGeometry& geometry)
    : context_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Vtlb>(context_.get())) {
  const unsigned sets = geometry.entries / geometry.ways;
  if (geometry.entries > kMaxEntries || geometry.ways > kMaxWays) {
    throw std::invalid_argument("TLB geometry larger than the RTL's storage");
  }
  top_->cfg_i = static_cast<std::uint16_t>((log2_exact(sets) << 9) | (geometry.ways << 2) |
                                           replacement_code(geometry.replacement));
  // An asynchronous reset needs a falling edge on rst_ni.
  top_->clk_i = 0;
  top_->rst_ni = 1;
  top_->eval();
  top_->rst_ni = 0;
  top_->eval();
  top_->rst_ni = 1;
  top_->eval();
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
    e.level = static_cast<std::uint8_t>(get(top_->entry_o, 133, 2));
    e.global = get(top_->entry_o, 132, 1) != 0;
    e.asid = static_cast<std::uint16_t>(get(top_->entry_o, 116, 16));
    e.vpn = get(top_->entry_o, 64, 52);
    e.pte = get(top_->entry_o, 0, 64);
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
  put(top_->fill_entry_i, 135, 1, 1);
  put(top_->fill_entry_i, 133, 2, entry.level);
  put(top_->fill_entry_i, 132, 1, entry.global);
  put(top_->fill_entry_i, 116, 16, entry.asid);
  put(top_->fill_entry_i, 64, 52, entry.vpn);
  put(top_->fill_entry_i, 0, 64, entry.pte);
  top_->fill_i = 1;
  top_->eval();
  clock();
}

void RtlTlb::flush(const FlushRequest& req) {
  put(top_->flush_req_i, 80, 2, static_cast<std::uint64_t>(req.kind));
  put(top_->flush_req_i, 16, 64, req.va);
  put(top_->flush_req_i, 0, 16, req.asid);
  top_->flush_i = 1;
  top_->eval();
  clock();
}

}  // namespace mmusim
