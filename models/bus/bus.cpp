#include "bus.h"

#include <limits>

namespace mmusim {

Bus::Bus(const sc_core::sc_module_name& name, const sc_core::sc_time& latency)
    : sc_core::sc_module(name), latency_(latency) {
  initiator.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::attach(tlm::tlm_target_socket<>& socket, const std::string& region, std::uint64_t base,
                 std::uint64_t size) {
  initiator.bind(socket);
  regions_.push_back({region, base, size});
}

int Bus::decode(std::uint64_t& addr) const {
  if (recent_port_ < regions_.size() && regions_[recent_port_].holds(addr)) {
    addr -= regions_[recent_port_].base;
    return static_cast<int>(recent_port_);
  }
  for (std::size_t port = 0; port < regions_.size(); ++port) {
    if (regions_[port].holds(addr)) {
      addr -= regions_[port].base;
      recent_port_ = port;
      return static_cast<int>(port);
    }
  }
  return -1;
}

void Bus::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t global = trans.get_address();
  std::uint64_t local = global;
  const int port = decode(local);
  if (port < 0) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay += latency_;
  trans.set_address(local);
  initiator[port]->b_transport(trans, delay);
  trans.set_address(global);
}

unsigned int Bus::transport_dbg(tlm::tlm_generic_payload& trans) {
  const std::uint64_t global = trans.get_address();
  std::uint64_t local = global;
  const int port = decode(local);
  if (port < 0) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  trans.set_address(local);
  const unsigned int n = initiator[port]->transport_dbg(trans);
  trans.set_address(global);
  return n;
}

bool Bus::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t global = trans.get_address();
  std::uint64_t local = global;
  const int port = decode(local);
  if (port < 0) return false;
  trans.set_address(local);
  const bool granted = initiator[port]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(global);
  const Region& r = regions_[static_cast<std::size_t>(port)];
  // Back to global addresses, clipped to the region.
  dmi.set_start_address(dmi.get_start_address() + r.base);
  dmi.set_end_address(std::min<std::uint64_t>(dmi.get_end_address(), r.size - 1) + r.base);
  return granted;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  const Region& r = regions_[static_cast<std::size_t>(port)];
  const std::uint64_t clipped_end = std::min<std::uint64_t>(end, r.size - 1);
  for (int i = 0; i < target.size(); ++i) {
    target[i]->invalidate_direct_mem_ptr(start + r.base, clipped_end + r.base);
  }
}

}  // namespace mmusim
