#include "translate_command.h"

#include <charconv>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <vector>

#include "input_error.h"
#include "input_file.h"
#include "engine_factory.h"
#include "hex.h"
#include "reference_engine.h"

namespace mmusim {

namespace {

// Physical memory as the image lists it: 64-bit words; anything not listed reads zero.
// PTE writes (hardware A/D updates) land here and carry over to later requests.
class ImageMemory final : public PteMemory {
 public:
  explicit ImageMemory(std::map<std::uint64_t, std::uint64_t> words) : words_(std::move(words)) {}
  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time&) override {
    const auto it = words_.find(pa);
    return it == words_.end() ? 0 : it->second;
  }
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time&) override {
    words_[pa] = pte;
    return true;
  }

 private:
  std::map<std::uint64_t, std::uint64_t> words_;
};

bool parse_hex(const std::string& token, bool require_prefix, std::uint64_t& out) {
  std::size_t start = 0;
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
    start = 2;
  } else if (require_prefix) {
    return false;
  }
  const char* end = token.data() + token.size();
  const auto r = std::from_chars(token.data() + start, end, out, 16);
  return start < token.size() && r.ec == std::errc() && r.ptr == end;
}

// Splits a line into whitespace-separated tokens, dropping a `#` comment.
std::vector<std::string> tokens_of(std::string line) {
  const std::size_t hash = line.find('#');
  if (hash != std::string::npos) line.resize(hash);
  std::istringstream in(line);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  return tokens;
}

std::map<std::uint64_t, std::uint64_t> read_image(const std::string& path) {
  std::ifstream in = open_input_file(path, "image file");
  std::map<std::uint64_t, std::uint64_t> words;
  std::map<std::uint64_t, std::size_t> line_of;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto t = tokens_of(line);
    if (t.empty()) continue;
    std::uint64_t pa = 0;
    std::uint64_t value = 0;
    if (t.size() != 2 || !parse_hex(t[0], true, pa) || !parse_hex(t[1], true, value)) {
      throw InputError(path, number,
                       "expected `<pa> <value>`, both hex with 0x, got '" + line + "'");
    }
    if (pa % 8 != 0)
      throw InputError(path, number, "physical address " + t[0] + " is not 8-byte aligned");
    const auto [at, fresh] = line_of.emplace(pa, number);
    if (!fresh) {
      throw InputError(path, number,
                       "physical address " + t[0] + " is given twice (also on line " +
                           std::to_string(at->second) + ")");
    }
    words[pa] = value;
  }
  return words;
}

struct Request {
  std::uint64_t va = 0;
  sv::AccessContext ctx;
};

Request parse_request(const std::string& path, std::size_t number, const std::string& line,
                      const std::vector<std::string>& t) {
  const auto bad = [&](const std::string& what) {
    return InputError(path, number, what + " in '" + line + "'");
  };
  Request r;
  if (t.size() < 3) throw bad("expected `<va> <r|w|x> <u|s> [sum] [mxr]`");
  if (!parse_hex(t[0], false, r.va)) throw bad("bad hex virtual address '" + t[0] + "'");
  if (t[1] == "r") {
    r.ctx.kind = AccessKind::Read;
  } else if (t[1] == "w") {
    r.ctx.kind = AccessKind::Write;
  } else if (t[1] == "x") {
    r.ctx.kind = AccessKind::Fetch;
  } else {
    throw bad("access must be r, w or x, not '" + t[1] + "'");
  }
  if (t[2] == "u") {
    r.ctx.priv = Privilege::User;
  } else if (t[2] == "s") {
    r.ctx.priv = Privilege::Supervisor;
  } else {
    throw bad("privilege must be u or s, not '" + t[2] + "'");
  }
  for (std::size_t i = 3; i < t.size(); ++i) {
    if (t[i] == "sum") {
      r.ctx.sum = true;
    } else if (t[i] == "mxr") {
      r.ctx.mxr = true;
    } else {
      throw bad("unknown flag '" + t[i] + "' (sum, mxr)");
    }
  }
  return r;
}

// "V R W - U - A D" and the fields beyond the flags.
std::string decode_pte(std::uint64_t pte) {
  std::string bits;
  const char names[] = "VRWXUGAD";
  for (unsigned b = 0; b < 8; ++b) {
    bits += (pte >> b & 1) ? names[b] : '-';
    bits += ' ';
  }
  std::ostringstream s;
  s << bits << "ppn 0x" << std::hex << sv::pte_ppn(pte);
  if ((pte >> 8 & 3) != 0) s << " rsw " << (pte >> 8 & 3);
  if ((pte & sv::kPteN) != 0) s << " N";
  if ((pte & sv::kPtePbmt) != 0) s << " pbmt " << (pte >> sv::kPtePbmtShift & 3);
  const std::uint64_t reserved = pte & sv::reserved_bits({true, true});
  if (reserved != 0) s << " reserved bits 60:54 = 0x" << (reserved >> 54);
  return s.str();
}

