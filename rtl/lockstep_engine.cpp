#include "lockstep_engine.h"

#include <iomanip>
#include <sstream>

#include "simulation_failure.h"
#include "translation_report.h"

namespace mmusim {

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
  const bool matches =
      script != nullptr && n < script->size() && !(*script)[n].write && (*script)[n].pa == pa;
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
    config.ad_update =
        config.ad_update == AdUpdate::Hardware ? AdUpdate::Fault : AdUpdate::Hardware;
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
      << ", translation " << translations_ << ": " << describe(req, rtl_.satp())
      << "\n  rtl:   " << describe(rtl) << ", PTE accesses " << describe(recorder_.log)
      << "\n  model: " << describe(model) << ", PTE accesses " << describe(replay_.log)
      << "\n  to reproduce: run the same config and seeds again (the --stats file keeps them "
         "under \"config\"); the mismatch recurs at this translation";
  throw SimulationFailure(msg.str());
}

}  // namespace mmusim
