#pragma once
// An address-decoding router: each target port owns one address range; the bus passes
// the offset within that range on and adds a fixed hop latency. Unmapped addresses get
// TLM_ADDRESS_ERROR_RESPONSE.

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <vector>

#include "direct_target_socket.h"

namespace mmusim {

class Bus final : public sc_core::sc_module {
  // (Declared ahead of target, which names them.)
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

 public:
  // Any number of requesters bind here.
  DirectTargetSocket<Bus, &Bus::b_transport, &Bus::transport_dbg, 0, &Bus::get_direct_mem_ptr>
      target{"target", *this};
  tlm_utils::multi_passthrough_initiator_socket<Bus> initiator{"initiator"};

  Bus(const sc_core::sc_module_name& name, const sc_core::sc_time& latency);
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  // Binds the next initiator port to `socket` and maps [base, base+size) onto it.
  void attach(tlm::tlm_target_socket<>& socket, const std::string& region, std::uint64_t base,
              std::uint64_t size);

 private:
  struct Region {
    std::string name;
    std::uint64_t base;
    std::uint64_t size;
    bool holds(std::uint64_t addr) const { return addr >= base && addr - base < size; }
  };
  // Port of the region holding addr, rebasing addr to an offset; -1 if unmapped.
  int decode(std::uint64_t& addr) const;

  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);

  const sc_core::sc_time latency_;
  std::vector<Region> regions_;  // index = initiator port
  // The port decode() found last, tried first: runs of accesses go to one target (DRAM,
  // or a device's registers while the firmware programs it).
  mutable std::size_t recent_port_ = 0;
};

}  // namespace mmusim
