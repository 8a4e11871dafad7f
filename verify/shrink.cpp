#include "shrink.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "hex.h"
#include "translate_pair.h"

namespace mmusim::verify {

namespace {

// The failure's kind: its first words, up to the request ("the implementation and the
// model differ", "the TLBs changed the architectural answer").
std::string kind_of(const CaseFailure& f) { return f.what.substr(0, f.what.find(" on ")); }

// Whether `c` still fails the same way.
std::optional<CaseFailure> fails(const Case& c, const MmuConfig& mmu, const DutFactory& dut,
                                 const std::string& kind) {
  Coverage coverage(mmu);
  auto f = run_case(c, mmu, dut, coverage);
  if (f && kind_of(*f) != kind) f.reset();
  return f;
}

}  // namespace

Shrunk shrink(const Case& original, const CaseFailure& failure, const MmuConfig& mmu,
              const DutFactory& dut) {
  Case c = original;
  c.operations.resize(failure.operation + 1);  // nothing after the failure matters
  CaseFailure last = failure;
  const std::string kind = kind_of(failure);
  // Operations: drop chunks while the case still fails, halving the chunk size.
  for (std::size_t chunk = c.operations.size() / 2; chunk >= 1; chunk /= 2) {
    for (std::size_t start = 0; start < c.operations.size();) {
      Case trial = c;
      const auto first = trial.operations.begin() + static_cast<std::ptrdiff_t>(start);
      trial.operations.erase(first, first + static_cast<std::ptrdiff_t>(
                                                std::min(chunk, trial.operations.size() - start)));
      if (const auto f = fails(trial, mmu, dut, kind)) {
        c = std::move(trial);
        c.operations.resize(f->operation + 1);
        last = *f;
      } else {
        start += chunk;
      }
    }
    if (chunk == 1) break;
  }
  // Edits: written into memory from the start instead, where the failure allows.
  for (std::size_t i = 0; i < c.operations.size();) {
    const Operation op = c.operations[i];
    if (op.kind != Operation::Kind::Edit) {
      ++i;
      continue;
    }
    Case trial = c;
    trial.operations.erase(trial.operations.begin() + static_cast<std::ptrdiff_t>(i));
    trial.memory[op.pte_addr] = op.value;
    if (const auto f = fails(trial, mmu, dut, kind)) {
      c = std::move(trial);
      c.operations.resize(f->operation + 1);
      last = *f;
    } else {
      ++i;
    }
  }
  // Memory: every word that is not needed reads as zero.
  std::vector<std::uint64_t> addresses;
  for (const auto& [pa, value] : c.memory) addresses.push_back(pa);
  std::sort(addresses.begin(), addresses.end());
  for (const std::uint64_t pa : addresses) {
    Case trial = c;
    trial.memory.erase(pa);
    if (const auto f = fails(trial, mmu, dut, kind)) {
      c = std::move(trial);
      last = *f;
    }
  }
  Shrunk s{c, last, false};
  std::size_t satps = 0;
  bool only_translations = true;
  for (std::size_t i = 0; i < c.operations.size(); ++i) {
    const auto kind = c.operations[i].kind;
    if (kind == Operation::Kind::Satp) ++satps;
    if (kind != Operation::Kind::Translate && !(kind == Operation::Kind::Satp && i == 0)) {
      only_translations = false;
    }
  }
  s.translate_pair = only_translations && satps == 1;
  return s;
}

std::vector<std::string> write_shrunk(const Shrunk& s, const std::string& prefix) {
  std::map<std::uint64_t, std::uint64_t> words(s.c.memory.begin(), s.c.memory.end());
  if (s.translate_pair) {
    std::vector<TranslationRequest> requests;
    for (std::size_t i = 1; i < s.c.operations.size(); ++i)
      requests.push_back(s.c.operations[i].request);
    const TranslatePair pair = write_translate_pair(
        prefix,
        "seed " + std::to_string(s.c.seed) +
            ", shrunk: the page-table words the failure needs; the last request fails",
        words, s.c.operations.front().satp, requests);
    return {pair.image, pair.requests};
  }
  const std::string ops = prefix + ".ops.txt";
  std::ofstream out(ops);
  out << "# seed " << s.c.seed << ", shrunk; memory words:\n";
  for (const auto& [pa, value] : words) out << "#   " << hex(pa) << ' ' << hex(value) << '\n';
  for (const Operation& op : s.c.operations) {
    switch (op.kind) {
      case Operation::Kind::Satp: out << "satp " << hex(op.satp) << '\n'; break;
      case Operation::Kind::Flush:
        out << "flush " << mmu_regs::to_string(op.flush.kind) << " va " << hex(op.flush.va)
            << " asid " << hex(op.flush.asid) << '\n';
        break;
      case Operation::Kind::Edit:
        out << "edit " << hex(op.pte_addr) << " = " << hex(op.value)
            << (op.flushed ? " (flushed)" : " (no flush)") << '\n';
        break;
      case Operation::Kind::Translate:
        out << "translate " << request_line(op.request) << '\n';
        break;
    }
  }
  return {ops};
}

}  // namespace mmusim::verify
