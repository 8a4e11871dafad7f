// mmusim: the command line. `mmusim` runs the embedded default scenario; `mmusim run`
// runs a config; `mmusim translate` answers translation requests against a memory image;
// `mmusim verify` runs the RTL-vs-model campaign; `mmusim qemu-check` the reference against QEMU.
// Exit status: 0 success, 1 the simulation found a failure, 2 bad usage or bad input,
// 128 + the signal when SIGINT or SIGTERM stopped a run, a campaign or a sweep early.

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <systemc>
#include <unistd.h>
#include <vector>

#include "check.h"
#include "config.h"
#include "config_command.h"
#include "did_you_mean.h"
#include "hardware_cost.h"
#include "input_error.h"
#include "interrupt.h"
#include "platform.h"
#include "stats.h"
#include "plot.h"
#include "sweep.h"
#include "translate_command.h"
#include "verify_command.h"
#include "vm_log_printer.h"

namespace mmusim {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

// A count or a seed: digits only, in lo..hi. CLI11 reads "-5" into an unsigned option as
// 2^64 - 5, which would make a campaign of 2^64 seeds, or a case too large to allocate,
// out of a typo.
CLI::Validator whole_number(std::uint64_t lo = 0, std::uint64_t hi = UINT64_MAX) {
  return CLI::Validator(
      [lo, hi](const std::string& text) {
        const bool digits = !text.empty() && text.size() <= 20 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        errno = 0;
        const std::uint64_t value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
        if (digits && errno == 0 && value >= lo && value <= hi) return std::string();
        const std::string range =
            hi == UINT64_MAX ? "" : " in " + std::to_string(lo) + ".." + std::to_string(hi);
        return "must be a whole number" + range + ", got " + text;
      },
      "");
}
const CLI::Validator kPositiveSeconds(
    [](const std::string& text) {
      char* end = nullptr;
      const double seconds = std::strtod(text.c_str(), &end);
      return end != text.c_str() && *end == '\0' && seconds > 0
                 ? std::string()
                 : "must be a number of seconds above 0, got " + text;
    },
    "");

struct WavesArgs {
  std::string path;
  std::string from;
  std::string to;
  std::string trigger = "none";
  std::string span = "10us";
  std::string marker;  // set by the rerun after a mismatch
  std::string timeline;
};

std::uint64_t time_arg(const std::string& option, const std::string& text) {
  sc_core::sc_time t;
  if (!parse_time(nlohmann::json(text), t)) {
    throw InputError(option, "expected a time such as 10us or 2.5ms, got '" + text + "'");
  }
  return static_cast<std::uint64_t>(t.value());
}

WavesOptions waves_options(const WavesArgs& args) {
  WavesOptions w;
  w.timeline = args.timeline;
  w.path = args.path;
  if (w.path.empty()) {
    if (!args.from.empty() || !args.to.empty() || args.trigger != "none") {
      throw InputError("--waves", "--waves-from, --waves-to and --waves-trigger need --waves FILE");
    }
    return w;
  }
  const std::size_t dot = w.path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : w.path.substr(dot);
  if (ext != ".fst" && ext != ".vcd") {
    throw InputError("--waves", "the file must end in .fst or .vcd, got '" + w.path + "'");
  }
  if (!args.from.empty()) w.window.from_ps = time_arg("--waves-from", args.from);
  if (!args.to.empty()) w.window.to_ps = time_arg("--waves-to", args.to);
  if (w.window.to_ps < w.window.from_ps) throw InputError("--waves-to", "ends before --waves-from");
  w.window.span_ps = time_arg("--waves-span", args.span);
  if (args.trigger == "fault") w.window.trigger = WaveWindow::Trigger::Fault;
  if (!args.marker.empty()) w.marker_ps = time_arg("--waves-marker", args.marker);
  return w;
}

// --waves-trigger mismatch: a lockstep mismatch ends the run, so the waves around it come
// from running again (the simulation is deterministic) with a window ending there.
[[noreturn]] void rerun_for_mismatch_waves(int argc, char* argv[], const WavesArgs& args,
                                           const sc_core::sc_time& when) {
  const std::uint64_t to = static_cast<std::uint64_t>(when.value());
  const std::uint64_t span = time_arg("--waves-span", args.span);
  const std::uint64_t from = to > span ? to - span : 0;
  std::vector<std::string> words(argv, argv + argc);
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "--waves-trigger") words[i + 1] = "none";
  }
  // No end: the mismatch ends the run again, after its translation is in the dump.
  words.insert(words.end(), {"--waves-from", std::to_string(from) + "ps", "--waves-marker",
                             std::to_string(to) + "ps"});
  std::cerr << "mmusim: running again to record waves from " << from << " ps up to the mismatch at "
            << to << " ps\n";
  std::vector<char*> exec_args;
  for (auto& w : words) exec_args.push_back(w.data());
  exec_args.push_back(nullptr);
  execv("/proc/self/exe", exec_args.data());
  throw std::runtime_error("cannot run mmusim again for the waves");
}

