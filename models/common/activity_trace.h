#pragma once
// The platform's own signals as a VCD file: translation requests and results, faults,
// interrupts, swap activity and the running process, each change stamped with the
// exact (loosely-timed, annotated) simulated time. Changes are buffered and written in
// time order, since the cpu runs ahead of the other threads within a quantum: those
// before the time settled() says no change can precede any more go out once 2^18
// are buffered, the rest at close, so memory stays bounded on a long run.
// Nothing is recorded outside the window, but every signal's value is tracked, so that
// the file gives each one its value from the window's first instant (no X until the
// first change). With no trace, models skip all of this.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "timeline.h"
#include "wave_window.h"

namespace mmusim {

class ActivityTrace {
 public:
  enum class Signal : unsigned {
    TranslationVa,  // 64 bits
    TranslationPa,  // 64
    AccessKind,     // 2: 0 read, 1 write, 2 fetch
    FaultCause,     // 4: 0 none
    TlbHit,         // 1
    Translation,    // 1: toggles with each translation
    MmuIrq,         // 1
    SwapIrq,        // 1
    SwapBusy,       // 1
    Pid,            // 16
  };

  static constexpr unsigned kSignalCount = static_cast<unsigned>(Signal::Pid) + 1;

  // `path` "": no VCD; `timeline` (may be null) also gets the running process, swap
  // activity, walks and flushes, unwindowed.
  ActivityTrace(const std::string& path, const WaveWindow& window, Timeline* timeline = nullptr);
  ~ActivityTrace();
  ActivityTrace(const ActivityTrace&) = delete;
  ActivityTrace& operator=(const ActivityTrace&) = delete;

  void change(std::uint64_t time_ps, Signal signal, std::uint64_t value);
  // No change will come before `time_ps` any more (the simulation's global time: every
  // thread's local time is at least that).
  void settled(std::uint64_t time_ps) {
    if (changes_.size() >= kChangesBuffered) write_before(time_ps);
    if (timeline_ != nullptr) timeline_->settled(time_ps);
  }
  // Events only the timeline shows.
  void walk(std::uint64_t time_ps, std::uint64_t duration_ps, std::uint64_t va, unsigned level,
            bool walk_cache_hit, const char* outcome) {
    if (timeline_ != nullptr) {
      timeline_->walk(time_ps, duration_ps, va, level, walk_cache_hit, outcome);
    }
  }
  void flush(std::uint64_t time_ps, const char* kind) {
    if (timeline_ != nullptr) timeline_->flush(time_ps, kind);
  }
  void resident_frames(std::uint64_t time_ps, std::uint64_t frames) {
    if (timeline_ != nullptr) timeline_->counter("resident user frames", time_ps, frames);
  }
  WaveWindow& window() { return window_; }
  // The first and last instant the file holds (0, 0 when the window never opened).
  std::uint64_t first_ps() const { return opened_ ? window_.from_ps : 0; }
  std::uint64_t last_ps() const { return last_ps_; }
  // Writes the file (also done by the destructor). Throws std::runtime_error on failure.
  void close();

 private:
  struct Change {
    std::uint64_t time_ps;
    Signal signal;
    std::uint64_t value;
  };
  static constexpr std::size_t kChangesBuffered = std::size_t{1} << 18;  // 6 MiB
  // Writes the buffered changes before `time_ps` in time order (the header first).
  void write_before(std::uint64_t time_ps);
  void write_header();
  std::string path_;
  std::ofstream out_;
  std::uint64_t written_before_ = 0;  // every change before this time is written
  std::uint64_t stamped_ps_ = 0;      // the time of the file's last #time line
  WaveWindow window_;
  Timeline* timeline_;
  std::vector<Change> changes_;
  std::uint64_t current_[kSignalCount] = {};  // every signal's latest value
  std::uint64_t initial_[kSignalCount] = {};  // ... when the window opened
  bool opened_ = false;
  std::uint64_t last_ps_ = 0;
  bool closed_ = false;
};

}  // namespace mmusim
