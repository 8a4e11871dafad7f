#pragma once
// When waveforms are recorded: a fixed window of simulated time, or a window that opens
// at a trigger (the first fault) and stays open for a given span. Times in picoseconds.

#include <cstdint>
#include <limits>

namespace mmusim {

struct WaveWindow {
  enum class Trigger { None, Fault };
  static constexpr std::uint64_t kForever = std::numeric_limits<std::uint64_t>::max();

  std::uint64_t from_ps = 0;
  std::uint64_t to_ps = kForever;
  Trigger trigger = Trigger::None;
  std::uint64_t span_ps = 10'000'000;  // how long a triggered window stays open (10 us)

  bool reached(std::uint64_t now_ps) const { return !waiting_ && now_ps >= from_ps; }
  bool open(std::uint64_t now_ps) const { return reached(now_ps) && now_ps <= to_ps; }
  // A fault happened at now_ps: opens a triggered window.
  void fault(std::uint64_t now_ps) {
    if (!waiting_) return;
    waiting_ = false;
    from_ps = now_ps;
    to_ps = now_ps + span_ps;
  }
  void arm() { waiting_ = trigger != Trigger::None; }
  // A trigger fired: from_ps is when.
  bool triggered() const { return trigger != Trigger::None && !waiting_; }

 private:
  bool waiting_ = false;  // a trigger has not fired yet
};

}  // namespace mmusim
