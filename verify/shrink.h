#pragma once
// Cuts a failing case down to the fewest operations and memory words that still fail the
// same way (greedy delta debugging: drop chunks of operations, halving the chunk size;
// fold page-table edits into the initial memory; drop words one by one), and writes
// what is left as a `mmusim translate` image and requests file when it is only
// translations under one satp.

#include <optional>
#include <string>

#include "campaign.h"

namespace mmusim::verify {

struct Shrunk {
  Case c;
  CaseFailure failure;
  bool translate_pair = false;  // one satp write and translations only
};

// `c` fails at `failure` with `mmu` and `dut`; the result still fails.
Shrunk shrink(const Case& c, const CaseFailure& failure, const MmuConfig& mmu,
              const DutFactory& dut);

// Writes <prefix>.image.txt and <prefix>.requests.txt (a translate pair), or else
// <prefix>.ops.txt (every operation, readable); returns the paths written.
std::vector<std::string> write_shrunk(const Shrunk& s, const std::string& prefix);

}  // namespace mmusim::verify
