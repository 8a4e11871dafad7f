// mmusim: the command line. `mmusim` runs the embedded default scenario; `mmusim run`
// runs a config; `mmusim translate` answers translation requests against a memory image.
// Exit status: 0 success, 1 the simulation found a failure, 2 bad usage or bad input.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <systemc>
#include <unistd.h>

#include "config.h"
#include "input_error.h"
#include "platform.h"
#include "stats.h"
#include "translate_command.h"

namespace mmusim {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

ConfigDocument load_document(const std::string& config_file, const std::vector<std::string>& sets) {
  ConfigDocument doc;
  if (!config_file.empty()) doc.overlay_file(config_file);
  for (std::size_t i = 0; i < sets.size(); ++i) doc.overlay_assignment(sets[i], i + 1);
  return doc;
}

int run_simulation(const std::string& config_file, const std::vector<std::string>& sets,
                   const std::string& stats_file, bool quiet) {
  const PlatformConfig config = make_platform_config(load_document(config_file, sets));
  // Find out now, not after a long run, that the stats could not be written.
  if (!stats_file.empty()) {
    const std::string probe = stats_file + ".tmp";
    if (!std::ofstream(probe)) throw InputError("--stats", "cannot write " + stats_file);
    std::remove(probe.c_str());
  }
  Platform top("top", config);
  const RunResult result = top.run(!quiet && isatty(STDERR_FILENO));
  if (!stats_file.empty()) write_stats_file(stats_file, result.stats);
  if (!quiet) print_summary(std::cout, result.stats);
  if (!result.failure.empty()) {
    std::cerr << "mmusim: FAILED: " << result.failure << '\n';
    return kExitFailure;
  }
  return 0;
}

int translate(const std::string& satp_text, const std::string& image, const std::string& requests,
              const std::string& ad, std::vector<std::string> sets) {
  if (!ad.empty()) sets.push_back("mmu.ad_update=" + ad);
  TranslateOptions options;
  options.mmu = make_platform_config(load_document("", sets)).mmu;
  options.image_path = image;
  options.requests_path = requests;
  std::size_t used = 0;
  try {
    options.satp = std::stoull(satp_text, &used, 16);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != satp_text.size()) {
    throw InputError("--satp", "expected a hex value, got '" + satp_text + "'");
  }
  run_translate(options, std::cout);
  return 0;
}

int main_entry(int argc, char* argv[]) {
  CLI::App app{"mmusim: a virtual-memory system you can look inside (SystemC/TLM MMU platform)"};
  app.require_subcommand(0, 1);

  std::string config_file;
  std::string stats_file;
  std::vector<std::string> run_sets;
  bool quiet = false;
  CLI::App* run = app.add_subcommand("run", "run a scenario (the default config if none given)");
  run->add_option("config", config_file, "JSON config file (keys override the defaults)");
  run->add_option("--set", run_sets, "override one config key: --set mmu.tlb.l1.entries=32")
      ->allow_extra_args(false);
  run->add_option("--stats", stats_file, "write all stats as JSON to this file");
  run->add_flag("-q,--quiet", quiet, "no summary and no progress line");

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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (tr->parsed()) return translate(satp, image, requests, ad, translate_sets);
    return run_simulation(config_file, run_sets, stats_file, quiet);
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