// Refuses an output path that cannot be written (a directory, a missing directory, no
// permission); leaves no file behind that was not there.
void check_writable(const char* option, const std::string& path) {
  if (std::filesystem::is_directory(path)) throw InputError(option, path + " is a directory");
  const bool existed = std::filesystem::exists(path);
  if (!std::ofstream(path, std::ios::app)) throw InputError(option, "cannot write " + path);
  if (!existed) std::filesystem::remove(path);
}

// verify and qemu-check run the MMU alone, and their cases choose some mmu keys
// themselves: a --set of any of those, or of a key outside mmu.*, would be taken and
// then ignored. `chosen`: each such key, with why.
void check_mmu_sets(const char* command, const std::vector<std::string>& sets,
                    const std::map<std::string, std::string>& chosen) {
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const std::string key = sets[i].substr(0, sets[i].find('='));
    const std::string where = "--set:" + std::to_string(i + 1);
    if (key.rfind("mmu.", 0) != 0) {
      throw InputError(where, key + ": " + command + " runs the MMU alone: only mmu.* keys apply");
    }
    if (const auto it = chosen.find(key); it != chosen.end()) {
      throw InputError(where, key + ": " + it->second);
    }
  }
}

void check_verify_sets(const std::vector<std::string>& sets) {
  const std::string by_seed = "each seed chooses it (Sv39, Sv48 and Sv57; Svadu and Svade; "
                              "Svnapot and Svpbmt in three seeds of five)";
  check_mmu_sets("verify", sets,
                 {{"mmu.mode", by_seed},
                  {"mmu.ad_update", by_seed},
                  {"mmu.svnapot", by_seed},
                  {"mmu.svpbmt", by_seed},
                  {"mmu.impl", "verify checks what --impl names"},
                  {"mmu.lockstep_injection", "verify checks what --impl names"}});
}

void check_qemu_check_sets(const std::vector<std::string>& sets) {
  check_mmu_sets("qemu-check", sets,
                 {{"mmu.mode", "each case chooses it (Sv39, Sv48 and Sv57)"},
                  {"mmu.impl", "qemu-check checks the reference model"},
                  {"mmu.lockstep_injection", "qemu-check checks the reference model"}});
}

// --max-accesses, --max-sim-time: shorthands for the sim.max_* keys, so that the config a
// run writes (--stats) replays it, bound and all.
struct RunBounds {
  std::string max_accesses;
  std::string max_sim_time;
};

