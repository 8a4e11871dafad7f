#include "translation_report.h"

#include <sstream>

namespace mmusim {

std::string describe(const TranslationRequest& req, std::uint64_t satp) {
  std::ostringstream s;
  s << to_string(req.ctx.kind) << " of VA 0x" << std::hex << req.va << " ("
    << (req.ctx.priv == Privilege::User ? "U" : "S") << (req.ctx.sum ? ", SUM" : "")
    << (req.ctx.mxr ? ", MXR" : "") << ") under satp 0x" << satp;
  return s.str();
}

std::string describe(const TranslationResult& r) {
  std::ostringstream s;
  s << std::hex;
  if (r.ok()) {
    s << "pa 0x" << r.pa << " level " << std::dec << r.level << (r.napot ? " napot" : "")
      << std::hex << " pte 0x" << r.pte;
  } else {
    s << "fault " << sv::to_string(r.cause);
  }
  s << (r.tlb_hit ? ", TLB hit" : ", TLB miss");
  if (r.rule != sv::Rule::Translated) s << ", rule " << sv::to_string(r.rule);
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
         (!a.ok() || (a.pa == b.pa && a.level == b.level && a.napot == b.napot && a.pte == b.pte));
}

}  // namespace mmusim
