#pragma once
// Scenarios (workload.type=scenario): a line-oriented script of virtual-memory actions,
// run in file order through the whole platform. The README's "Scenarios" section is the
// language reference; in short:
//
//   set key=value                    config overrides (at the top, like --set)
//   process A                        a new process with an empty address space
//   A mmap VA SIZE PERMS [huge]      private anonymous memory (PERMS from r, w, x);
//                                    huge: madvise(MADV_HUGEPAGE) for it
//   A stack TOP SIZE                 a stack below TOP that may grow down to TOP - SIZE
//   A brk BASE +SIZE                 a heap at BASE, grown (or shrunk, -SIZE) by SIZE
//   A munmap VA SIZE
//   A read VA [= VALUE]              8-byte load (and the value it must return)
//   A write VA VALUE                 8-byte store
//   A fetch VA                       4-byte instruction fetch
//   A fork B                         B: a child of A
//   shm S SIZE                       a shared-memory segment
//   A attach S VA PERMS | A detach S
//   lib L SIZE                       a library image (known contents) in the file store
//   A maplib L VA                    mapped read-only and executable
//   A exit
//
// An access may end in an outcome: `=> ok`, `=> fault`, `=> segfault`. Addresses are hex
// (`0x...`) or `kernel+0x...`; values hex or decimal; sizes take KiB/MiB/GiB. Every
// malformed line, unknown name or action of a dead process is an InputError at its line.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mmusim {

struct ScenarioAction {
  enum class Op {
    Process,
    Mmap,
    Stack,
    Brk,
    Munmap,
    Read,
    Write,
    Fetch,
    Fork,
    Shm,
    Attach,
    Detach,
    Lib,
    MapLib,
    Exit
  };
  // What an access must end in.
  enum class Expect { Complete, Ok, Fault, Segfault };

  std::size_t line = 0;
  Op op = Op::Process;
  std::string process;  // who acts (empty for shm and lib)
  std::string name;     // the new process (process, fork), segment or library
  std::uint64_t va = 0;
  bool kernel_relative = false;  // va is an offset into the kernel region
  std::uint64_t size = 0;        // bytes; brk: the change (see grow)
  bool grow = true;              // brk: + or -
  std::uint64_t value = 0;       // write: the value stored; read: the value expected
  bool check_value = false;      // read: `= VALUE` given
  std::uint64_t perms = 0;       // sv::kPteR | kPteW | kPteX
  bool huge = false;             // mmap: marked for huge pages
  Expect expect = Expect::Complete;
};

struct Scenario {
  std::string path;
  // `set` lines: "key=value" and the line each came from.
  std::vector<std::pair<std::string, std::size_t>> sets;
  std::vector<ScenarioAction> actions;
  // The libraries it declares, in order (index = library number).
  std::vector<std::pair<std::string, std::uint64_t>> libraries;
  std::string where(const ScenarioAction& a) const { return path + ":" + std::to_string(a.line); }
};

// Reads and checks the whole file (InputError on the first problem).
Scenario read_scenario(const std::string& path);

}  // namespace mmusim
