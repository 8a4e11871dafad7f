#include "sweep_spec.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config.h"
#include "config_keys.h"
#include "did_you_mean.h"
#include "input_error.h"
#include "hardware_cost.h"
#include "input_file.h"
#include "json_locator.h"
#include "text_hash.h"

namespace mmusim::explore {

namespace {

// Ordered: the grid's keys keep the order the spec gives them (the first is a plot's x).
using json = nlohmann::ordered_json;
namespace fs = std::filesystem;

// Where each part of the spec is, for errors that point into it.
class SpecText {
 public:
  SpecText(std::string path, const std::string& text)
      : path_(std::move(path)), lines_(locate_keys(text).lines) {}
  std::string at(const std::string& key_path) const {
    const auto it = lines_.find(key_path);
    return it == lines_.end() ? path_ : path_ + ":" + std::to_string(it->second);
  }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& key_path, const std::string& what) const {
    throw InputError(at(key_path), what);
  }

 private:
  std::string path_;
  std::map<std::string, std::size_t> lines_;
};

// An object of config keys -> assignments, each keyed config key checked to exist. A file
// the spec names (a key whose unit is "file") is relative to the spec, as its base is; the
// assignment holds it made absolute, so that a run's config replays from any directory.
std::vector<Assignment> assignments(const json& object, const std::string& where,
                                    const SpecText& spec) {
  if (!object.is_object()) spec.fail(where, "'" + where + "' must be an object of config keys");
  std::vector<Assignment> out;
  for (const auto& [key, value] : object.items()) {
    const std::string at = where + "." + key;
    const ConfigKey* declared = find_config_key(key);
    if (declared == nullptr) {
      const auto hint = nearest_config_key(key);
      spec.fail(at, "unknown config key '" + key + "'" +
                        (hint ? " (did you mean '" + *hint + "'?)" : ""));
    }
    json given = value;
    if (declared->unit == "file" && given.is_string() && !given.get<std::string>().empty() &&
        given.get<std::string>()[0] != '/') {
      const fs::path spec_dir = fs::absolute(spec.path()).parent_path();
      given = (spec_dir / given.get<std::string>()).lexically_normal().string();
    }
    out.push_back({key + "=" + given.dump(), spec.at(at)});
  }
  return out;
}

// Runs one spec may make. Expanding and checking a run takes about 0.25 ms and 5 KB here,
// so the largest sweep is ready in half a minute; a grid of a few long lists multiplies
// past what memory holds (100 values of four keys: 10^8 runs) and is refused instead.
constexpr std::size_t kMaxRuns = 100000;

// Refuses, at `where`, a spec that would make `runs` x `factor` runs.
void check_run_count(std::size_t runs, std::size_t factor, const std::string& where,
                     const SpecText& spec) {
  if (factor != 0 && runs > kMaxRuns / factor) {
    spec.fail(where, "the spec makes " + std::to_string(runs * factor) +
                         " runs or more, past the " + std::to_string(kMaxRuns) +
                         " one sweep takes: split it into several specs");
  }
}

std::string run_id(const std::string& base_text, const std::vector<Assignment>& sets) {
  TextHash hash;
  hash.add(base_text);
  for (const Assignment& a : sets) hash.add(a.text);
  return hash.hex12();
}

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  const std::string text = read_input_file(path, "sweep spec");
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw InputError(path, 1, "not a sweep spec: a JSON object (see mmusim sweep --help)");
  }
  const SpecText spec(path, text);
  static const std::vector<std::string> kSpecKeys = {
      "base", "set", "grid", "points", "workloads", "seeds", "columns", "hardware_cost"};
  for (const auto& [key, value] : doc.items()) {
    if (std::find(kSpecKeys.begin(), kSpecKeys.end(), key) == kSpecKeys.end()) {
      const auto hint = nearest(key, kSpecKeys);
      spec.fail(key, "unknown sweep key '" + key + "'" +
                         (hint ? " (did you mean '" + *hint + "'?)" : ""));
    }
  }

  SweepSpec out;
  out.path = path;
  std::string base_text;
  if (doc.contains("base")) {
    if (!doc["base"].is_string()) spec.fail("base", "'base' must be a config file's path");
    std::string base = doc["base"].get<std::string>();
    const std::size_t slash = path.rfind('/');
    if (!base.empty() && base[0] != '/' && slash != std::string::npos) {
      base = path.substr(0, slash + 1) + base;  // relative to the spec
    }
    out.base = base;
    base_text = read_input_file(base, "base config");
  }
  const std::vector<Assignment> common =
      doc.contains("set") ? assignments(doc["set"], "set", spec) : std::vector<Assignment>{};

  // The grid's combinations, each crossed with each point.
  std::vector<std::vector<Assignment>> combos(1);
  if (doc.contains("grid")) {
    const std::vector<Assignment> keys = assignments(doc["grid"], "grid", spec);
    if (doc["grid"].empty()) spec.fail("grid", "the grid is empty");
    for (const auto& [key, values] : doc["grid"].items()) {
      if (!values.is_array() || values.empty()) {
        spec.fail("grid." + key, "grid." + key + " must be a non-empty list of values");
      }
      out.parameter_keys.push_back(key);
      check_run_count(combos.size(), values.size(), "grid." + key, spec);
      std::vector<std::vector<Assignment>> next;
      for (const auto& combo : combos) {
        for (const json& v : values) {
          auto more = combo;
          more.push_back({key + "=" + v.dump(), spec.at("grid." + key)});
          next.push_back(std::move(more));
        }
      }
      combos = std::move(next);
    }
  }
  if (doc.contains("points")) {
    if (!doc["points"].is_array() || doc["points"].empty()) {
      spec.fail("points", "'points' must be a non-empty list of objects of config keys");
    }
    check_run_count(combos.size(), doc["points"].size(), "points", spec);
    std::vector<std::vector<Assignment>> next;
    for (const auto& combo : combos) {
      for (std::size_t i = 0; i < doc["points"].size(); ++i) {
        const std::string where = "points[" + std::to_string(i) + "]";
        auto more = combo;
        for (Assignment& a : assignments(doc["points"][i], where, spec)) {
          const std::string key = a.text.substr(0, a.text.find('='));
          bool seen = false;
          for (const auto& k : out.parameter_keys) seen = seen || k == key;
          if (!seen) out.parameter_keys.push_back(key);
          more.push_back(std::move(a));
        }
        next.push_back(std::move(more));
      }
    }
    combos = std::move(next);
  }

  std::vector<std::pair<std::string, std::vector<Assignment>>> workloads = {{"", {}}};
  if (doc.contains("workloads")) {
    if (!doc["workloads"].is_object() || doc["workloads"].empty()) {
      spec.fail("workloads", "'workloads' must be an object: name -> config keys");
    }
    workloads.clear();
    for (const auto& [name, keys] : doc["workloads"].items()) {
      workloads.emplace_back(name, assignments(keys, "workloads." + name, spec));
    }
  }

  std::vector<std::uint64_t> seeds = {1};
  if (doc.contains("seeds")) {
    const json& s = doc["seeds"];
    if (!s.is_array() || s.empty()) spec.fail("seeds", "'seeds' must be a non-empty list");
    seeds.clear();
    for (const json& seed : s) {
      if (!seed.is_number_unsigned()) spec.fail("seeds", "seeds are integers >= 0");
      seeds.push_back(seed.get<std::uint64_t>());
    }
  }

  out.columns = {"sim.accesses", "sim.time_ps", "tlb.l1.misses", "vm.page_faults"};
  if (doc.contains("columns")) {
    const json& c = doc["columns"];
    if (!c.is_array() || c.empty()) spec.fail("columns", "'columns' must be a non-empty list");
    out.columns.clear();
    for (const json& column : c) {
      if (!column.is_string() || column.get<std::string>().empty()) {
        spec.fail("columns", "a column is a stats key path such as \"tlb.l1.misses\"");
      }
      out.columns.push_back(column.get<std::string>());
    }
  }

  if (doc.contains("hardware_cost")) {
    if (!doc["hardware_cost"].is_boolean()) spec.fail("hardware_cost", "'hardware_cost' is true or false");
    out.hardware_cost = doc["hardware_cost"].get<bool>();
  }
  if (out.hardware_cost) {
    for (const char* column : kHardwareColumns) {
      if (std::find(out.columns.begin(), out.columns.end(), column) == out.columns.end()) {
        out.columns.push_back(column);
      }
    }
  }

  check_run_count(combos.size(), workloads.size(), "workloads", spec);
  check_run_count(combos.size() * workloads.size(), seeds.size(), "seeds", spec);
  for (const auto& [workload, workload_sets] : workloads) {
    for (const auto& combo : combos) {
      for (const std::uint64_t seed : seeds) {
        std::vector<Assignment> sets = common;
        sets.insert(sets.end(), workload_sets.begin(), workload_sets.end());
        sets.insert(sets.end(), combo.begin(), combo.end());
        const std::string where = spec.at("seeds");
        sets.push_back({"sim.seed=" + std::to_string(seed), where});
        sets.push_back({"workload.seed=" + std::to_string(seed), where});
        // Checked now, as `mmusim run` would: a refused value stops the sweep before it
        // starts, at the spec line that gave it.
        const ConfigDocument config = load_config_document(out.base, sets);
        const PlatformConfig platform = make_platform_config(config);
        SweepRun run;
        if (out.hardware_cost) {
          try {
            run.hardware_key = hardware_key(platform.mmu);
          } catch (const InputError& e) {
            spec.fail("hardware_cost", std::string(e.what()) + " (a run of this spec; hardware_cost is on)");
          }
        }
        run.config = config.in_declared_order().dump(2) + "\n";
        run.id = run_id(base_text, sets);
        run.workload = workload;
        run.seed = seed;
        for (const Assignment& a : combo) run.parameters.push_back(a.text);
        out.runs.push_back(std::move(run));
      }
    }
  }
  return out;
}

std::optional<std::string> per_thousand_accesses(const std::string& column) {
  const std::string suffix = "/kacc";
  if (column.size() <= suffix.size() ||
      column.compare(column.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  return column.substr(0, column.size() - suffix.size());
}

std::string column_value(const std::string& column, const nlohmann::json& stats) {
  const std::optional<std::string> base = per_thousand_accesses(column);
  const bool derived = base.has_value();
  const std::string path = base.value_or(column);
  const nlohmann::json* at = &stats;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!at->is_object() || !at->contains(part)) return "";
    at = &(*at)[part];
  }
  if (!derived) return at->is_string() ? at->get<std::string>() : at->dump();
  if (!at->is_number() || !stats["sim"]["accesses"].is_number()) return "";
  const double accesses = stats["sim"]["accesses"].get<double>();
  std::ostringstream out;
  out << (accesses == 0 ? 0 : at->get<double>() * 1000 / accesses);
  return out.str();
}

}  // namespace mmusim::explore
