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

void keep_arena_requests(Case& c) {
  HarnessMemory memory(c.tables);
  ReferenceEngine engine(MmuConfig{}, memory);
  engine.write_satp(c.satp);
  std::vector<Request> kept;
  for (const Request& r : c.requests) {
    const auto before = memory.words();
    const TranslationResult result = translate_fresh(engine, r);
    if (result.ok() && !in_arena(result.pa)) {
      memory.words() = before;  // as if it had never been made
    } else {
      kept.push_back(r);
    }
    memory.take_writes();
  }
  c.requests = std::move(kept);
}

}  // namespace mmusim::verify::qemu
