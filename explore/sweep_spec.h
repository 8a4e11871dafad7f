#pragma once
// A sweep spec (`mmusim sweep SPEC.json`): a base config, overrides that every run gets,
// a grid and/or a list of points, workloads, seeds and the stats to tabulate. It expands
// into runs, each with a stable id and its whole config, and every run's config is
// checked before any run starts (InputError naming SPEC.json:line).
//
//   {
//     "base": "base.json",                        // optional, relative to the spec
//     "set": {"workload.accesses": 20000},        // optional, every run
//     "grid": {"mmu.tlb.l1.entries": [16, 32, 64]},// optional, every combination
//     "points": [{"mmu.tlb.l1.replacement": "lru"}, {"mmu.tlb.l1.replacement": "fifo"}],
//     "workloads": {"random": {"workload.type": "random"}},  // optional, name -> keys
//     "seeds": [1, 2],                            // optional (sim.seed), default [1]
//     "columns": ["tlb.l1.misses", "tlb.l1.misses/kacc"],
//     "hardware_cost": true                       // optional: the hw.* columns
//   }
//
// A column is a stats key path; "PATH/kacc" is that value per 1000 accesses. With
// hardware_cost, each run's MMU is also synthesized (hardware_cost.h, once per
// configuration) and the columns hw.cells, hw.flip_flops and hw.logic_depth are added.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mmusim::explore {

struct SweepRun {
  std::string id;                        // 12 hex digits of a hash of its assignments
  std::string workload;                  // its name, "" when the spec names none
  std::uint64_t seed = 1;
  std::vector<std::string> parameters;   // the grid/point assignments, "key=value"
  std::string config;                    // the whole config it makes, as a config file
  std::string hardware_key;              // with hardware_cost: its MMU's (hardware_cost.h)
};

// The columns hardware_cost adds, in a run's stats-like object {"hw": {...}}.
inline constexpr const char* kHardwareColumns[] = {"hw.cells", "hw.flip_flops", "hw.logic_depth"};

struct SweepSpec {
  std::string path;
  std::string base;                      // config file, "" for the defaults
  std::vector<std::string> parameter_keys;  // the keys the grid and points vary
  std::vector<std::string> columns;
  bool hardware_cost = false;
  std::vector<SweepRun> runs;
};

// Reads, expands and checks the spec (every run's config made, as `mmusim run` would).
SweepSpec read_sweep_spec(const std::string& path);

// "PATH/kacc" -> PATH (a column per 1000 accesses); any other column -> nullopt.
std::optional<std::string> per_thousand_accesses(const std::string& column);

// The value of `column` in a run's stats, as CSV text ("" when the stats lack it).
std::string column_value(const std::string& column, const nlohmann::json& stats);

}  // namespace mmusim::explore
