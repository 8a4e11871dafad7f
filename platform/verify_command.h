#pragma once
// `mmusim verify`: a constrained-random campaign, seed by seed, on the RTL (or the
// reference model alone), with functional coverage written to a JSON file and printed
// as a table; `--merge` adds coverage files together.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "config.h"

namespace mmusim {

struct VerifyOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 20;
  std::uint64_t requests = 2000;  // operations per seed
  bool rtl = true;                // --impl rtl (else model)
  MmuConfig mmu;                  // the geometry under test, from --set
  std::vector<std::string> sets;  // as given, for the replay command
  std::string coverage_path = "coverage.json";
  std::vector<std::string> merge;  // coverage files to add to this run's
  bool progress = false;
  bool shrink = false;  // on a failure, write the shrunk case (shrunk_seed<S>.*)
  std::string waves;        // on a failure, the RTL's FST of the operations before it
  std::uint64_t around = 20;
};

// verify::campaign_geometry() as config assignments: what a campaign runs with unless
// --set says otherwise.
std::vector<std::string> verify_geometry();

// Exit status: 0 every seed passed, 1 a mismatch (reported on `err`). Throws InputError
// on a bad coverage file.
int run_verify(const VerifyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mmusim