int run_simulation(int argc, char* argv[], const std::string& config_file,
                   const std::vector<std::string>& sets, const std::string& stats_file, bool quiet,
                   const WavesArgs& waves_args, const std::string& log, const RunBounds& bounds,
                   const std::string& intervals_file) {
  ConfigDocument doc = load_config_document(config_file, sets);
  if (!bounds.max_accesses.empty()) {
    doc.overlay_assignment("sim.max_accesses=" + bounds.max_accesses,
                           std::string("--max-accesses"));
  }
  if (!bounds.max_sim_time.empty()) {
    doc.overlay_assignment("sim.max_time=\"" + bounds.max_sim_time + "\"",
                           std::string("--max-sim-time"));
  }
  const PlatformConfig config = make_platform_config(doc);
  const WavesOptions waves = waves_options(waves_args);
  if (!waves.path.empty() && config.mmu.impl == MmuImpl::Model && !quiet) {
    std::cerr << "mmusim: mmu.impl=model has no RTL signals; only the platform's are recorded\n";
  }
  // Find out now, not after a long run, that an output could not be written.
  if (!stats_file.empty()) check_writable("--stats", stats_file);
  if (!waves.timeline.empty()) check_writable("--timeline", waves.timeline);
  const bool intervals = config.measurement.snapshots();
  if (intervals && intervals_file.empty()) {
    const std::string key = config.measurement.interval_accesses != 0
                                ? "sim.stats_interval"
                                : "sim.stats_interval_time";
    throw InputError(doc.where(key), key + ": the snapshots need --intervals FILE to go to");
  }
  if (!intervals && !intervals_file.empty()) {
    throw InputError("--intervals", "needs sim.stats_interval or sim.stats_interval_time set");
  }
  if (!intervals_file.empty()) check_writable("--intervals", intervals_file);
  if (!waves.path.empty()) {
    const WaveFiles files = wave_files(waves.path);
    for (const std::string& out :
         {waves.path, files.rtl_save, files.platform_vcd, files.platform_save}) {
      check_writable("--waves", out);
    }
  }
  Platform top("top", config, waves);
  if (!intervals_file.empty()) top.write_intervals_to(intervals_file);
  VmLogPrinter vm_log(std::cout);
  if (log == "vm") top.set_vm_log(&vm_log);
  interrupt::catch_signals();  // Ctrl-C ends the run as a bound would, stats and all
  const RunResult result = top.run(!quiet && isatty(STDERR_FILENO));
  if (!stats_file.empty()) write_stats_file(stats_file, result.stats);
  if (!quiet) print_summary(std::cout, result.stats);
  const int signal = interrupt::caught();
  if (result.failure.empty() && signal != 0) {
    const auto accesses = result.stats["sim"]["accesses"].get<std::uint64_t>();
    std::cerr << "mmusim: stopped by " << interrupt::name(signal) << " after " << accesses
              << " measured accesses"
              << (stats_file.empty() ? "" : "; their stats in " + stats_file) << '\n';
    return interrupt::exit_status(signal);
  }
  if (!result.failure.empty()) {
    std::cerr << "mmusim: FAILED: " << result.failure << '\n';
    if (waves_args.trigger == "mismatch" && config.mmu.impl == MmuImpl::Lockstep &&
        result.failure.rfind("lockstep mismatch", 0) == 0) {
      rerun_for_mismatch_waves(argc, argv, waves_args, result.failure_time);
    }
    return kExitFailure;
  }
  return 0;
}

int translate(const std::string& satp_text, const std::string& image, const std::string& requests,
              const std::string& ad, std::vector<std::string> sets, bool explain) {
  if (!ad.empty()) sets.push_back("mmu.ad_update=" + ad);
  TranslateOptions options;
  options.mmu = make_platform_config(load_config_document("", sets)).mmu;
  options.image_path = image;
  options.requests_path = requests;
  options.satp = satp_text;
  options.explain = explain;
  run_translate(options, std::cout);
  return 0;
}

