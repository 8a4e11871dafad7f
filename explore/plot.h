#pragma once
// `mmusim plot DIR`: a sweep's results.csv drawn by matplotlib (explore/plot.py, run with
// Debian's python3): one chosen column against one varied key, one line per workload
// and per value of the other varied keys, the mean over seeds with min/max error bars,
// axes labelled with units from the config key declarations; or (--kind pareto) the
// column against the MMU's hardware cost with the Pareto front marked. PNG and SVG into DIR.

#include <iosfwd>
#include <string>
#include <vector>

namespace mmusim::explore {

struct PlotOptions {
  std::string dir;
  std::string x;                   // a varied config key; default: the first
  std::string y;                   // a column; default: the spec's first
  std::vector<std::string> lines;  // default: the workload and the other varied keys
  // "lines" (y against x), or "pareto": y against hw.cells, a point per configuration and
  // the Pareto front per workload (a sweep with "hardware_cost": true).
  std::string kind = "lines";
  std::string python = "/usr/bin/python3";
};

// 0 when the plot was written (its files named on `out`); InputError for a directory that
// is not a sweep's, or a key or column it does not have; 1 if the plotter failed.
int run_plot(const PlotOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mmusim::explore
