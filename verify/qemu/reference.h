#pragma once
// The reference model's answers for a QEMU cross-check case, on memory laid out as the
// harness lays out QEMU's (layout.h): the case's tables, the arena's words, zeros
// elsewhere in RAM, nothing beyond it. SFENCE.VMA before every request, as the harness
// does, so only the walk answers.

#include <cstdint>
#include <utility>
#include <vector>

#include "cases.h"
#include "mmu_config.h"
#include "translation_engine.h"

namespace mmusim::verify::qemu {

using Writes = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // PA, value; by PA

struct Expected {
  TranslationResult result;
  Writes pte_writes;  // the words the walk changed, final values
};

std::vector<Expected> reference_answers(const Case& c, const MmuConfig& config);

// What Debian's QEMU 7.2 does where it departs from the spec with Svnapot or Svpbmt on
// (fixed in later releases): the reference's walk on the PTEs as QEMU 7.2 reads them, in
// the same order, so that the A/D bits it sets where the spec faults carry on to later
// requests as they do in QEMU. Empty with both extensions off (QEMU then keeps the spec).
std::vector<Expected> qemu_7_2_answers(const Case& c, const MmuConfig& config);
// The name of the deviation behind a request the reference decided by `rule`.
const char* qemu_7_2_deviation(sv::Rule rule);

// Drops the requests that would translate outside the arena (a hole that happens to be
// mapped at an offset the generator did not choose), so that no store can reach the
// harness or the tables (QEMU 7.2's departures included, with `config`'s extensions). Run
// with the spec's hardware A/D updates.
void keep_arena_requests(Case& c, const MmuConfig& config);

}  // namespace mmusim::verify::qemu
