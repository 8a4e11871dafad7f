// Verilator headers come before anything that includes SystemC.
#include "Vmmu_top.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include "rtl_engine.h"

#include <algorithm>
#include <sstream>

#include "packed_bits.h"
#include "reset.h"
#include "simulation_failure.h"
#include "tlb_cfg.h"

namespace mmusim {

namespace {

using rtl::get_bits;
using rtl::put_bits;

// Packed-struct layouts of mmu_pkg.sv (the first field is the most significant).
// xlate_req_t, 69 bits: va 68:5, kind 4:3, user 2, sum 1, mxr 0
// xlate_rsp_t, 143 bits: cause 142:139, pa 138:75, level 74:72, pte 71:8, l1_lookup 7,
//   l1_hit 6, l2_lookup 5, l2_hit 4, walked 3, wc_lookup 2, wc_hit 1, pte_written 0
// flush_req_t, 82 bits: kind 81:80, va 79:16, asid 15:0
constexpr unsigned kMaxCyclesPerTranslation = 10000;

std::uint64_t access_code(AccessKind kind) {
  return kind == AccessKind::Write ? 1 : kind == AccessKind::Fetch ? 2 : 0;
}

}  // namespace

RtlEngine::RtlEngine(const MmuConfig& config, PteMemory& memory)
    : config_(config),
      memory_(memory),
      context_(std::make_unique<VerilatedContext>()),
      top_(nullptr),
      asid_mask_(sv::asid_mask(config.asid_bits)),
      window_(config.waves_window) {
  // Tracing must be allowed before the model exists; when off it costs nothing.
  if (!config.rtl_waves.empty()) context_->traceEverOn(true);
  top_ = std::make_unique<Vmmu_top>(context_.get());
  if (!config.rtl_waves.empty()) {
    waves_ = std::make_unique<VerilatedFstC>();
    top_->trace(waves_.get(), 99);
    waves_->open(config.rtl_waves.c_str());
    window_.arm();
  }
  top_->l1_cfg_i = rtl::tlb_cfg_bits(config.l1, rtl::kL1MaxEntries);
  top_->split_i = config.split_l1;
  top_->l2_en_i = config.l2.entries != 0;
  top_->l2_cfg_i =
      config.l2.entries != 0 ? rtl::tlb_cfg_bits(config.l2, rtl::kL2MaxEntries) : top_->l1_cfg_i;
  if (config.walk_cache_entries > rtl::kMaxWalkCacheEntries) {
    throw std::invalid_argument("walk cache larger than the RTL's storage");
  }
  top_->wc_entries_i = static_cast<std::uint8_t>(config.walk_cache_entries);
  top_->ad_fault_i = config.ad_update == AdUpdate::Fault;
  top_->svnapot_i = config.extensions.svnapot;
  top_->svpbmt_i = config.extensions.svpbmt;
  top_->asid_mask_i = static_cast<std::uint16_t>(asid_mask_);
  stats_.split_l1 = config.split_l1;
  stats_.has_l2 = config.l2.entries != 0;
  stats_.has_walk_cache = config.walk_cache_entries != 0;
  rtl::reset(*top_);
}

RtlEngine::~RtlEngine() {
  finish();
  top_->final();
}

void RtlEngine::finish() {
  if (waves_) waves_->close();
}

void RtlEngine::dump() {
  if (waves_ && window_.open(wave_time_)) waves_->dump(wave_time_);
  ++wave_time_;
}

// One clock cycle: the rest of the current cycle with the inputs as set (clock low),
// then the rising edge. Outputs then describe the new cycle.
void RtlEngine::tick() {
  top_->clk_i = 0;
  top_->eval();
  dump();
  top_->clk_i = 1;
  top_->eval();
  dump();
}

// Writes what the last translation decided (a fill, a replacement update) and leaves
// the RTL idle, before anything that must not meet those writes at the same edge.
void RtlEngine::settle() {
  top_->req_valid_i = 0;
  top_->mem_gnt_i = 0;
  top_->mem_rvalid_i = 0;
  tick();
}

void RtlEngine::write_satp(std::uint64_t raw) {
  const auto decoded = sv::Satp::decode(raw);
  // §4.1.11: a write with an unsupported MODE has no effect at all.
  if (!sv::is_supported(decoded.mode)) return;
  settle();  // a pending fill carries the old ASID
  top_->satp_i = raw;
  satp_ = decoded;  // what a read of satp returns: the ASID bits the RTL keeps
  satp_.asid &= asid_mask_;
}

void RtlEngine::flush(const FlushRequest& req) {
  ++stats_.flushes;
  put_bits<80, 2>(top_->flush_req_i, static_cast<std::uint64_t>(req.kind));
  put_bits<16, 64>(top_->flush_req_i, req.va);
  put_bits<0, 16>(top_->flush_req_i, req.asid);
  settle();
  top_->flush_i = 1;
  tick();
  top_->flush_i = 0;
  tick();  // mmu_top registers the pulse: the TLBs and the walker flush at this edge
}

TranslationResult RtlEngine::translate(const TranslationRequest& req, sc_core::sc_time& delay) {
  ++stats_.translations;
  put_bits<5, 64>(top_->req_i, req.va);
  put_bits<3, 2>(top_->req_i, access_code(req.ctx.kind));
  put_bits<2, 1>(top_->req_i, req.ctx.priv == Privilege::User);
  put_bits<1, 1>(top_->req_i, req.ctx.sum);
  put_bits<0, 1>(top_->req_i, req.ctx.mxr);
  top_->req_valid_i = 1;
  std::uint64_t now_ps = 0;  // only needed for waveforms
  if (waves_) {
    now_ps = static_cast<std::uint64_t>((sc_core::sc_time_stamp() + delay).value());
    wave_time_ = std::max(wave_time_, now_ps);
  }

  sc_core::sc_time walk_time;  // PTE traffic of this translation
  // The walker's memory port: a request seen in a cycle is served over TLM at once and
  // granted in that cycle; its response arrives in the next one.
  bool grant = false;
  bool respond = false;
  std::uint64_t data = 0;
  bool error = false;
  for (unsigned cycle = 0; cycle < kMaxCyclesPerTranslation; ++cycle) {
    top_->mem_gnt_i = grant;
    top_->mem_rvalid_i = respond;
    top_->mem_rdata_i = data;
    top_->mem_err_i = error;
    respond = grant;
    grant = false;
    tick();
    if (top_->rsp_valid_o) break;
    if (top_->mem_req_o) {
      sc_core::sc_time access_time;
      if (top_->mem_we_o) {
        error = !memory_.write_pte(top_->mem_addr_o, top_->mem_wdata_o, access_time);
        data = 0;
      } else {
        const auto value = memory_.read_pte(top_->mem_addr_o, access_time);
        error = !value.has_value();
        data = value.value_or(0);
      }
      walk_time += access_time;
      grant = true;
    }
  }
  if (!top_->rsp_valid_o) {
    std::ostringstream msg;
    msg << "RTL mmu did not answer the translation of VA 0x" << std::hex << req.va << " within "
        << std::dec << kMaxCyclesPerTranslation << " cycles";
    throw SimulationFailure(msg.str());
  }

  const auto& rsp = top_->rsp_o;
  TranslationResult result;
  result.cause = static_cast<sv::Cause>(get_bits<139, 4>(rsp));
  result.pa = get_bits<75, 64>(rsp);
  result.level = static_cast<unsigned>(get_bits<72, 3>(rsp));
  result.pte = get_bits<8, 64>(rsp);
  result.napot = result.ok() && (result.pte & sv::kPteN) != 0;  // no other leaf has N set
  const bool l1_lookup = get_bits<7, 1>(rsp) != 0;
  const bool l1_hit = get_bits<6, 1>(rsp) != 0;
  const bool l2_lookup = get_bits<5, 1>(rsp) != 0;
  const bool l2_hit = get_bits<4, 1>(rsp) != 0;
  const bool walked = get_bits<3, 1>(rsp) != 0;
  const bool wc_lookup = get_bits<2, 1>(rsp) != 0;
  const bool wc_hit = get_bits<1, 1>(rsp) != 0;
  const bool wrote_pte = get_bits<0, 1>(rsp) != 0;
  result.tlb_hit = l1_hit || l2_hit;
  result.walk_cache_hit = walked && wc_hit;
  // The fill or replacement update this answer decided is written at the next edge,
  // which also takes the next request.
  top_->req_valid_i = 0;

  // The same accounting, and the same time, as the reference engine.
  if (l1_lookup) {
    delay += config_.l1_latency;
    stats_.l1.record(l1_hit);
    if (config_.split_l1) {
      (req.ctx.kind == AccessKind::Fetch ? stats_.l1i : stats_.l1d).record(l1_hit);
    }
  }
  if (l2_lookup) {
    delay += config_.l2_latency;
    stats_.l2.record(l2_hit);
  }
  if (walked) {
    ++stats_.walks;
    if (wc_lookup) {
      walk_time += config_.walk_cache_latency;
      stats_.walk_cache.record(wc_hit);
    }
    if (wrote_pte) ++stats_.pte_writes;
    stats_.walk_latency.record(walk_time);
    delay += walk_time;
  }
  if (!result.ok()) {
    ++stats_.faults_by_cause[static_cast<unsigned>(result.cause)];
    if (waves_) window_.fault(now_ps);
  }
  return result;
}

}  // namespace mmusim
