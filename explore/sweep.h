#pragma once
// `mmusim sweep SPEC.json [-j N] [--out DIR]`: every run of a sweep spec (sweep_spec.h) as
// its own `mmusim run` process, N at a time. DIR/runs/<id>.config.json is the run's config
// (`mmusim run` takes it as it is), <id>.json its stats, <id>.status.json how it ended,
// <id>.err what it said; DIR/results.csv has one row per run of the spec: its
// parameters, workload, seed, the spec's columns, status, exit status, host seconds and
// the first line of its error. A run with a status file is done: running the sweep again
// runs only what is not (a changed spec: its new points; --retry-failed: failures too).
// --emit parallel|slurm writes the same runs as jobs for GNU parallel or a Slurm array
// instead of running them; `sweep merge` joins what they wrote.

#include <iosfwd>
#include <string>
#include <vector>

namespace mmusim::explore {

struct SweepOptions {
  std::string spec;
  std::string out_dir;        // default: the spec's name without .json, beside it
  unsigned jobs = 0;          // 0: one per core
  double timeout_seconds = 0; // host seconds per run; 0: none
  bool retry_failed = false;
  bool progress = false;      // a progress line on `err`
  std::string mmusim;         // the binary each run executes
  std::string emit;           // "parallel" or "slurm": write job lists, run nothing
  std::string only;           // run just this run id (what an emitted job does)
};

// 0 when every run succeeded, 1 when any failed (each is in results.csv); InputError
// for a bad spec, before any run starts.
int run_sweep(const SweepOptions& options, std::ostream& out, std::ostream& err);

// `mmusim sweep merge DIR...`: the rows of every directory into one results.csv (default:
// the first's), runs given twice and runs with no result reported. 0 when every run of
// the sweep has succeeded.
int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_file,
                 std::ostream& out, std::ostream& err);

}  // namespace mmusim::explore
