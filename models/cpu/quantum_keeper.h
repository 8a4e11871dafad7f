#pragma once
// The cpu's quantum keeper: TLM's, plus a sync test against a current time the caller
// already has. The cpu's loop reads the time once per access (sc_time_stamp() is a call
// into the SystemC kernel) for both its time-slice test and the sync test, where
// need_sync() would read it a second time. Final, so that the cpu's loop and the
// firmware's HAL, which both hold it by its own type, call TLM's virtual members
// directly (inline) rather than through the vtable.

#include <systemc>
#include <tlm_utils/tlm_quantumkeeper.h>

namespace mmusim {

class QuantumKeeper final : public tlm_utils::tlm_quantumkeeper {
 public:
  // need_sync(), given get_current_time(). A sync() keeps the current time as it was.
  bool need_sync_at(const sc_core::sc_time& now) const { return now >= m_next_sync_point; }
};

}  // namespace mmusim
