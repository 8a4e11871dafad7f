#include "check.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <unistd.h>

#include "hex.h"
#include "input_error.h"
#include "layout.h"
#include "reference.h"
#include "translate_pair.h"
#include "translation_report.h"

namespace mmusim::verify::qemu {

namespace {

// Cases grouped so that each group's tables fit the table region: one QEMU run each.
std::vector<std::vector<Case>> plan(const CheckOptions& o) {
  std::vector<std::vector<Case>> batches(1);
  std::uint64_t base = kTables;
  const auto room = [&] {
    if (base + kMaxCaseBytes > kTables + kTablesBytes) {
      batches.emplace_back();
      base = kTables;
    }
  };
  for (Case& c : directed_cases(base)) {
    room();
    base = c.end;
    batches.back().push_back(std::move(c));
  }
  for (std::uint64_t s = o.first_seed; s < o.first_seed + o.seeds; ++s) {
    room();
    Case c = random_case(s, base, o.mmu.extensions);
    keep_arena_requests(c, o.mmu);
    base = c.end;
    batches.back().push_back(std::move(c));
  }
  return batches;
}

std::string what_qemu_did(const Request& r, const Outcome& o) {
  if (o.mcause != Outcome::kNoTrap &&
      !(r.ctx.kind == AccessKind::Fetch && (o.mcause == 8 || o.mcause == 9))) {
    return "trapped with mcause " + std::to_string(o.mcause) + " (" +
           sv::to_string(static_cast<sv::Cause>(o.mcause)) + "), mtval " + hex(o.tval);
  }
  switch (r.ctx.kind) {
    case AccessKind::Read: return "loaded from pa " + hex(o.loaded >> 32);
    case AccessKind::Write:
      return o.stores.size() == 1 ? "stored to pa " + hex(o.stores[0].first)
                                  : "stored to " + std::to_string(o.stores.size()) + " arena words";
    case AccessKind::Fetch: return "fetched (the ecall there trapped back)";
  }
  return "";
}

std::string describe_writes(const Writes& w) {
  std::string s = "[";
  for (const auto& [pa, value] : w) s += (s.size() > 1 ? ", " : "") + hex(pa) + "=" + hex(value);
  return s + "]";
}

// "" when QEMU did what the reference says, else what differs.
std::string disagreement(const Request& r, const Expected& e, const Outcome& o) {
  const TranslationResult& ref = e.result;
  bool same = true;
  if (ref.ok()) {
    switch (r.ctx.kind) {
      case AccessKind::Read:
        same = o.mcause == Outcome::kNoTrap && o.loaded == arena_word(ref.pa);
        break;
      case AccessKind::Write:
        same = o.mcause == Outcome::kNoTrap && o.stores == Writes{{ref.pa, kStoreValue}};
        break;
      case AccessKind::Fetch:
        same = o.mcause == (r.ctx.priv == Privilege::User ? 8u : 9u);  // the ecall at the PA
        break;
    }
  } else {
    // A page fault's mtval is the faulting VA (§3.1.16).
    same = o.mcause == static_cast<std::uint64_t>(ref.cause) && o.tval == r.va && o.stores.empty();
  }
  std::string why;
  if (!same) why = "QEMU " + what_qemu_did(r, o) + "; the reference: " + describe(ref);
  if (o.pte_writes != e.pte_writes) {
    if (!why.empty()) why += "; ";
    why += "page-table writes: QEMU " + describe_writes(o.pte_writes) + ", the reference " +
           describe_writes(e.pte_writes);
  }
  return why;
}

// The case as a translate pair: its tables, and the arena pages a pointer reaches (the
// walk reads them as PTEs).
TranslatePair write_replay(const Case& c, const std::string& prefix) {
  std::map<std::uint64_t, std::uint64_t> words = c.tables;
  for (const auto& [pa, pte] : c.tables) {
    const std::uint64_t page = sv::pte_ppn(pte) << sv::kPageShift;
    if ((pte & sv::kPteV) != 0 && !sv::pte_is_leaf(pte) && in_arena(page)) {
      for (std::uint64_t a = page; a < page + sv::kPageSize; a += 8) words[a] = arena_word(a);
    }
  }
  std::vector<TranslationRequest> requests;
  for (const Request& r : c.requests) requests.push_back({r.va, r.ctx});
  return write_translate_pair(prefix, c.name + " of the QEMU cross-check", words, c.satp, requests);
}

// Whether `program` runs: a path to an executable file, or a name found on PATH.
bool runnable(const std::string& program) {
  namespace fs = std::filesystem;
  const auto executable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) return executable(program);
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    if (end > start && executable(fs::path(dirs.substr(start, end - start)) / program)) return true;
    start = end + 1;
  }
  return false;
}

