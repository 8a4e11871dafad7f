#pragma once
// `mmusim qemu-check`: the reference walker checked against QEMU's, an implementation
// nobody here wrote. Directed and random cases run on QEMU through the bare-metal
// harness and on the reference model; every request's outcome is compared: the PA a
// load reached or a store wrote, whether a fetch ran, the trap cause and tval, and the
// page-table words the walk changed (A/D updates).

#include <cstdint>
#include <iosfwd>
#include <string>

#include "mmu_config.h"
#include "qemu_run.h"

namespace mmusim::verify::qemu {

struct CheckOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 40;  // random cases, after the directed ones
  MmuConfig mmu;             // the reference as configured (--set)
  QemuSetup qemu;            // workdir "": a temporary one, removed unless something failed
  bool progress = false;
};

// Exit status: 0 QEMU and the reference agree on every request, 1 they differ (each
// difference reported on `err` with a `mmusim translate` pair that replays its case).
// Throws QemuError when QEMU cannot be run.
int run_check(CheckOptions options, std::ostream& out, std::ostream& err);

}  // namespace mmusim::verify::qemu
