// The RTL's assertions run under Verilator (--assert) and stop the simulation: driven on
// purpose into a state they forbid, the verilated TLB aborts with the assertion's name.

#include "Vtlb.h"
#include "verilated.h"

#include <gtest/gtest.h>

#include "reset.h"
#include <unistd.h>

namespace mmusim {
namespace {

// A 16-entry, 4-way LRU TLB out of reset, clock low.
std::unique_ptr<Vtlb> make_tlb(VerilatedContext& context, unsigned ways = 4) {
  auto top = std::make_unique<Vtlb>(&context);
  top->cfg_i = static_cast<std::uint16_t>((2u << 9) | (ways << 2));
  rtl::reset(*top);
  return top;
}

// Verilator reports assertion failures on stdout; death tests read stderr.
void report_on_stderr() { dup2(STDERR_FILENO, STDOUT_FILENO); }

void clock(Vtlb& top) {
  top.clk_i = 1;
  top.eval();
  top.clk_i = 0;
  top.eval();
}

TEST(RtlAssertionsDeathTest, TwoOperationsInOneCycleStopTheSimulation) {
  EXPECT_DEATH(
      {
        report_on_stderr();
        VerilatedContext context;
        auto top = make_tlb(context);
        top->lookup_i = 1;
        top->flush_i = 1;
        clock(*top);
      },
      "OneOperationPerCycle");
}

TEST(RtlAssertionsDeathTest, GeometryLargerThanTheStorageStopsTheSimulation) {
  EXPECT_DEATH(
      {
        report_on_stderr();
        VerilatedContext context;
        auto top = make_tlb(context, 0);  // zero ways
        clock(*top);
      },
      "GeometryFits");
}

TEST(RtlAssertions, LegalTrafficRaisesNothing) {
  VerilatedContext context;
  auto top = make_tlb(context);
  for (int i = 0; i < 100; ++i) {
    top->lookup_i = i % 2;
    top->va_i = static_cast<std::uint64_t>(i) << 12;
    clock(*top);
  }
  top->lookup_i = 0;
  EXPECT_FALSE(context.gotError());
}

}  // namespace
}  // namespace mmusim
