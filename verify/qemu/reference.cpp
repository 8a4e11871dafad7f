#include "reference.h"

#include <map>
#include <optional>

#include "layout.h"
#include "reference_engine.h"

namespace mmusim::verify::qemu {

namespace {

class HarnessMemory final : public PteMemory {
 public:
  explicit HarnessMemory(std::map<std::uint64_t, std::uint64_t> tables)
      : words_(std::move(tables)) {}

  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time&) override {
    if (pa < kRamBase || pa >= kRamBase + kRamBytes) return std::nullopt;
    const auto it = words_.find(pa);
    if (it != words_.end()) return it->second;
    return in_arena(pa) ? arena_word(pa) : 0;
  }
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time&) override {
    if (pa < kRamBase || pa >= kRamBase + kRamBytes) return false;
    words_[pa] = pte;
    written_[pa] = pte;
    return true;
  }
  Writes take_writes() {
    Writes w(written_.begin(), written_.end());
    written_.clear();
    return w;
  }
  std::map<std::uint64_t, std::uint64_t>& words() { return words_; }

 private:
  std::map<std::uint64_t, std::uint64_t> words_;
  std::map<std::uint64_t, std::uint64_t> written_;
};

// The PTEs as QEMU 7.2 reads them with Svnapot or Svpbmt on: bits 60:54 left out (it
// takes the PPN from 53:10 and checks no more), PBMT = 3 of a leaf taken as PMA, and N of a
// leaf with a reserved NAPOT encoding (at level > 0, or PPN[3:0] other than 1000) left out
// until the walk is done: QEMU sets A/D first, then faults. A write keeps what was hidden.
class Qemu72View final : public PteMemory {
 public:
  explicit Qemu72View(HarnessMemory& memory) : memory_(memory) {}

  void start_request() { napot_fault_ = false; }
  bool napot_fault() const { return napot_fault_; }

  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time& delay) override {
    const auto word = memory_.read_pte(pa, delay);
    if (!word) return word;
    std::uint64_t pte = *word & ~(std::uint64_t{0x7F} << 54);
    if (sv::pte_is_leaf(pte) && sv::pte_pbmt(pte) == sv::Pbmt::Reserved) pte &= ~sv::kPtePbmt;
    // Which level a PTE is at, the view learns from the order of the walk's reads.
    const unsigned level = --level_;
    if (sv::pte_is_leaf(pte) && (pte & sv::kPteV) != 0 && (pte & sv::kPteN) != 0 &&
        !sv::napot_encoding_ok(pte, level)) {
      pte &= ~sv::kPteN;
      napot_fault_ = true;
    }
    hidden_[pa] = *word & ~pte;
    return pte;
  }
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time& delay) override {
    return memory_.write_pte(pa, pte | hidden_[pa], delay);
  }
  void start_walk(unsigned levels) { level_ = levels; }

 private:
  HarnessMemory& memory_;
  std::map<std::uint64_t, std::uint64_t> hidden_;
  unsigned level_ = 0;
  bool napot_fault_ = false;
};

TranslationResult translate_fresh(ReferenceEngine& engine, const Request& r) {
  engine.flush({mmu_regs::FlushKind::All, 0, 0});
  sc_core::sc_time delay;
  return engine.translate({r.va, r.ctx}, delay);
}

}  // namespace

std::vector<Expected> reference_answers(const Case& c, const MmuConfig& config) {
  HarnessMemory memory(c.tables);
  ReferenceEngine engine(config, memory);
  engine.write_satp(c.satp);
  std::vector<Expected> answers;
  for (const Request& r : c.requests) {
    Expected e;
    e.result = translate_fresh(engine, r);
    e.pte_writes = memory.take_writes();
    answers.push_back(std::move(e));
  }
  return answers;
}

bool qemu_7_2_departs(const MmuConfig& config) {
  return config.extensions.svnapot || config.extensions.svpbmt;
}

// The reference walking PTEs as QEMU 7.2 reads them, one request after another.
class Qemu72Walker {
 public:
  Qemu72Walker(const Case& c, const MmuConfig& config)
      : memory_(c.tables),
        view_(memory_),
        engine_(without_walk_cache(config), view_),
        levels_(sv::levels(sv::Satp::decode(c.satp).mode)) {
    engine_.write_satp(c.satp);
  }

  Expected answer(const Request& r) {
    view_.start_request();
    view_.start_walk(levels_);
    Expected e;
    e.result = translate_fresh(engine_, r);
    if (e.result.ok() && view_.napot_fault()) {
      e.result = fault(sv::page_fault_cause(r.ctx.kind), sv::Rule::NapotReserved);
    } else if (e.result.ok() && (e.result.pa < kRamBase || e.result.pa >= kRamBase + kRamBytes)) {
      // Translated where the spec faults, to no memory: the access itself faults.
      e.result = fault(sv::access_fault_cause(r.ctx.kind), sv::Rule::AccessFault);
    }
    e.pte_writes = memory_.take_writes();
    return e;
  }
  HarnessMemory& memory() { return memory_; }

 private:
  // Every walk from the root: the view counts the levels by the walk's reads.
  static MmuConfig without_walk_cache(MmuConfig config) {
    config.walk_cache_entries = 0;
    return config;
  }
  static TranslationResult fault(sv::Cause cause, sv::Rule rule) {
    TranslationResult r;
    r.cause = cause;
    r.rule = rule;
    return r;
  }
  HarnessMemory memory_;
  Qemu72View view_;
  ReferenceEngine engine_;
  unsigned levels_;
};

std::vector<Expected> qemu_7_2_answers(const Case& c, const MmuConfig& config) {
  if (!qemu_7_2_departs(config)) return {};
  Qemu72Walker qemu(c, config);
  std::vector<Expected> answers;
  for (const Request& r : c.requests) answers.push_back(qemu.answer(r));
  return answers;
}

const char* qemu_7_2_deviation(sv::Rule rule) {
  switch (rule) {
    case sv::Rule::ReservedBits: return "bits 60:54 unchecked";
    case sv::Rule::PbmtReserved: return "PBMT = 3 accepted";
    case sv::Rule::NapotReserved: return "A/D set before a reserved-NAPOT fault";
    default: return "A/D bits an earlier deviation set";
  }
}

void keep_arena_requests(Case& c, const MmuConfig& config) {
  MmuConfig spec_ad = config;
  spec_ad.ad_update = AdUpdate::Hardware;
  HarnessMemory memory(c.tables);
  ReferenceEngine engine(spec_ad, memory);
  engine.write_satp(c.satp);
  // QEMU 7.2 translates some requests the spec faults on: those must land safely too.
  std::optional<Qemu72Walker> qemu;
  if (qemu_7_2_departs(config)) qemu.emplace(c, spec_ad);
  std::vector<Request> kept;
  for (const Request& r : c.requests) {
    const auto before = memory.words();
    const auto qemu_before = qemu ? qemu->memory().words() : before;
    const TranslationResult result = translate_fresh(engine, r);
    const TranslationResult qemu_result = qemu ? qemu->answer(r).result : result;
    const bool reaches_ram = qemu_result.ok() && !in_arena(qemu_result.pa);
    if ((result.ok() && !in_arena(result.pa)) || reaches_ram) {
      memory.words() = before;  // as if it had never been made
      if (qemu) qemu->memory().words() = qemu_before;
    } else {
      kept.push_back(r);
    }
    memory.take_writes();
  }
  c.requests = std::move(kept);
}

}  // namespace mmusim::verify::qemu
