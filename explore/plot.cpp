#include "plot.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "config_keys.h"
#include "input_error.h"
#include "input_file.h"
#include "sweep_spec.h"

namespace mmusim::explore {

extern const char* const kPlotScript;

namespace {

namespace fs = std::filesystem;

std::vector<std::string> csv_header(const fs::path& path) {
  std::ifstream in = open_input_file(path.string(), "sweep results");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> columns;
  std::string field;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      columns.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  columns.push_back(field);
  return columns;
}

std::string axis_label(const std::string& name) {
  if (const auto base = per_thousand_accesses(name)) return *base + " per 1000 accesses";
  for (const ConfigKey& key : config_keys()) {
    if (key.path == name && !key.unit.empty() && key.type != KeyType::Choice) {
      return name + " (" + key.unit + ")";
    }
  }
  if (name == "hw.cells") return "MMU cells (Yosys generic gates)";
  if (name.size() > 3 && name.compare(name.size() - 3, 3, "_ps") == 0) return name + " (ps)";
  if (name.size() > 3 && name.compare(name.size() - 3, 3, "_ns") == 0) return name + " (ns)";
  return name;
}

std::string file_part(std::string name) {
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

}  // namespace

int run_plot(const PlotOptions& options, std::ostream& out, std::ostream& err) {
  const fs::path dir = options.dir;
  const fs::path note = dir / "sweep.json";
  if (!fs::exists(note)) throw InputError(options.dir, "not a sweep directory (no sweep.json)");
  std::ifstream note_in(note);
  const std::string spec_path = nlohmann::json::parse(note_in)["spec"].get<std::string>();
  const SweepSpec spec = read_sweep_spec(spec_path);
  const fs::path results = dir / "results.csv";
  const std::vector<std::string> header = csv_header(results);
  const auto has = [&](const std::string& column) {
    for (const auto& h : header) {
      if (h == column) return true;
    }
    return false;
  };
  const auto require = [&](const std::string& column, const char* what) {
    if (has(column)) return;
    std::string list;
    for (const auto& h : header) list += (list.empty() ? "" : ", ") + h;
    throw InputError(results.string(), std::string("no ") + what + " '" + column +
                                           "' (the columns: " + list + ")");
  };
  const bool pareto = options.kind == "pareto";
  if (pareto && !has("hw.cells")) {
    throw InputError(results.string(), "no column 'hw.cells': a Pareto plot needs a sweep with "
                                       "\"hardware_cost\": true in its spec");
  }
  if (!pareto && spec.parameter_keys.empty() && options.x.empty()) {
    throw InputError(spec_path, "the sweep varies no key (no grid or points): nothing to plot against");
  }
  const std::string x =
      !options.x.empty() ? options.x : pareto ? "hw.cells" : spec.parameter_keys.front();
  std::string y = options.y;
  for (const auto& column : spec.columns) {
    if (y.empty() && column.rfind("hw.", 0) != 0) y = column;  // a cost is not the default
  }
  require(x, "key");
  require(y, "column");
  bool workloads = false;
  for (const SweepRun& run : spec.runs) workloads = workloads || !run.workload.empty();
  std::vector<std::string> lines = options.lines;
  std::vector<std::string> labels;  // pareto: the point's configuration
  if (lines.empty()) {
    if (workloads) lines.push_back("workload");
    for (const auto& key : spec.parameter_keys) {
      if (key != x) (pareto ? labels : lines).push_back(key);
    }
  }
  for (const auto& l : lines) require(l, "column");
  const auto joined = [](const std::vector<std::string>& names) {
    std::string text;
    for (const auto& n : names) text += (text.empty() ? "" : ",") + n;
    return text;
  };

  const std::string prefix = (dir / (file_part(y) + "_vs_" + file_part(x))).string();
  const std::string title =
      axis_label(y) + " against " + (pareto ? "hardware cost" : x) + " (" +
      fs::path(spec_path).filename().string() + ", " + std::to_string(spec.runs.size()) +
      " runs" + (pareto ? "; cells: Yosys generic gates, Pareto front marked" : "") + ")";
  const std::string script =
      (fs::temp_directory_path() / ("mmusim_plot_" + std::to_string(getpid()) + ".py")).string();
  std::ofstream(script) << kPlotScript;
  std::vector<std::string> args = {options.python, script,        pareto ? "pareto" : "lines",
                                   results.string(), prefix,       x,
                                   y,              axis_label(x), axis_label(y),
                                   title,          joined(lines),  joined(labels)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  out << std::flush;
  err << std::flush;
  const pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv.data());
    std::fprintf(stderr, "mmusim plot: cannot run %s (python3-matplotlib is installed by setup.sh)\n",
                 argv[0]);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  fs::remove(script);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

}  // namespace mmusim::explore
