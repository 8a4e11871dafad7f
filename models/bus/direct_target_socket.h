#pragma once
// A TLM-2.0 target socket for the hot paths (cpu -> mmu -> caches -> bus -> DRAM, and the
// firmware's MMIO to the mmu and the swap device):
// blocking and debug transport (and DMI, where the module grants it) go straight to a
// member function of the module, fixed at compile time, so the compiler inlines it
// behind the socket's single virtual call. tlm_utils' simple and multi-passthrough
// target sockets look the callback up through a registered member pointer, with an
// nb_transport adapter behind it: about 30 host instructions a hop (callgrind, issue 12).
//
// Loosely timed only: nb_transport_fw is refused with TLM_COMMAND_ERROR_RESPONSE. Without
// `Dmi` no DMI is granted. `Bindings` initiators may bind (0: any number); the backward
// path reaches them as socket[i] (they are not told apart on the forward path).
//
// Template arguments name the module's functions, so declare them before the socket.

#include <systemc>
#include <tlm>

namespace mmusim {

template <typename Module, void (Module::*Transport)(tlm::tlm_generic_payload&, sc_core::sc_time&),
          unsigned int (Module::*Debug)(tlm::tlm_generic_payload&), int Bindings = 1,
          bool (Module::*Dmi)(tlm::tlm_generic_payload&, tlm::tlm_dmi&) = nullptr>
class DirectTargetSocket final
    : public tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, Bindings,
                                    Bindings == 1 ? sc_core::SC_ONE_OR_MORE_BOUND
                                                  : sc_core::SC_ZERO_OR_MORE_BOUND>,
      private tlm::tlm_fw_transport_if<> {
 public:
  DirectTargetSocket(const char* name, Module& module)
      : DirectTargetSocket::tlm_target_socket(name), module_(module) {
    this->bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    (module_.*Transport)(trans, delay);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) override {
    return (module_.*Debug)(trans);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase&,
                                     sc_core::sc_time&) override {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) override {
    if constexpr (Dmi != nullptr) {
      return (module_.*Dmi)(trans, dmi);
    } else {
      dmi.allow_none();
      return false;
    }
  }

  Module& module_;
};

}  // namespace mmusim