void explain(std::ostream& out, const ReferenceEngine& model, const MmuStats& before,
             const TranslationResult& r, const std::vector<WalkStep>& steps) {
  const MmuStats& after = model.stats();
  if (after.l1.lookups > before.l1.lookups) {
    out << "  L1 TLB " << (after.l1.hits > before.l1.hits ? "hit" : "miss");
    if (after.l2.lookups > before.l2.lookups) {
      out << ", L2 TLB " << (after.l2.hits > before.l2.hits ? "hit" : "miss");
    }
    out << '\n';
  }
  for (const WalkStep& step : steps) {
    if (step.from_walk_cache) {
      out << "  walk cache: hit, the level " << step.level << " pointer 0x" << std::hex << step.pte
          << std::dec << " gives the level " << step.level - 1 << " table\n";
      continue;
    }
    out << "  level " << step.level << ": PTE at " << hex(step.pte_addr) << " = " << hex(step.pte)
        << "  " << decode_pte(step.pte) << '\n';
  }
  out << "  decided: " << sv::to_string(r.rule) << " (" << sv::spec_reference(r.rule) << ")";
  if (r.ok()) {
    out << ": pa " << hex(r.pa) << ", a " << sv::size_class_name(sv::size_class(r.level, r.napot))
        << (r.napot ? " NAPOT" : "") << " page";
    if (r.pbmt() != sv::Pbmt::Pma) out << ", memory type " << sv::to_string(r.pbmt());
  } else {
    out << ": " << sv::to_string(r.cause);
  }
  out << '\n';
}

}  // namespace

void run_translate(const TranslateOptions& options, std::ostream& out) {
  std::uint64_t satp_value = 0;
  if (!parse_hex(options.satp, false, satp_value)) {
    throw InputError("--satp", "expected a hex value, got '" + options.satp + "'");
  }
  const auto satp = sv::Satp::decode(satp_value);
  if (!sv::is_supported(satp.mode)) {
    throw InputError("--satp", "MODE " + std::to_string(static_cast<unsigned>(satp.mode)) +
                                   " is not supported (0 Bare, 8 Sv39, 9 Sv48, 10 Sv57)");
  }
  const auto image = read_image(options.image_path);
  ImageMemory memory(image);
  // Parse every request before answering any, so bad input produces no partial output.
  std::vector<Request> requests;
  {
    std::ifstream in = open_input_file(options.requests_path, "requests file");
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
      const auto t = tokens_of(line);
      if (!t.empty()) requests.push_back(parse_request(options.requests_path, number, line, t));
    }
  }
  const auto engine_owner = make_engine(options.mmu, memory);
  TranslationEngine& engine = *engine_owner;
  engine.write_satp(satp_value);
  // The explanation is the reference model's, on its own copy of the image (only built
  // when asked for).
  std::optional<ImageMemory> explained_memory;
  std::optional<ReferenceEngine> model;
  std::vector<WalkStep> steps;
  if (options.explain) {
    explained_memory.emplace(image);
    model.emplace(options.mmu, *explained_memory);
    model->write_satp(satp_value);
    model->record_walk_steps(&steps);
  }
  for (const Request& r : requests) {
    sc_core::sc_time delay;
    const TranslationResult result = engine.translate({r.va, r.ctx}, delay);
    nlohmann::ordered_json line;
    line["va"] = hex(r.va);
    if (result.ok()) {
      line["pa"] = hex(result.pa);
      line["level"] = result.level;
      if (result.napot) line["napot"] = true;
      line["pte"] = hex(result.pte);
      if (result.pbmt() != sv::Pbmt::Pma) line["pbmt"] = sv::to_string(result.pbmt());
    } else {
      line["cause"] = static_cast<unsigned>(result.cause);
    }
    out << line.dump() << '\n';
    if (model) {
      const MmuStats before = model->stats();
      steps.clear();
      sc_core::sc_time d;
      const TranslationResult why = model->translate({r.va, r.ctx}, d);
      explain(out, *model, before, why, steps);
    }
  }
}

}  // namespace mmusim
