#include "hardware_cost.h"

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "input_error.h"
#include "input_file.h"
#include "replacement.h"
#include "text_hash.h"

namespace mmusim::explore {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The RTL to synthesize: the .sv files of the RTL directory the build verilated, in its
// sources.txt order, and the wrapper that fixes the configuration.
std::vector<fs::path> rtl_sources() {
  const fs::path dir = MMUSIM_RTL_SOURCE_DIR;
  std::ifstream list(dir / "sources.txt");
  if (!list) throw std::runtime_error("cannot read " + (dir / "sources.txt").string());
  std::vector<fs::path> files;
  for (std::string line; std::getline(list, line);) {
    if (line.size() > 3 && line.compare(line.size() - 3, 3, ".sv") == 0)
      files.push_back(dir / line);
  }
  files.push_back(MMUSIM_SYNTH_WRAPPER);
  return files;
}

// mmu_synth's encoding of a policy (rtl/synth/mmu_synth.sv).
int policy_code(ReplacementKind kind) {
  return kind == ReplacementKind::Plru ? 1 : kind == ReplacementKind::Fifo ? 2 : 0;
}

void check_buildable(const TlbGeometry& g, const std::string& level) {
  if (g.replacement == ReplacementKind::Random) {
    throw InputError("mmu.tlb." + level + ".replacement",
                     "the RTL has no random replacement: no hardware cost for it");
  }
  if (g.ways > 64) {
    throw InputError("mmu.tlb." + level + ".ways", "the RTL TLB has at most 64 ways");
  }
}

std::string geometry_text(const TlbGeometry& g) {
  return std::to_string(g.entries) + "x" + std::to_string(g.ways) + "-" + to_string(g.replacement);
}

// The parameters of mmu_synth, as `hierarchy -chparam` arguments.
std::string chparams(const MmuConfig& mmu) {
  std::ostringstream s;
  const auto param = [&](const char* name, unsigned value) {
    s << " -chparam " << name << ' ' << value;
  };
  param("L1Entries", mmu.l1.entries);
  param("L1Ways", mmu.l1.ways);
  param("L1Repl", policy_code(mmu.l1.replacement));
  param("Split", mmu.split_l1);
  param("L2Entries", mmu.l2.entries);
  param("L2Ways", mmu.l2.entries != 0 ? mmu.l2.ways : 1);
  param("L2Repl", policy_code(mmu.l2.replacement));
  param("WcEntries", mmu.walk_cache_entries);
  param("AdFault", mmu.ad_update == AdUpdate::Fault);
  param("AsidBits", mmu.asid_bits);
  param("Svnapot", mmu.extensions.svnapot);
  param("Svpbmt", mmu.extensions.svpbmt);
  return s.str();
}

std::string yosys_script(const MmuConfig& mmu, const fs::path& stat_file,
                         const fs::path& ltp_file) {
  std::string script = "read_verilog -defer -sv -noautowire";
  for (const fs::path& file : rtl_sources()) script += " " + file.string();
  script += "\nhierarchy -check -top mmu_synth" + chparams(mmu) + "\n";
  script += "synth -flatten -noshare -top mmu_synth\n";
  script += "tee -q -o " + stat_file.string() + " stat -json\n";
  script += "tee -q -o " + ltp_file.string() + " ltp -noff\n";
  return script;
}

HardwareCost from_json(const json& j) {
  HardwareCost cost;
  cost.key = j.at("key").get<std::string>();
  cost.cells = j.at("cells").get<std::uint64_t>();
  cost.flip_flops = j.at("flip_flops").get<std::uint64_t>();
  cost.logic_depth = j.at("logic_depth").get<std::uint64_t>();
  cost.yosys_seconds = j.at("yosys_seconds").get<double>();
  return cost;
}

// Runs yosys on `script` with its log in `log`; its exit status (127: not found).
int run_yosys(const fs::path& script, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execlp("yosys", "yosys", "-s", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error("cannot start yosys: fork failed");
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string first_error(const std::string& log) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find("ERROR") != std::string::npos) return line;
  }
  return "no error in its log";
}

}  // namespace

