#include "mmu.h"

#include <algorithm>

#include "mem_attr.h"
#include "register_access.h"

namespace mmusim {

Mmu::Mmu(const sc_core::sc_module_name& name, const MmuConfig& config,
         const EngineFactory& make_engine)
    : sc_core::sc_module(name),
      engine_(make_engine(config, static_cast<PteMemory&>(*this))),
      walks_(engine_->stats().walk_latency) {
  // Every PTE access carries the tag: attached once, not per access (two library calls).
  pte_trans_.set_extension(&pte_tag_);
}

// A payload's destructor free()s (deletes) what is attached, and the tag is a member.
Mmu::~Mmu() { pte_trans_.clear_extension(&pte_tag_); }

void Mmu::translate_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  MemAttr* attr = nullptr;
  trans.get_extension(attr);
  if (attr == nullptr) {
    SC_REPORT_ERROR(name(), "access without a MemAttr extension");
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  TranslationRequest req;
  req.va = trans.get_address();
  req.ctx = attr->ctx;
  // Only the activity trace needs the time of issue (sc_time_stamp() is not free).
  const sc_core::sc_time issued =
      trace_ != nullptr ? sc_core::sc_time_stamp() + delay : sc_core::SC_ZERO_TIME;
  // The request goes to the trace before the engine sees it: a checker in the engine
  // may end the run there, and the waves must show what it stopped on.
  if (trace_ != nullptr) record_request(issued, req);
  const sc_core::sc_time before = delay;
  const std::uint64_t walks_before = walks_.count, walk_ps_before = walks_.total_ps;
  walk_served_by_ = 0;
  const TranslationResult result = engine_->translate(req, delay);
  path_.translation_ps += static_cast<std::uint64_t>((delay - before).value());
  if (result.tlb_hit && result.ok()) {
    ++path_.tlb_hits_by_size[sv::size_class(result.level, result.napot)];
  }
  if (walks_.count != walks_before) {
    AccessPathStats::BySource& source = path_.walks_by_source[walk_served_by_];
    ++source.walks;
    source.total_ps += walks_.total_ps - walk_ps_before;
  }
  if (trace_ != nullptr) record_result(issued, sc_core::sc_time_stamp() + delay, req, result);
  if (!result.ok()) {
    raise_fault(result.cause, req.va);
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  trans.set_address(result.pa);
  const sc_core::sc_time translated = delay;
  mem_initiator->b_transport(trans, delay);
  path_.memory_ps += static_cast<std::uint64_t>((delay - translated).value());
  if (!trans.is_response_ok()) raise_fault(sv::access_fault_cause(req.ctx.kind), req.va);
  trans.set_address(req.va);
}

// Debug accesses from the cpu side are not translated (that would change TLB state);
// a debugger reads physical memory through the bus instead.
unsigned int Mmu::translate_debug(tlm::tlm_generic_payload& trans) {
  trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  return 0;
}

void Mmu::record_request(const sc_core::sc_time& issued, const TranslationRequest& req) {
  using S = ActivityTrace::Signal;
  const auto t = static_cast<std::uint64_t>(issued.value());  // ps: the resolution SystemC runs at
  trace_->change(t, S::TranslationVa, req.va);
  trace_->change(t, S::AccessKind, static_cast<std::uint64_t>(req.ctx.kind));
  trace_->change(t, S::Translation, ++translations_traced_ & 1);
}

void Mmu::record_result(const sc_core::sc_time& issued, const sc_core::sc_time& finished,
                        const TranslationRequest& req, const TranslationResult& result) {
  using S = ActivityTrace::Signal;
  const auto t = static_cast<std::uint64_t>(issued.value());
  // A TLB miss is a walk, but for Bare mode (no TLB, no walk; an engine that does not
  // name the rule still answers it with no PTE) and a non-canonical VA (refused first).
  const bool walked = !result.tlb_hit && result.rule != sv::Rule::Bare &&
                      result.rule != sv::Rule::NonCanonical && !(result.ok() && result.pte == 0);
  if (walked) {
    trace_->walk(t, static_cast<std::uint64_t>((finished - issued).value()), req.va, result.level,
                 result.walk_cache_hit, result.ok() ? "translated" : sv::to_string(result.cause));
  }
  // A fault trigger opens the window here; the request's values at t are its first.
  if (!result.ok()) trace_->window().fault(t);
  trace_->change(t, S::TranslationPa, result.pa);
  trace_->change(t, S::FaultCause, static_cast<std::uint64_t>(result.cause));
  trace_->change(t, S::TlbHit, result.tlb_hit);
  if (!result.ok()) trace_->change(t, S::MmuIrq, 1);
}

void Mmu::raise_fault(sv::Cause cause, std::uint64_t va) {
  fault_cause_ = static_cast<std::uint64_t>(cause);
  fault_va_ = va;
  irq_pending_ = true;
  irq.write(true);
}

std::optional<std::uint64_t> Mmu::read_pte(std::uint64_t pa, sc_core::sc_time& delay) {
  std::uint64_t value = 0;
  if (!pte_transport(tlm::TLM_READ_COMMAND, pa, value, delay)) return std::nullopt;
  return value;
}

bool Mmu::write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) {
  return pte_transport(tlm::TLM_WRITE_COMMAND, pa, pte, delay);
}

bool Mmu::pte_transport(tlm::tlm_command cmd, std::uint64_t pa, std::uint64_t& value,
                        sc_core::sc_time& delay) {
  tlm::tlm_generic_payload& trans = pte_trans_;
  trans.set_command(cmd);
  trans.set_address(pa);
  trans.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  trans.set_data_length(sizeof value);
  trans.set_streaming_width(sizeof value);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  pte_tag_.served_by = PteTraffic::kMemory;
  walk_initiator->b_transport(trans, delay);
  walk_served_by_ = std::max(walk_served_by_, pte_tag_.served_by);
  return trans.is_response_ok();
}

void Mmu::register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  serve_register_access(
      trans, mmu_regs::kBlockSize, [this](std::uint64_t offset) { return read_register(offset); },
      [this, &delay](std::uint64_t offset, std::uint64_t value) {
        write_register(offset, value, delay);
      });
}

