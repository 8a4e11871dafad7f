// The swap device's register interface fed arbitrary MMIO sequences (any offset, width,
// alignment and value, waits between them), with every injected fault kind enabled.
// The device must answer each access with a TLM response, keep its status one of the
// documented ones and its interrupt line equal to IRQ_STATUS, and go idle on Abort.
//
// Input: 10-byte operations: [kind][offset][64-bit value]. SystemC elaborates once, so
// one platform serves every input; each input ends by aborting and acknowledging
// whatever it left running.

#include <cstring>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "fuzz_input.h"
#include "swap_bench.h"

namespace {

using namespace mmusim;
using namespace mmusim::swap_regs;

struct Op {
  std::uint8_t kind = 0;
  std::uint8_t offset = 0;
  std::uint64_t value = 0;
};

struct Host : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Host> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};
  std::vector<Op> ops;
  sc_core::sc_event go;

  explicit Host(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {
    SC_HAS_PROCESS(Host);
    SC_THREAD(run);
  }

  // One access of `bytes` at `offset`; the response status.
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t offset,
                                  std::uint64_t& value, unsigned bytes) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(kSwapRegsBase + offset);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(bytes);
    t.set_streaming_width(bytes);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay;
    socket->b_transport(t, delay);
    wait(delay);
    return t.get_response_status();
  }
  std::uint64_t reg(std::uint64_t offset) {
    std::uint64_t v = 0;
    fuzz::require(access(tlm::TLM_READ_COMMAND, offset, v, 8) == tlm::TLM_OK_RESPONSE,
                  "an aligned register read failed");
    return v;
  }
  void set(std::uint64_t offset, std::uint64_t v) { access(tlm::TLM_WRITE_COMMAND, offset, v, 8); }

  void check_state() {
    wait(sc_core::SC_ZERO_TIME);  // the interrupt line follows a register write a delta later
    const std::uint64_t status = reg(kStatus);
    fuzz::require(status <= static_cast<std::uint64_t>(Status::Failed), "status out of range");
    fuzz::require(irq.read() == (reg(kIrqStatus) == 1), "irq line differs from IRQ_STATUS");
  }

  void run() {
    for (;;) {
      wait(go);
      for (const Op& op : ops) {
        const bool aligned = (op.kind & 0x80) == 0;
        const std::uint64_t offset = aligned ? (op.offset % 0x60) & ~std::uint64_t{7} : op.offset;
        const unsigned bytes = aligned ? 8 : 1 + op.kind % 8;
        std::uint64_t value = op.value;
        const tlm::tlm_response_status r = access(
            (op.kind & 1) != 0 ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, offset, value, bytes);
        fuzz::require(r != tlm::TLM_INCOMPLETE_RESPONSE, "an access got no response");
        if ((op.kind & 0x40) != 0) wait(sc_core::sc_time(static_cast<double>(op.value % 100), sc_core::SC_US));
        check_state();
      }
      set(kCommand, static_cast<std::uint64_t>(Command::Abort));
      fuzz::require(reg(kStatus) != static_cast<std::uint64_t>(Status::Busy), "busy after Abort");
      set(kIrqAck, 1);
      wait(sc_core::SC_ZERO_TIME);
      fuzz::require(!irq.read(), "irq still high after IRQ_ACK");
    }
  }
};

// Every fault kind on, a quarter of the commands.
SwapFaults all_faults() {
  SwapFaults f;
  f.rate = 0.25;
  f.error = f.timeout = f.corrupt = true;
  return f;
}

struct Rig {
  Host host{"host"};
  test::SwapBench bench{all_faults(), host.socket, host.irq};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Rig* rig = [] {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_INSTANCE_EXISTS_, sc_core::SC_DO_NOTHING);
    auto* r = new Rig;  // lives for the whole fuzzing run: SystemC elaborates once
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return r;
  }();
  rig->host.ops.clear();
  for (; size >= 10; data += 10, size -= 10) {
    Op op;
    op.kind = data[0];
    op.offset = data[1];
    std::memcpy(&op.value, data + 2, 8);
    rig->host.ops.push_back(op);
  }
  rig->host.go.notify(sc_core::SC_ZERO_TIME);
  sc_core::sc_start();
  return 0;
}
