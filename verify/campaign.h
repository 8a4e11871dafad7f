#pragma once
// `mmusim verify`: constrained-random cases (stimulus.h) run on the implementation under
// test and on the reference model, compared operation by operation; the reference is in
// turn held to the spec by a second comparison against itself with its TLBs and walk
// cache out of the way (flushed before every translation), which accepts the answers
// an unflushed page-table edit makes legal (the old translation or the new one).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "coverage.h"
#include "mmu_config.h"
#include "stimulus.h"

namespace mmusim::verify {

struct CaseFailure {
  std::uint64_t seed = 0;
  std::size_t operation = 0;  // index in the case's operations
  std::string what;           // the request and both answers
};

// Builds the implementation under test over its memory (null: none, the model alone is
// held to the spec).
using DutFactory = std::function<std::unique_ptr<TranslationEngine>(const MmuConfig&, PteMemory&)>;

// Runs one case with `mmu` (the TLB geometry and policies under test).
std::optional<CaseFailure> run_case(const Case& c, MmuConfig mmu, const DutFactory& dut,
                                    Coverage& coverage);

// The TLB geometry a campaign runs with unless told otherwise: small (L1 8 entries
// 2-way, L2 32 4-way, walk cache 4), so that a short campaign fills, hits and evicts at
// every level.
MmuConfig campaign_geometry();

// In the RTL's waveforms, operation i of a case starts at i x this (a walk takes a few
// dozen evaluation steps of 1 ps each).
constexpr std::uint64_t kOperationTimePs = 1000;

// The A/D policy a seed runs with: both policies get their share of seeds.
AdUpdate ad_policy_of(std::uint64_t seed);

}  // namespace mmusim::verify
