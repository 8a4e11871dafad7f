#pragma once
// The platform's configuration: one JSON document. The defaults (every key, declared in
// config_keys.cpp) come first; a config file and `--set a.b.c=value` override keys of it. An unknown key or a bad value is an InputError naming the key and where
// it was set (`file:line`, or `--set:N` for the N-th --set).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cpu.h"
#include "dram.h"
#include "hierarchy.h"
#include "kernel.h"
#include "mmu_config.h"
#include "swap_device.h"
#include "scenario.h"
#include "workload.h"

namespace mmusim {

// Address map of the bus.
constexpr std::uint64_t kMmuRegsBase = 0x1000'0000;
constexpr std::uint64_t kSwapRegsBase = 0x1000'1000;
constexpr std::uint64_t kDramBase = 0x8000'0000;

class ConfigDocument {
 public:
  // The embedded defaults.
  ConfigDocument();
  void overlay_file(const std::string& path);
  // "key.path=value"; value is JSON if it parses as JSON, otherwise a string. The N-th
  // --set (origin "--set:N"), or a scenario's `set` line (origin "file:line").
  void overlay_assignment(const std::string& assignment, std::size_t index) {
    overlay_assignment(assignment, "--set:" + std::to_string(index));
  }
  void overlay_assignment(const std::string& assignment, const std::string& origin);

  const nlohmann::json& merged() const { return json_; }
  // The merged document with its keys in declared order: a config file that reads like
  // `mmusim config`, and loads back as it is.
  nlohmann::ordered_json in_declared_order() const;
  const nlohmann::json& at(const std::string& path) const;
  // Where a key got its value: "file:line", "--set:N" or kDefaultOrigin.
  std::string where(const std::string& path) const;
  static constexpr const char* kDefaultOrigin = "default";

 private:
  static std::string pointer(const std::string& path);  // as a JSON pointer
  void overlay(nlohmann::json& into, const nlohmann::json& from, const std::string& path,
               const std::map<std::string, std::size_t>& lines, const std::string& origin);

  nlohmann::json json_;
  std::map<std::string, std::string> origins_;
};

struct PlatformConfig {
  sv::Mode mode = sv::Mode::Sv39;
  std::uint64_t seed = 1;
  MmuConfig mmu;
  DramConfig dram;
  SwapConfig swap;
  sc_core::sc_time bus_latency;
  HierarchyConfig caches;
  CpuConfig cpu;
  MeasurementWindows measurement;  // the callbacks are the platform's
  fw::KernelConfig kernel;
  WorkloadConfig workload;
  std::shared_ptr<const Scenario> scenario;  // workload.type=scenario
  nlohmann::json document;  // the merged config, recorded with the stats
};

// Validates the document and turns it into typed configs (InputError on bad values).
PlatformConfig make_platform_config(const ConfigDocument& doc);

// The defaults, then the config file (if any), then a scenario's `set` lines (when the
// result runs a scenario), then the --set assignments.
ConfigDocument load_config_document(const std::string& config_file,
                                    const std::vector<std::string>& sets);
// The same with each assignment's own origin ("SPEC.json:12"), for tools that write them.
struct Assignment {
  std::string text;  // key.path=value
  std::string origin;
};
ConfigDocument load_config_document(const std::string& config_file,
                                    const std::vector<Assignment>& sets);

// Sizes ("64MiB", "4KiB", 4096) and times ("13.33ns", "1us"), for the config and tests.
bool parse_size(const nlohmann::json& value, std::uint64_t& bytes);
bool parse_time(const nlohmann::json& value, sc_core::sc_time& time);

}  // namespace mmusim
