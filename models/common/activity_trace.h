#pragma once
// The platform's own signals as a VCD file: translation requests and results, faults,
// interrupts, swap activity and the running process, each change stamped with the
// exact (loosely-timed, annotated) simulated time. Changes are buffered and written in
// time order at close, since the cpu runs ahead of the other threads within a quantum.
// Nothing is recorded outside the window; with no trace, models skip all of this.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "wave_window.h"

namespace mmusim {

class ActivityTrace {
 public:
  enum class Signal : unsigned {
    TranslationVa,   // 64 bits
    TranslationPa,   // 64
    AccessKind,      // 2: 0 read, 1 write, 2 fetch
    FaultCause,      // 4: 0 none
    TlbHit,          // 1
    Translation,     // 1: toggles with each translation
    MmuIrq,          // 1
    SwapIrq,         // 1
    SwapBusy,        // 1
    Pid,             // 16
  };

  ActivityTrace(const std::string& path, const WaveWindow& window);
  ~ActivityTrace();
  ActivityTrace(const ActivityTrace&) = delete;
  ActivityTrace& operator=(const ActivityTrace&) = delete;

  void change(std::uint64_t time_ps, Signal signal, std::uint64_t value);
  WaveWindow& window() { return window_; }
  // Writes the file (also done by the destructor). Throws std::runtime_error on failure.
  void close();

 private:
  struct Change {
    std::uint64_t time_ps;
    Signal signal;
    std::uint64_t value;
  };
  std::string path_;
  WaveWindow window_;
  std::vector<Change> changes_;
  bool closed_ = false;
};

}  // namespace mmusim