unsigned int Mmu::register_debug(tlm::tlm_generic_payload& trans) {
  return refuse_register_debug(trans);
}

std::uint64_t Mmu::read_register(std::uint64_t offset) const {
  namespace r = mmu_regs;
  const MmuStats& s = engine_->stats();
  switch (offset) {
    case r::kSatp: return engine_->satp();
    case r::kFaultCause: return fault_cause_;
    case r::kFaultVa: return fault_va_;
    case r::kFlushVa: return flush_va_;
    case r::kFlushAsid: return flush_asid_;
    case r::kIrqStatus: return irq_pending_ ? 1 : 0;
    case r::kTranslations: return s.translations;
    case r::kTlbHits: return s.l1.hits;
    case r::kTlbMisses: return s.l1.misses;
    case r::kWalks: return s.walks;
    case r::kFaults: return s.total_faults();
    default: return 0;
  }
}

// SFENCE.VMA and Svinval's commands (models/mmu/README.md). An invalidation takes effect
// at once: the engines answer one access at a time, so none is in flight to order.
void Mmu::flush_command(std::uint64_t command, const sc_core::sc_time& delay) {
  namespace r = mmu_regs;
  constexpr auto kForms = static_cast<std::uint64_t>(r::FlushKind::VaAsid) + 1;
  if (command == r::kSfenceWInval) ++path_.sfence_w_inval;
  if (command == r::kSfenceInvalIr) ++path_.sfence_inval_ir;
  const bool sinval = command >= r::kSinvalVma && command < r::kSinvalVma + kForms;
  if (command >= kForms && !sinval) return;
  if (sinval) ++path_.sinval_vma;
  const auto kind = static_cast<r::FlushKind>(sinval ? command - r::kSinvalVma : command);
  if (trace_ != nullptr) {
    trace_->flush(static_cast<std::uint64_t>((sc_core::sc_time_stamp() + delay).value()),
                  r::to_string(kind));
  }
  engine_->flush({kind, flush_va_, static_cast<std::uint16_t>(flush_asid_)});
}

void Mmu::write_register(std::uint64_t offset, std::uint64_t value, const sc_core::sc_time& delay) {
  namespace r = mmu_regs;
  switch (offset) {
    case r::kSatp: engine_->write_satp(value); break;
    case r::kFlushVa: flush_va_ = value; break;
    case r::kFlushAsid: flush_asid_ = value & 0xFFFF; break;
    case r::kFlushCmd: flush_command(value, delay); break;
    case r::kIrqAck:
      if ((value & 1) != 0) {
        irq_pending_ = false;
        irq.write(false);
        if (trace_ != nullptr) {
          trace_->change(static_cast<std::uint64_t>((sc_core::sc_time_stamp() + delay).value()),
                         ActivityTrace::Signal::MmuIrq, 0);
        }
      }
      break;
    default: break;  // read-only and unused offsets ignore writes
  }
}

}  // namespace mmusim
