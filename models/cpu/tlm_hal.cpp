#include "tlm_hal.h"

#include <sstream>
#include <vector>

namespace mmusim {

void TlmHal::transport(tlm::tlm_command cmd, std::uint64_t pa, unsigned char* data,
                       unsigned length) {
  tlm::tlm_generic_payload& trans = trans_;
  trans.set_command(cmd);
  trans.set_address(pa);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = keeper_.get_local_time();
  const sc_core::sc_time before = delay;
  socket_->b_transport(trans, delay);
  time_.busy_ps += static_cast<std::uint64_t>((delay - before).value());
  keeper_.set(delay);
  if (!trans.is_response_ok()) {
    std::ostringstream msg;
    msg << "firmware " << (cmd == tlm::TLM_READ_COMMAND ? "load" : "store") << " at 0x" << std::hex
        << pa << " failed: " << trans.get_response_string();
    throw HalError(msg.str());
  }
  if (keeper_.need_sync()) keeper_.sync();
}

std::uint64_t TlmHal::load64(std::uint64_t pa) {
  std::uint64_t value = 0;
  transport(tlm::TLM_READ_COMMAND, pa, reinterpret_cast<unsigned char*>(&value), sizeof value);
  return value;
}

void TlmHal::store64(std::uint64_t pa, std::uint64_t value) {
  transport(tlm::TLM_WRITE_COMMAND, pa, reinterpret_cast<unsigned char*>(&value), sizeof value);
}

void TlmHal::store_zeros(std::uint64_t pa, std::uint64_t bytes) {
  if (zeros_.size() < bytes) zeros_.resize(bytes, 0);  // stays zero: only ever written from
  transport(tlm::TLM_WRITE_COMMAND, pa, zeros_.data(), static_cast<unsigned>(bytes));
}

void TlmHal::copy(std::uint64_t dst, std::uint64_t src, std::uint64_t bytes) {
  if (copy_buffer_.size() < bytes) copy_buffer_.resize(bytes);
  transport(tlm::TLM_READ_COMMAND, src, copy_buffer_.data(), static_cast<unsigned>(bytes));
  transport(tlm::TLM_WRITE_COMMAND, dst, copy_buffer_.data(), static_cast<unsigned>(bytes));
}

void TlmHal::spend(std::uint64_t picoseconds) {
  keeper_.inc(sc_core::sc_time(static_cast<double>(picoseconds), sc_core::SC_PS));
  time_.busy_ps += picoseconds;
  if (keeper_.need_sync()) keeper_.sync();
}

}  // namespace mmusim

namespace mmusim {

// One watchdog event serves every wait, armed only when it is not already due between
// now and this wait's deadline; a wake-up before the deadline with the line still low
// waits again. A timed wait per call (wait(timeout, event)) left its cancelled timeout in
// SystemC's queue of timed notifications until that time came: with a 50 ms swap timeout
// and an I/O every few microseconds, thousands of dead entries that every notification
// sifted through (perf: 5% of a paging run in the scheduler's heap).
bool TlmHal::wait_for_interrupt(std::uint64_t timeout_ps) {
  keeper_.sync();  // the device must see the time the firmware has reached
  if (!irq_.read()) {
    const sc_core::sc_time from = sc_core::sc_time_stamp();
    const sc_core::sc_time deadline =
        from + sc_core::sc_time(static_cast<double>(timeout_ps), sc_core::SC_PS);
    for (sc_core::sc_time now = from; !irq_.read() && now < deadline;
         now = sc_core::sc_time_stamp()) {
      if (!(watchdog_due_ > now && watchdog_due_ <= deadline)) {
        watchdog_.cancel();  // due later than this deadline, or due now and maybe not yet fired
        watchdog_.notify(deadline - now);
        watchdog_due_ = deadline;
      }
      sc_core::wait(irq_.posedge_event() | watchdog_);
    }
    time_.io_wait_ps += static_cast<std::uint64_t>((sc_core::sc_time_stamp() - from).value());
  }
  return irq_.read();
}

}  // namespace mmusim