// `mmusim synth`: the hardware cost of a config's MMU (explore/hardware_cost.h).
int synthesize(const std::string& config_file, const std::vector<std::string>& sets,
               std::string cache_dir, bool as_json) {
  const MmuConfig mmu = make_platform_config(load_config_document(config_file, sets)).mmu;
  if (cache_dir.empty()) {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    cache_dir = xdg != nullptr && *xdg != '\0' ? std::string(xdg) + "/mmusim/synth"
                : home != nullptr              ? std::string(home) + "/.cache/mmusim/synth"
                                               : "mmusim-synth";
  }
  explore::hardware_key(mmu);  // what the RTL cannot build is refused before the cache is made
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (ec) throw InputError("--cache", "cannot create " + cache_dir + ": " + ec.message());
  const explore::HardwareCost cost = explore::hardware_cost(mmu, cache_dir, std::cerr);
  if (as_json) {
    std::cout << nlohmann::json{{"key", cost.key},
                                {"cells", cost.cells},
                                {"flip_flops", cost.flip_flops},
                                {"logic_depth", cost.logic_depth}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << cost.key << ": " << cost.cells << " cells, " << cost.flip_flops
              << " flip-flops, logic depth " << cost.logic_depth
              << " (Yosys generic gates; cached in " << cache_dir << ")\n";
  }
  return 0;
}

// For "The following argument was not expected: runn": the subcommand or option the
// user probably meant.
std::optional<std::string> misspelt_argument_hint(const CLI::App& app, const std::string& error) {
  const std::string marker = "not expected: ";
  const std::size_t at = error.find(marker);
  if (at == std::string::npos) return std::nullopt;
  const std::string word =
      error.substr(at + marker.size(), error.find(' ', at + marker.size()) - (at + marker.size()));
  std::vector<std::string> candidates;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (word.rfind("--", 0) != 0) {
      candidates.push_back(sub->get_name());
      continue;
    }
    for (const CLI::Option* o : sub->get_options()) {
      for (const auto& name : o->get_lnames()) candidates.push_back("--" + name);
    }
  }
  const auto hint = nearest(word, candidates);
  if (!hint) return std::nullopt;
  return "mmusim: did you mean '" + *hint + "'?";
}

