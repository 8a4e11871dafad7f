#include "lockstep_engine.h"

#include <iomanip>
#include <sstream>

#include "simulation_failure.h"

namespace mmusim {

namespace {

std::string describe(const TranslationResult& r) {
  std::ostringstream s;
  s << std::hex;
  if (r.ok()) {
    s << "pa 0x" << r.pa << " level " << std::dec << r.level << std::hex << " pte 0x" << r.pte;
  } else {
    s << "fault " << sv::to_string(r.cause);
  }
  s << (r.tlb_hit ? ", TLB hit" : ", TLB miss");
  return s.str();
}

std::string describe(const std::vector<PteAccess>& log) {
  std::ostringstream s;
  s << std::hex << "[";
  for (std::size_t i = 0; i < log.size(); ++i) {
    s << (i ? ", " : "") << (log[i].write ? "write 0x" : "read 0x") << log[i].pa << "=0x"
      << log[i].value << (log[i].ok ? "" : " (bus error)");
  }
  s << "]";
  return s.str();
}

bool same_answer(const TranslationResult& a, const TranslationResult& b) {
  return a.cause == b.cause && a.tlb_hit == b.tlb_hit &&
         (!a.ok() || (a.pa == b.pa && a.level == b.level && a.pte == b.pte));
}

}  // namespace

std::optional<std::uint64_t> LockstepEngine::Recorder::read_pte(std::uint64_t pa,
                                                                sc_core::sc_time& delay) {
  const auto value = memory_.read_pte(pa, delay);
  log.push_back({false, pa, value.value_or(0), value.has_value()});
  return value;
}

bool LockstepEngine::Recorder::write_pte(std::uint64_t pa, std::uint64_t pte,
                                         sc_core::sc_time& delay) {
  const bool ok = memory_.write_pte(pa, pte, delay);
  log.push_back({true, pa, pte, ok});
  return ok;
}

std::optional<std::uint64_t> LockstepEngine::Replay::read_pte(std::uint64_t pa, sc_core::sc_time&) {
  // The model's n-th access is answered with the RTL's n-th, if it was a read of the
  // same address; anything else is a divergence the comparison will report.
  const std::size_t n = log.size();
  const bool matches = script != nullptr && n < script->size() && !(*script)[n].write &&
                       (*script)[n].pa == pa;
  const PteAccess answer = matches ? (*script)[n] : PteAccess{false, pa, 0, false};
  log.push_back(answer);
  return answer.ok ? std::optional<std::uint64_t>(answer.value) : std::nullopt;
}

bool LockstepEngine::Replay::write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time&) {
  log.push_back({true, pa, pte, true});
  return true;
}

MmuConfig LockstepEngine::rtl_config(MmuConfig config, bool inject_ad_divergence) {
  if (inject_ad_divergence) {
    config.ad_update = config.ad_update == AdUpdate::Hardware ? AdUpdate::Fault : AdUpdate::Hardware;
  }
  return config;
}

LockstepEngine::LockstepEngine(const MmuConfig& config, PteMemory& memory,
                               bool inject_ad_divergence)
    : recorder_(memory),
      rtl_(rtl_config(config, inject_ad_divergence), recorder_),
      model_(config, replay_) {}

void LockstepEngine::write_satp(std::uint64_t satp) {
  rtl_.write_satp(satp);
  model_.write_satp(satp);
}

void LockstepEngine::flush(const FlushRequest& req) {
  rtl_.flush(req);
  model_.flush(req);
}

TranslationResult LockstepEngine::translate(const TranslationRequest& req,
                                            sc_core::sc_time& delay) {
  ++translations_;
  recorder_.log.clear();
  const TranslationResult rtl = rtl_.translate(req, delay);
  replay_.log.clear();
  replay_.script = &recorder_.log;
  sc_core::sc_time model_delay;  // time is the RTL's
  const TranslationResult model = model_.translate(req, model_delay);
  if (same_answer(rtl, model) && recorder_.log == replay_.log) return rtl;

  std::ostringstream msg;
  msg << "lockstep mismatch at simulated time " << (sc_core::sc_time_stamp() + delay)
      << ", translation " << translations_ << ": " << to_string(req.ctx.kind) << " of VA 0x"
      << std::hex << req.va << " (" << (req.ctx.priv == Privilege::User ? "U" : "S")
      << (req.ctx.sum ? ", SUM" : "") << (req.ctx.mxr ? ", MXR" : "") << ") under satp 0x"
      << rtl_.satp() << std::dec << "\n  rtl:   " << describe(rtl) << ", PTE accesses "
      << describe(recorder_.log) << "\n  model: " << describe(model) << ", PTE accesses "
      << describe(replay_.log)
      << "\n  to reproduce: run the same config and seeds again (the --stats file keeps them "
         "under \"config\"); the mismatch recurs at this translation";
  throw SimulationFailure(msg.str());
}

}  // namespace mmusim
