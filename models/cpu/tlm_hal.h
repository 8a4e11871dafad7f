#pragma once
// The firmware's HAL on the platform: physical accesses through the cpu's physical
// initiator socket (straight to the bus), timed by the cpu's quantum keeper; waiting for
// the external interrupt suspends the cpu's thread until the line rises.

#include <stdexcept>
#include <systemc>
#include <tlm>
#include <vector>

#include "hal.h"
#include "quantum_keeper.h"
#include "simulation_failure.h"

namespace mmusim {

// A HAL access that the bus answered with an error: a firmware or platform bug.
class HalError : public SimulationFailure {
 public:
  using SimulationFailure::SimulationFailure;
};

// The simulated time the firmware took, in ps.
struct FirmwareTime {
  std::uint64_t busy_ps = 0;     // its physical accesses and the work it is charged for
  std::uint64_t io_wait_ps = 0;  // waiting for the swap device's interrupt
};

class TlmHal final : public fw::Hal {
 public:
  // `time` is where the firmware's time is added up.
  TlmHal(tlm::tlm_initiator_socket<>& socket, QuantumKeeper& keeper, sc_core::sc_in<bool>& irq,
         FirmwareTime& time)
      : socket_(socket), keeper_(keeper), irq_(irq), time_(time) {}

  std::uint64_t load64(std::uint64_t pa) override;
  void store64(std::uint64_t pa, std::uint64_t value) override;
  void store_zeros(std::uint64_t pa, std::uint64_t bytes) override;
  void copy(std::uint64_t dst, std::uint64_t src, std::uint64_t bytes) override;
  std::uint64_t now_ps() const override {
    return static_cast<std::uint64_t>(keeper_.get_current_time().value());
  }
  void spend(std::uint64_t picoseconds) override;
  bool wait_for_interrupt(std::uint64_t timeout_ps) override;
  // The firmware is done waiting for good: the watchdog's pending deadline is dropped.
  void disarm() { watchdog_.cancel(); }

 private:
  void transport(tlm::tlm_command cmd, std::uint64_t pa, unsigned char* data, unsigned length);
  tlm::tlm_initiator_socket<>& socket_;
  QuantumKeeper& keeper_;
  sc_core::sc_in<bool>& irq_;
  FirmwareTime& time_;
  // Reused across calls (page faults make many): a payload's constructor allocates.
  tlm::tlm_generic_payload trans_;
  std::vector<unsigned char> zeros_;
  std::vector<unsigned char> copy_buffer_;
  // Ends a wait for the interrupt at its deadline (see wait_for_interrupt).
  sc_core::sc_event watchdog_{"firmware_watchdog"};
  sc_core::sc_time watchdog_due_ = sc_core::SC_ZERO_TIME;
};

}  // namespace mmusim