std::string hardware_key(const MmuConfig& mmu) {
  check_buildable(mmu.l1, "l1");
  if (mmu.l2.entries != 0) check_buildable(mmu.l2, "l2");
  if (mmu.walk_cache_entries > 127) {
    throw InputError("mmu.walk_cache.entries", "the RTL walk cache has at most 127 entries");
  }
  // The RTL is read once per process: a sweep asks for a key per run.
  static const std::string rtl_hash = [] {
    TextHash sources;
    for (const fs::path& file : rtl_sources()) sources.add(read_own_file(file));
    return sources.hex12();
  }();
  TextHash rtl;
  rtl.add(rtl_hash);
  rtl.add(yosys_script(mmu, "stat", "ltp"));
  std::string key = "l1-" + geometry_text(mmu.l1) + (mmu.split_l1 ? "-split" : "");
  key += "_l2-" + (mmu.l2.entries != 0 ? geometry_text(mmu.l2) : std::string("none"));
  key += "_wc-" + std::to_string(mmu.walk_cache_entries);
  key += std::string("_ad-") + (mmu.ad_update == AdUpdate::Fault ? "fault" : "hw");
  key += "_asid-" + std::to_string(mmu.asid_bits);
  return key + "_" + rtl.hex12();
}

std::optional<HardwareCost> cached_hardware_cost(const std::string& cache_dir,
                                                 const std::string& key) {
  const fs::path entry = fs::path(cache_dir) / (key + ".json");
  if (!fs::exists(entry)) return std::nullopt;
  const json j = json::parse(read_own_file(entry), nullptr, false);
  if (j.is_discarded()) return std::nullopt;  // a damaged entry is made again
  return from_json(j);
}

HardwareCost hardware_cost(const MmuConfig& mmu, const std::string& cache_dir,
                           std::ostream& progress) {
  const std::string key = hardware_key(mmu);
  if (const auto cached = cached_hardware_cost(cache_dir, key)) return *cached;

  fs::create_directories(cache_dir);
  // Work files are this process's own: several sweeps (or hosts) may share the cache.
  const fs::path work = fs::path(cache_dir) / (key + ".work." + std::to_string(getpid()));
  fs::create_directories(work);
  const fs::path script = work / "synth.ys", log = work / "yosys.log";
  const fs::path stat_file = work / "stat.json", ltp_file = work / "ltp.txt";
  std::ofstream(script) << yosys_script(mmu, stat_file, ltp_file);
  progress << "mmusim synth: yosys on " << key << " (log: " << log.string() << ")\n";
  const unsigned entries =
      mmu.l1.entries * (mmu.split_l1 ? 2 : 1) + mmu.l2.entries + mmu.walk_cache_entries;
  if (entries > 64) {
    progress << "mmusim synth: " << entries << " TLB and walk-cache entries: this may take "
             << "Yosys long and much memory (16 entries: about 80 s and 1.2 GB, growing faster "
             << "than the entries)\n";
  }
  progress << std::flush;
  const auto start = std::chrono::steady_clock::now();
  const int status = run_yosys(script, log);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (status == 127) {
    throw std::runtime_error("yosys was not found: install Debian's yosys (./setup.sh does)");
  }
  if (status != 0) {
    throw std::runtime_error("yosys failed (exit " + std::to_string(status) + ") on " + key + ": " +
                             first_error(read_own_file(log)) + " (log: " + log.string() + ")");
  }
  const json stat = json::parse(read_own_file(stat_file), nullptr, false);
  std::smatch depth;
  const std::string ltp = read_own_file(ltp_file);
  if (stat.is_discarded() || !std::regex_search(ltp, depth, std::regex(R"(\(length=(\d+)\))"))) {
    throw std::runtime_error("yosys gave no statistics for " + key + " (log: " + log.string() +
                             ")");
  }
  const json& top = stat.at("modules").at("\\mmu_synth");
  HardwareCost cost;
  cost.key = key;
  cost.cells = top.at("num_cells").get<std::uint64_t>();
  for (const auto& [type, count] : top.at("num_cells_by_type").items()) {
    if (type.find("DFF") != std::string::npos) cost.flip_flops += count.get<std::uint64_t>();
  }
  cost.logic_depth = std::stoull(depth[1]);
  cost.yosys_seconds = static_cast<double>(static_cast<long>(seconds * 10)) / 10;
  const json entry = {{"key", key},
                      {"cells", cost.cells},
                      {"flip_flops", cost.flip_flops},
                      {"logic_depth", cost.logic_depth},
                      {"yosys_seconds", cost.yosys_seconds},
                      {"cells_by_type", top.at("num_cells_by_type")},
                      {"yosys", stat.value("creator", "")}};
  // Written whole, then renamed: a reader never sees half an entry.
  const fs::path partial = work / "entry.json";
  std::ofstream(partial) << entry.dump(2) << '\n';
  fs::rename(partial, fs::path(cache_dir) / (key + ".json"));
  fs::remove_all(work);
  return cost;
}

}  // namespace mmusim::explore
