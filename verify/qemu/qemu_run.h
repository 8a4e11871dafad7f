#pragma once
// Runs cases on QEMU through the harness (harness.S) and reads back what happened.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases.h"
#include "reference.h"

namespace mmusim::verify::qemu {

struct Outcome {
  static constexpr std::uint64_t kNoTrap = ~std::uint64_t{0};
  std::uint64_t mcause = kNoTrap;
  std::uint64_t loaded = 0;  // what a load returned
  std::uint64_t tval = 0;
  Writes stores;      // arena words the request changed
  Writes pte_writes;  // page-table words the request changed
};

// The harness this build assembled ("" if it had no RISC-V assembler).
std::string built_harness();

struct QemuSetup {
  std::string qemu = "qemu-system-riscv64";
  std::string harness = built_harness();  // the harness ELF
  std::string workdir;                    // where the memory images and the UART log go
  unsigned timeout_seconds = 600;
  sv::Extensions extensions;  // QEMU's CPU gets the same (-cpu rv64,svnapot=...,svpbmt=...)
};

class QemuError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One batch: cases whose tables lie apart in the table region, in one machine run. One
// Outcome per request, case by case. Throws QemuError when QEMU cannot be started, times
// out, or stops before the harness's last line.
std::vector<std::vector<Outcome>> run_batch(const std::vector<Case>& cases, const QemuSetup& setup,
                                            const std::string& tag);

// "QEMU emulator version 7.2.22 (...)", or what went wrong.
std::string qemu_version(const QemuSetup& setup);

}  // namespace mmusim::verify::qemu