// Whether `file` is a 64-bit little-endian RISC-V ELF (what the harness must be).
bool riscv64_elf(const std::string& file) {
  unsigned char header[20] = {};
  std::ifstream in(file, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return false;
  const bool elf = header[0] == 0x7F && header[1] == 'E' && header[2] == 'L' && header[3] == 'F';
  constexpr unsigned kEmRiscv = 243;  // e_machine, little-endian at offset 18
  return elf && header[4] == 2 /* 64-bit */ && header[5] == 1 /* little-endian */ &&
         (header[18] | header[19] << 8) == kEmRiscv;
}

std::string make_workdir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mmusim-qemu-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    throw QemuError("cannot create a directory like " + pattern);
  return pattern;
}

}  // namespace

int run_check(CheckOptions o, std::ostream& out, std::ostream& err) {
  // What the options name is checked before anything runs: bad ones are bad input.
  if (!runnable(o.qemu.qemu)) {
    throw InputError("--qemu", o.qemu.qemu + ": no such program (Debian's qemu-system-misc has "
                               "qemu-system-riscv64)");
  }
  if (o.qemu.harness.empty()) {
    throw QemuError(
        "this build has no harness (install binutils-riscv64-unknown-elf and rebuild, or give "
        "--harness)");
  }
  if (!riscv64_elf(o.qemu.harness)) {
    throw InputError("--harness", o.qemu.harness + ": not a 64-bit RISC-V ELF file");
  }
  const bool temporary = o.qemu.workdir.empty();
  if (temporary) {
    o.qemu.workdir = make_workdir();
  } else {
    std::error_code ec;
    std::filesystem::create_directories(o.qemu.workdir, ec);
    if (ec) throw InputError("--keep", "cannot create " + o.qemu.workdir + ": " + ec.message());
  }
  o.qemu.extensions = o.mmu.extensions;
  const std::string version = qemu_version(o.qemu);
  const auto batches = plan(o);
  const auto start = std::chrono::steady_clock::now();
  std::size_t cases = 0, requests = 0, translated = 0, differences = 0;
  std::map<sv::Rule, std::size_t> by_rule;
  std::map<std::string, std::size_t> deviations;  // QEMU 7.2's known ones, by name
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const auto outcomes = run_batch(batches[b], o.qemu, "batch" + std::to_string(b));
    for (std::size_t i = 0; i < batches[b].size(); ++i) {
      const Case& c = batches[b][i];
      const auto expected = reference_answers(c, o.mmu);
      const auto as_qemu_7_2 = qemu_7_2_answers(c, o.mmu);
      bool replay_written = false;
      for (std::size_t k = 0; k < c.requests.size(); ++k) {
        ++requests;
        translated += expected[k].result.ok();
        ++by_rule[expected[k].result.rule];
        const std::string why = disagreement(c.requests[k], expected[k], outcomes[i][k]);
        if (why.empty()) continue;
        // Where QEMU 7.2 departs from the spec in a way later releases fixed, it must do
        // exactly what that departure predicts; anything else is a difference.
        if (!as_qemu_7_2.empty() &&
            disagreement(c.requests[k], as_qemu_7_2[k], outcomes[i][k]).empty()) {
          ++deviations[qemu_7_2_deviation(expected[k].result.rule)];
          continue;
        }
        ++differences;
        err << "qemu-check: " << c.name << ", request " << k << ": "
            << describe({c.requests[k].va, c.requests[k].ctx}, c.satp) << ": " << why << '\n';
        if (!replay_written) {
          const std::string prefix =
              o.qemu.workdir + "/case_b" + std::to_string(b) + "_" + std::to_string(i);
          err << "  replay: " << translate_command(write_replay(c, prefix), c.satp) << '\n';
          replay_written = true;
        }
      }
      ++cases;
    }
    if (o.progress) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      err << "qemu-check: QEMU run " << b + 1 << "/" << batches.size() << " done, " << requests
          << " requests, " << differences << " differences, " << static_cast<int>(s) << " s\n";
    }
  }
  out << "qemu-check: " << version << "\n"
      << "  " << cases << " cases (" << cases - o.seeds << " directed, " << o.seeds
      << " random from seed " << o.first_seed << "), " << requests << " requests in "
      << batches.size() << " QEMU run(s): " << translated << " translated, "
      << requests - translated << " faults\n"
      << "  decided by (the reference's rule):\n";
  for (const auto& [rule, n] : by_rule) out << "    " << n << "  " << sv::to_string(rule) << '\n';
  if (!deviations.empty()) {
    out << "  where QEMU 7.2 departs from the spec as known (its answer predicted, not compared "
           "with the spec's):\n";
    for (const auto& [name, n] : deviations) out << "    " << n << "  " << name << '\n';
  }
  if (differences != 0) {
    out << "  " << differences << " request(s) where QEMU and the reference differ; files in "
        << o.qemu.workdir << '\n';
    return 1;
  }
  out << "  QEMU and the reference agree on every request\n";
  if (temporary) std::filesystem::remove_all(o.qemu.workdir);
  return 0;
}

}  // namespace mmusim::verify::qemu
