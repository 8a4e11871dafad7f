// Runs the DPI-C testbench (mmu_ref_tb.sv): resets it, clocks it until it is done, and
// exits 0 when every request agreed with the reference, 1 otherwise.
#include <cstdlib>
#include <iostream>

#include "Vmmu_ref_tb.h"
#include "reset.h"
#include "verilated.h"

// The reference library uses SystemC's time type, and libsystemc owns main(): the entry
// point is sc_main, and a static initialiser turns its banner off.
static const int kNoBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

extern "C" int sc_main(int argc, char** argv) {
  VerilatedContext context;
  context.commandArgs(argc, argv);
  Vmmu_ref_tb tb(&context);
  mmusim::rtl::reset(tb);
  for (unsigned cycle = 0; cycle < 1'000'000 && !tb.done_o; ++cycle) {
    tb.clk_i = 0;
    tb.eval();
    tb.clk_i = 1;
    tb.eval();
  }
  tb.final();
  std::cout << "mmu_ref_tb: " << tb.checked_o << " requests checked against the reference, "
            << tb.errors_o << " mismatches" << (tb.done_o ? "" : " (did not finish)") << '\n';
  return tb.done_o && tb.errors_o == 0 && tb.checked_o == 216 ? 0 : 1;
}
