#pragma once
// One 8-byte access through an initiator socket, for TLM-level tests.

#include <cstdint>
#include <systemc>
#include <tlm>

namespace mmusim::test {

// Returns the response status; the latency is added to `delay`. `extension`, if not
// null, is attached for the call only.
template <typename Socket, typename Extension>
tlm::tlm_response_status transport64(Socket& socket, tlm::tlm_command cmd, std::uint64_t addr,
                                     std::uint64_t& value, sc_core::sc_time& delay,
                                     Extension* extension) {
  tlm::tlm_generic_payload t;
  t.set_command(cmd);
  t.set_address(addr);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
  t.set_data_length(8);
  t.set_streaming_width(8);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (extension != nullptr) t.set_extension(extension);
  socket->b_transport(t, delay);
  if (extension != nullptr) t.clear_extension(extension);
  return t.get_response_status();
}

template <typename Socket>
tlm::tlm_response_status transport64(Socket& socket, tlm::tlm_command cmd, std::uint64_t addr,
                                     std::uint64_t& value, sc_core::sc_time& delay) {
  struct NoExtension : tlm::tlm_extension<NoExtension> {
    tlm::tlm_extension_base* clone() const override { return nullptr; }
    void copy_from(const tlm::tlm_extension_base&) override {}
  };
  return transport64(socket, cmd, addr, value, delay, static_cast<NoExtension*>(nullptr));
}

}  // namespace mmusim::test