int main_entry(int argc, char* argv[]) {
  CLI::App app{"mmusim: a virtual-memory system you can look inside (SystemC/TLM MMU platform)"};
  app.require_subcommand(0, 1);
  app.set_version_flag("--version", std::string("mmusim ") + MMUSIM_VERSION + " (SystemC " +
                                        sc_core::sc_release() + ")");

  std::string config_file;
  std::string stats_file;
  std::vector<std::string> run_sets;
  bool quiet = false;
  CLI::App* run = app.add_subcommand("run", "run a scenario (the default config if none given)");
  run->footer(
      "Exit status: 0 the run finished and every check passed; 1 the simulation found a "
      "failure (an integrity mismatch, a lockstep mismatch, a process killed for anything "
      "the workload did not ask for), said on stderr; 2 bad usage or bad input, as "
      "file:line: what is wrong; 130 (SIGINT) or 143 (SIGTERM) stopped early, its stats "
      "written for the accesses run.");
  run->add_option("config", config_file, "JSON config file (keys override the defaults)");
  run->add_option("--set", run_sets, "override one config key: --set mmu.tlb.l1.entries=32")
      ->allow_extra_args(false);
  run->add_option("--stats", stats_file, "write all stats as JSON to this file");
  run->add_flag("-q,--quiet", quiet, "no summary and no progress line");
  WavesArgs waves;
  run->add_option("--waves", waves.path,
                  "record waveforms: FILE.fst or FILE.vcd (RTL), FILE_platform.vcd (platform)");
  run->add_option("--waves-from", waves.from, "start recording at this simulated time (e.g. 10us)");
  run->add_option("--waves-to", waves.to, "stop recording at this simulated time");
  run->add_option("--waves-trigger", waves.trigger,
                  "record from the first fault, or up to the first lockstep mismatch")
      ->check(CLI::IsMember({"none", "fault", "mismatch"}));
  run->add_option("--waves-span", waves.span, "how much a trigger records (default 10us)");
  run->add_option("--waves-marker", waves.marker,
                  "put the save files' marker here (a time such as 62.7us)");
  run->add_option("--timeline", waves.timeline,
                  "write a timeline (FILE.json, Chrome/Perfetto trace events): processes' time "
                  "slices and VM events, walks, flushes, swap I/O, resident frames");
  std::string intervals_file;
  run->add_option("--intervals", intervals_file,
                  "write the stats snapshots sim.stats_interval asks for here, one JSON object "
                  "per line (FILE.jsonl)");
  RunBounds bounds;
  run->add_option("--max-accesses", bounds.max_accesses,
                  "end the run cleanly after this many accesses (stats: sim.cut_short)");
  run->add_option("--max-sim-time", bounds.max_sim_time,
                  "end the run cleanly at this simulated time, such as 5ms (stats: sim.cut_short)");
  std::string log;
  run->add_option("--log", log,
                  "print events as they happen: vm (page faults, evictions, "
                  "swap I/O, forks, attaches, shootdowns) on stdout")
      ->check(CLI::IsMember({"vm"}));

  std::string satp;
  std::string image;
  std::string requests;
  std::string ad;
  std::vector<std::string> translate_sets;
  CLI::App* tr = app.add_subcommand("translate", "translate requests against a memory image");
  tr->add_option("--satp", satp, "satp value in hex (MODE, ASID, root PPN)")->required();
  tr->add_option("--image", image, "memory image: lines `<pa> <value>`, hex with 0x")->required();
  tr->add_option("--requests", requests, "requests: lines `<va> <r|w|x> <u|s> [sum] [mxr]`")
      ->required();
  tr->add_option("--ad", ad, "A/D update policy (default: mmu.ad_update)")
      ->check(CLI::IsMember({"hw", "fault"}));
  tr->add_option("--set", translate_sets, "override one config key")->allow_extra_args(false);
  bool explain = false;
  tr->add_flag("--explain", explain,
               "after each answer, the walk step by step: TLB lookups, each level's PTE and "
               "bits, the rule that decided and its spec section");

  VerifyOptions verify;
  std::string verify_impl = "rtl";
  std::vector<std::string> verify_sets;
  CLI::App* vf = app.add_subcommand(
      "verify", "constrained-random campaign: the RTL against the reference model, with coverage");
  vf->add_option("--seeds", verify.seeds, "how many seeds (cases) to run (default 20)")
      ->check(whole_number());
  vf->add_option("--seed", verify.first_seed, "the first seed (default 1)")->check(whole_number());
  vf->add_option("--requests", verify.requests, "operations per seed (default 2000)")
      ->check(whole_number(1, 1000000));
  vf->add_option("--impl", verify_impl, "what is checked: rtl (against the model) or model")
      ->check(CLI::IsMember({"rtl", "model"}));
  vf->add_option("--set", verify_sets, "override an mmu key (TLB geometry, walk cache...)")
      ->allow_extra_args(false);
  vf->add_option("--coverage", verify.coverage_path,
                 "write the coverage here (default coverage.json; \"\" for none)");
  vf->add_flag("--shrink", verify.shrink,
               "on a failure, cut the seed down to the fewest operations and PTEs that still "
               "fail and write them as a translate image + requests pair");
  vf->add_option("--waves", verify.waves,
                 "on a failure, record the RTL's signals (FILE.fst) for the operations before it");
  vf->add_option("--around", verify.around, "how many operations --waves records (default 20)")
      ->check(whole_number(1, 1000000));
  vf->add_option("--merge", verify.merge, "add these coverage files to this run's")
      ->allow_extra_args(true);
  vf->footer(
      "Exit status: 0 every seed passed; 1 a seed failed (what differed, and how to replay "
      "it, on stderr); 2 bad usage or bad input; 130 (SIGINT) or 143 (SIGTERM) stopped "
      "between seeds, all passed so far, the coverage written for the seeds run and the "
      "command to go on on stderr.");

  verify::qemu::CheckOptions qemu_check;
  std::vector<std::string> qemu_sets;
  CLI::App* qc =
      app.add_subcommand("qemu-check",
                         "the reference walker against QEMU's: random and directed page tables run "
                         "on qemu-system-riscv64 and on the model, every outcome compared");
  qc->add_option("--seeds", qemu_check.seeds, "how many random cases (default 40)")
      ->check(whole_number());
  qc->add_option("--seed", qemu_check.first_seed, "the first random case's seed (default 1)")
      ->check(whole_number());
  qc->add_option("--set", qemu_sets, "override an mmu key of the reference")
      ->allow_extra_args(false);
  qc->add_option("--keep", qemu_check.qemu.workdir,
                 "write QEMU's inputs, its UART log and any replay files here (default: a "
                 "temporary directory, kept only if something differs)");
  qc->add_option("--qemu", qemu_check.qemu.qemu, "the QEMU to run (default qemu-system-riscv64)");
  qc->add_option("--harness", qemu_check.qemu.harness, "the harness ELF (default: the one built)");

  ConfigCommandOptions config_options;
  bool config_json = false;
  bool config_markdown = false;
  CLI::App* cf = app.add_subcommand(
      "config", "every config key with its default, values and meaning; or a config file");
  cf->add_option("keys", config_options.keys, "only these keys or groups (such as mmu.tlb)");
  cf->add_flag("--json", config_json,
               "print a config file that `mmusim run` loads back: the defaults, with --from and "
               "--set applied");
  cf->add_option("--from", config_options.config_file, "--json: start from this config file");
  cf->add_option("--set", config_options.sets, "--json: override one config key")
      ->allow_extra_args(false);
  cf->add_flag("--markdown", config_markdown, "the table as Markdown (the README's)");
  cf->footer("Sizes take 4096, \"64KiB\", \"1GiB\"; times take \"13.33ns\", \"1us\" "
             "(ps ns us ms s).");

  explore::SweepOptions sweep;
  CLI::App* sw = app.add_subcommand(
      "sweep", "run every point of a sweep spec, N at a time, into a results table");
  sw->add_option("spec", sweep.spec, "the sweep spec (JSON; see the README's Sweeps)");
  sw->add_option("-j,--jobs", sweep.jobs, "runs at a time (default: one per core)")
      ->check(whole_number(1, 1024));
  sw->add_option("--out", sweep.out_dir, "where results.csv and runs/ go (default: SPEC without .json)");
  sw->add_option("--timeout", sweep.timeout_seconds, "host seconds a run may take before it is killed")
      ->check(kPositiveSeconds);
  sw->add_flag("--retry-failed", sweep.retry_failed, "run failed runs again (done runs never are)");
  sw->add_option("--emit", sweep.emit,
                 "write the runs as jobs instead: parallel (DIR/jobs.txt for GNU parallel) or "
                 "slurm (DIR/sweep.sbatch, an array job)")
      ->check(CLI::IsMember({"parallel", "slurm"}));
  sw->add_option("--only", sweep.only, "run only this run id (what each emitted job does)");
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  CLI::App* merge = sw->add_subcommand("merge", "join sweep directories' results into one table");
  merge->add_option("dirs", merge_dirs, "sweep output directories")->required();
  merge->add_option("--out", merge_out, "the joined results.csv (default: the first DIR's)");
  sw->footer(
      "Exit status: 0 every run succeeded; 1 some failed (each is in results.csv with its "
      "exit status and first error line); 2 a bad spec, refused before any run starts; "
      "130 (SIGINT) or 143 (SIGTERM) stopped early: the runs it stopped record nothing and "
      "run when the same command is given again.");

  explore::PlotOptions plot;
  CLI::App* pl = app.add_subcommand("plot", "draw a sweep's results (PNG and SVG, matplotlib)");
  pl->add_option("dir", plot.dir, "the sweep's output directory")->required();
  pl->add_option("--x", plot.x, "the varied key on the x axis (default: the spec's first)");
  pl->add_option("--y", plot.y, "the column on the y axis (default: the spec's first)");
  pl->add_option("--lines", plot.lines,
                 "columns whose values make the lines (default: workload and the other keys)")
      ->allow_extra_args(false);
  pl->add_option("--kind", plot.kind,
                 "lines (the column against a varied key) or pareto (against hw.cells, with "
                 "the Pareto front: a sweep with \"hardware_cost\": true)")
      ->check(CLI::IsMember({"lines", "pareto"}));

  std::string synth_config, synth_cache;
  std::vector<std::string> synth_sets;
  bool synth_json = false;
  CLI::App* sy = app.add_subcommand(
      "synth", "the MMU RTL of a config synthesized by Yosys: cells, flip-flops, logic depth");
  sy->add_option("config", synth_config, "a config file (default: the defaults)");
  sy->add_option("--set", synth_sets, "override one config key")->allow_extra_args(false);
  sy->add_option("--cache", synth_cache,
                 "where results are kept, one per configuration (default: ~/.cache/mmusim/synth)");
  sy->add_flag("--json", synth_json, "print the result as JSON");
  sy->footer("The TLB geometries, policies, split L1, L2, walk cache, A/D policy and ASID bits "
             "of the config choose the hardware; the RTL is built for exactly that "
             "configuration. A large TLB takes Yosys minutes.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    if (const auto hint = misspelt_argument_hint(app, e.what())) std::cerr << *hint << '\n';
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (cf->parsed()) {
      if (config_json && config_markdown) throw InputError("mmusim config", "--json or --markdown, not both");
      if (!config_json && (!config_options.config_file.empty() || !config_options.sets.empty())) {
        throw InputError("mmusim config", "--from and --set go with --json");
      }
      config_options.format = config_json       ? ConfigCommandOptions::Format::Json
                              : config_markdown ? ConfigCommandOptions::Format::Markdown
                                                : ConfigCommandOptions::Format::Text;
      run_config_command(config_options, std::cout);
      return 0;
    }
    if (pl->parsed()) return explore::run_plot(plot, std::cout, std::cerr);
    if (sy->parsed()) return synthesize(synth_config, synth_sets, synth_cache, synth_json);
    if (merge->parsed()) return explore::merge_sweeps(merge_dirs, merge_out, std::cout, std::cerr);
    if (sw->parsed()) {
      if (sweep.spec.empty()) throw InputError("mmusim sweep", "which spec? mmusim sweep SPEC.json");
      sweep.mmusim = "/proc/self/exe";
      sweep.progress = isatty(STDERR_FILENO);
      return explore::run_sweep(sweep, std::cout, std::cerr);
    }
    if (tr->parsed()) return translate(satp, image, requests, ad, translate_sets, explain);
    if (vf->parsed()) {
      verify.rtl = verify_impl == "rtl";
      const std::string& w = verify.waves;
      if (!w.empty() && (w.size() < 5 || w.compare(w.size() - 4, 4, ".fst") != 0)) {
        throw InputError("--waves", "the file must end in .fst, got '" + verify.waves + "'");
      }
      verify.sets = verify_sets;
      ConfigDocument doc;
      for (const auto& g : verify_geometry()) doc.overlay_assignment(g, std::string("verify"));
      for (std::size_t i = 0; i < verify_sets.size(); ++i)
        doc.overlay_assignment(verify_sets[i], i + 1);
      // What the RTL cannot build is refused as `run` refuses it, naming the --set.
      if (verify.rtl) doc.overlay_assignment("mmu.impl=rtl", "--impl");
      verify.mmu = make_platform_config(doc).mmu;
      check_verify_sets(verify_sets);
      if (!verify.merge.empty() && !vf->count("--seeds")) verify.seeds = 0;  // merge only
      verify.progress = isatty(STDERR_FILENO);
      // Found out now, not when a long campaign ends (or fails) and has nowhere to write.
      if (!verify.coverage_path.empty()) check_writable("--coverage", verify.coverage_path);
      if (!verify.waves.empty()) check_writable("--waves", verify.waves);
      interrupt::catch_signals();  // Ctrl-C stops between seeds, the coverage kept
      return run_verify(verify, std::cout, std::cerr);
    }
    if (qc->parsed()) {
      qemu_check.mmu = make_platform_config(load_config_document("", qemu_sets)).mmu;
      check_qemu_check_sets(qemu_sets);
      qemu_check.progress = isatty(STDERR_FILENO);
      return verify::qemu::run_check(qemu_check, std::cout, std::cerr);
    }
    return run_simulation(argc, argv, config_file, run_sets, stats_file, quiet, waves, log, bounds,
                          intervals_file);
  } catch (const InputError& e) {
    std::cerr << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "mmusim: FAILED: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace
}  // namespace mmusim

// SystemC prints its banner before sc_main unless this is set; a static initialiser
// runs before libsystemc's main.
static const int kNoBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

int sc_main(int argc, char* argv[]) { return mmusim::main_entry(argc, argv); }
