#pragma once
// Trace events are recorded out of time order (the cpu runs ahead of the other threads
// within a quantum), but never before the simulation's global time: every thread's local
// time is at least that. So a trace can buffer its events and, once the global time has
// passed some of them, write those in time order and forget them: memory stays bounded
// on a long run, and the file is the one a sort of every event at the end would give.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mmusim {

// Sorts `events` (stably: events at one instant keep the order `earlier` leaves them in,
// then the order they were recorded in), hands those before `time_ps` to `write` in that
// order and drops them. Each Event has a `time_ps`.
template <typename Event, typename Earlier, typename Write>
void write_settled(std::vector<Event>& events, std::uint64_t time_ps, Earlier earlier,
                   Write write) {
  std::stable_sort(events.begin(), events.end(), earlier);
  const auto end = std::partition_point(events.begin(), events.end(),
                                        [&](const Event& e) { return e.time_ps < time_ps; });
  std::for_each(events.begin(), end, write);
  events.erase(events.begin(), end);
}

}  // namespace mmusim
