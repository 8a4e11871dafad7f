#pragma once
// A TLM initiator for model tests: 8-byte reads and writes, timed and debug.

#include <gtest/gtest.h>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "mem_attr.h"
#include "transport.h"

namespace mmusim::test {

using sc_core::sc_time;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  explicit Initiator(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {}

  // One access; returns the response status and adds the latency to `delay`. The
  // extension (a MemAttr, a PteTraffic tag), if any, goes with it.
  template <typename Extension = MemAttr>
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, std::uint64_t& value,
                                  sc_time& delay, Extension* extension = nullptr) {
    return transport64(socket, cmd, addr, value, delay, extension);
  }
  std::uint64_t read(std::uint64_t addr, sc_time* latency = nullptr) {
    std::uint64_t v = 0;
    sc_time d;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, addr, v, d), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    if (latency != nullptr) *latency = d;
    return v;
  }
  void write(std::uint64_t addr, std::uint64_t v) {
    sc_time d;
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, addr, v, d), tlm::TLM_OK_RESPONSE) << std::hex << addr;
  }
  void debug_write(std::uint64_t addr, std::uint64_t v) { debug(tlm::TLM_WRITE_COMMAND, addr, v); }
  std::uint64_t debug_read(std::uint64_t addr) {
    std::uint64_t v = 0;
    debug(tlm::TLM_READ_COMMAND, addr, v);
    return v;
  }

 private:
  void debug(tlm::tlm_command cmd, std::uint64_t addr, std::uint64_t& v) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    t.set_data_length(8);
    EXPECT_EQ(socket->transport_dbg(t), 8u) << std::hex << addr;
  }
};

}  // namespace mmusim::test
