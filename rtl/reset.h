#pragma once
// Brings a verilated model with an active-low asynchronous reset (rst_ni) out of reset,
// clock low. An asynchronous reset acts on a falling edge of rst_ni, so the line goes
// high, low, then high again. Include after the Verilator headers.

namespace mmusim::rtl {

template <typename Top>
void reset(Top& top) {
  top.clk_i = 0;
  top.rst_ni = 1;
  top.eval();
  top.rst_ni = 0;
  top.eval();
  top.rst_ni = 1;
  top.eval();
}

}  // namespace mmusim::rtl
