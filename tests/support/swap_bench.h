#pragma once
// A swap device with 16 blocks and 1 MiB of DRAM on a bus, wired as the platform wires
// them (addresses from config.h), for a host module to drive through its registers: the
// swap device's tests and its MMIO fuzz target.

#include <memory>
#include <systemc>
#include <tlm>

#include "bus.h"
#include "config.h"
#include "dram.h"
#include "swap_device.h"

namespace mmusim::test {

struct SwapBench {
  template <typename Socket>
  SwapBench(const SwapFaults& faults, Socket& host, sc_core::sc_in<bool>& host_irq)
      : bus("bus", sc_core::sc_time(1, sc_core::SC_NS)) {
    DramConfig dc;
    dc.size = 1 << 20;
    dram = std::make_unique<Dram>("dram", dc);
    SwapConfig sc;
    sc.size = 16 * swap_regs::kBytesPerBlock;
    sc.faults = faults;
    swap = std::make_unique<SwapDevice>("swap", sc);
    host.bind(bus.target);
    swap->dma.bind(bus.target);
    bus.attach(dram->target, "dram", kDramBase, dc.size);
    bus.attach(swap->regs, "swap", kSwapRegsBase, swap_regs::kRegionSize);
    swap->irq.bind(irq);
    host_irq.bind(irq);
  }
  Bus bus;
  std::unique_ptr<Dram> dram;
  std::unique_ptr<SwapDevice> swap;
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> irq{"irq"};
};

}  // namespace mmusim::test
