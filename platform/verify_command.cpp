#include "verify_command.h"

#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "campaign.h"
#include "shrink.h"
#include "translate_pair.h"
#include "rtl_engine.h"
#include "input_error.h"
#include "input_file.h"
#include "interrupt.h"
#include "json_locator.h"
#include "stats.h"

namespace mmusim {

namespace {}  // namespace

std::vector<std::string> verify_geometry() {
  const MmuConfig g = verify::campaign_geometry();
  return {"mmu.tlb.l1.entries=" + std::to_string(g.l1.entries),
          "mmu.tlb.l1.ways=" + std::to_string(g.l1.ways),
          "mmu.tlb.l2.entries=" + std::to_string(g.l2.entries),
          "mmu.tlb.l2.ways=" + std::to_string(g.l2.ways),
          "mmu.walk_cache.entries=" + std::to_string(g.walk_cache_entries)};
}

namespace {

std::string replay_command(const VerifyOptions& o, std::uint64_t seed) {
  std::ostringstream s;
  s << "mmusim verify --seed " << seed << " --seeds 1 --requests " << o.requests << " --impl "
    << (o.rtl ? "rtl" : "model");
  for (const auto& set : o.sets) s << " --set " << set;
  return s.str();
}

void add_coverage_file(verify::Coverage& coverage, const std::string& path) {
  const auto doc = nlohmann::json::parse(read_input_file(path, "coverage file"), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("bins")) {
    throw InputError(path, 1, "not a coverage file (a JSON object with \"bins\")");
  }
  try {
    coverage.merge(doc["bins"]);
  } catch (const std::invalid_argument& e) {
    throw InputError(path, e.what());
  }
}

// --shrink: the fewest operations and PTEs that still fail, as files, and how to run them.
void report_shrunk(const VerifyOptions& o, const verify::Case& c, const verify::CaseFailure& f,
                   const verify::DutFactory& dut, std::ostream& err) {
  const verify::Shrunk s = verify::shrink(c, f, o.mmu, dut);
  const auto files = verify::write_shrunk(s, "shrunk_seed" + std::to_string(c.seed));
  err << "  shrunk to " << s.c.operations.size() << " operations and " << s.c.memory.size()
      << " memory words:";
  for (const auto& file : files) err << ' ' << file;
  err << '\n';
  if (!s.translate_pair) {
    err << "  (it needs more than one satp and translations, so no translate pair)\n";
    return;
  }
  std::ostringstream sets;
  for (const auto& g : verify_geometry()) sets << " --set " << g;
  for (const auto& set : o.sets) sets << " --set " << set;
  const std::string replay =
      verify::translate_command({files[0], files[1]}, s.c.operations.front().satp);
  for (const char* impl : {"model", "rtl"}) {
    err << "  " << replay << " --ad "
        << (verify::ad_policy_of(c.seed) == AdUpdate::Hardware ? "hw" : "fault") << sets.str()
        << " --set mmu.impl=" << impl << '\n';
  }
}

// --waves FILE --around N: the failing seed again, with the RTL's signals recorded for
// the N operations up to the failure (operation i starts at i ns).
void record_waves(const VerifyOptions& o, const verify::Case& c, const verify::CaseFailure& f,
                  std::ostream& err) {
  MmuConfig mmu = o.mmu;
  mmu.rtl_waves = o.waves;
  const std::uint64_t first = f.operation > o.around ? f.operation - o.around : 0;
  mmu.waves_window.from_ps = first * verify::kOperationTimePs;
  mmu.waves_window.to_ps = (f.operation + 1) * verify::kOperationTimePs;
  verify::Coverage coverage(mmu);
  verify::run_case(
      c, mmu,
      [](const MmuConfig& m, PteMemory& memory) { return std::make_unique<RtlEngine>(m, memory); },
      coverage);
  err << "  RTL waves of operations " << first << " to " << f.operation << ": " << o.waves
      << " (operation i starts at i ns; the failing one at " << f.operation << " ns)\n";
}

}  // namespace

int run_verify(const VerifyOptions& o, std::ostream& out, std::ostream& err) {
  const verify::DutFactory rtl_dut = [](const MmuConfig& mmu, PteMemory& memory) {
    return std::make_unique<RtlEngine>(mmu, memory);
  };
  verify::Coverage coverage(o.mmu);
  for (const auto& path : o.merge) add_coverage_file(coverage, path);
  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  std::uint64_t operations = 0;
  int status = 0;
  std::uint64_t n = 0;  // seeds run
  for (; n < o.seeds && interrupt::caught() == 0; ++n) {
    const std::uint64_t seed = o.first_seed + n;
    const verify::Case c = verify::generate_case(seed, o.requests, o.mmu.asid_bits);
    operations += c.operations.size();
    if (const auto failure = verify::run_case(c, o.mmu, o.rtl ? rtl_dut : nullptr, coverage)) {
      err << "mmusim: FAILED: seed " << failure->seed << ", operation " << failure->operation
          << " (" << sv::to_string(c.mode) << ", "
          << (verify::ad_policy_of(seed) == AdUpdate::Hardware ? "Svadu" : "Svade")
          << "): " << failure->what << "\n  to replay: " << replay_command(o, seed) << '\n';
      if (o.shrink) report_shrunk(o, c, *failure, o.rtl ? rtl_dut : nullptr, err);
      if (!o.waves.empty() && o.rtl) record_waves(o, c, *failure, err);
      status = 1;
      ++n;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (o.progress && now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      const double seconds = std::chrono::duration<double>(now - started).count();
      err << "\rmmusim verify: seed " << n + 1 << " of " << o.seeds << ", " << operations
          << " operations, coverage " << std::fixed << std::setprecision(1) << coverage.percent()
          << "%, " << std::setprecision(0)
          << seconds / static_cast<double>(n + 1) * static_cast<double>(o.seeds - n - 1)
          << " s left   " << std::flush;
    }
  }
  if (o.progress) err << '\n';
  const int signal = status == 0 ? interrupt::caught() : 0;
  // The seeds run, not those asked for: a campaign a signal stopped is merged as far as it got.
  nlohmann::json doc = {{"seeds", {{"first", o.first_seed}, {"count", n}}},
                        {"requests_per_seed", o.requests},
                        {"impl", o.rtl ? "rtl" : "model"},
                        {"merged", o.merge},
                        {"percent", coverage.percent()},
                        {"missed", coverage.missed()},
                        {"bins", coverage.to_json()}};
  if (!o.coverage_path.empty()) write_stats_file(o.coverage_path, doc);
  out << "mmusim verify: "
      << (status != 0 ? "FAILED" : signal != 0 ? "stopped early, passed so far" : "passed")
      << ", " << operations
      << " operations on " << (o.rtl ? "the RTL against the model" : "the model")
      << " and the model against the spec\n";
  coverage.print(out);
  if (signal != 0) {
    err << "mmusim verify: stopped by " << interrupt::name(signal) << " after " << n << " of "
        << o.seeds << " seeds, all passed";
    if (!o.coverage_path.empty()) {
      err << "; to go on: mmusim verify --seed " << o.first_seed + n << " --seeds " << o.seeds - n
          << " --merge " << o.coverage_path << " ...";
    }
    err << '\n';
    return interrupt::exit_status(signal);
  }
  return status;
}

}  // namespace mmusim
