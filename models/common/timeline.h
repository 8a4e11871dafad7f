#pragma once
// A run's timeline (`mmusim run --timeline FILE.json`) in the Chrome / Perfetto
// trace-event format: it opens in ui.perfetto.dev and in chrome://tracing. One track per
// simulated process with its time slices and its virtual-memory events (page faults by
// kind, COW faults, evictions, forks...); an "mmu" track with every page-table walk (a
// slice as long as the translation, its leaf level and outcome as arguments) and TLB
// flush; a "swap" track with each command the device was busy for; counters for the
// resident user frames and the page-fault rate. Times are simulated (1 us in the file =
// 1 us simulated); events are written in time order, as the simulation settles
// (settled_events.h), so that a long run's timeline does not wait in memory.

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mmusim {

class Timeline {
 public:
  explicit Timeline(std::string path) : path_(std::move(path)) {}
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  void running(std::uint64_t time_ps, unsigned pid);  // a context switch to pid
  void swap_busy(std::uint64_t time_ps, bool busy);
  // A walk: its leaf level, whether it started from the walk cache, and how it ended.
  void walk(std::uint64_t time_ps, std::uint64_t duration_ps, std::uint64_t va, unsigned level,
            bool walk_cache_hit, const char* outcome);
  void flush(std::uint64_t time_ps, const char* kind);
  // A kernel event ("minor fault: zero-filled ...") on pid's track, named by its kind.
  void vm_event(std::uint64_t time_ps, unsigned pid, std::uint64_t va, const std::string& what);
  void counter(const char* name, std::uint64_t time_ps, double value);
  // No event will come before `time_ps` any more (the simulation's global time).
  void settled(std::uint64_t time_ps) {
    if (buffered_.size() >= kEventsBuffered) write_before(time_ps);
  }
  // Writes the rest of the file (also done by the destructor). Throws std::runtime_error
  // on failure.
  void close();
  // A timeline holds at most kMaxEvents (about 530 MB of JSON); past that it records
  // nothing more, and says where it stopped (0: it did not).
  static constexpr std::size_t kMaxEvents = 4'000'000;
  std::uint64_t stopped_at_ps() const { return stopped_at_ps_; }

  static constexpr unsigned kMmuTrack = 100000;  // trace-event pids of the device tracks
  static constexpr unsigned kSwapTrack = 100001;

 private:
  struct Event {
    char phase;  // B E X i C
    unsigned track;
    std::uint64_t time_ps;
    std::uint64_t duration_ps;
    std::string name;
    std::string args;  // a JSON object's members, "" for none
  };
  static constexpr std::size_t kEventsBuffered = std::size_t{1} << 16;
  void record(Event event);
  void end_running(std::uint64_t time_ps);
  bool full(std::uint64_t time_ps);
  // Adds the fault-rate counter of every 100 us bin that ends by `time_ps`.
  void count_faults_before(std::uint64_t time_ps);
  // Counts the fault-rate bins that end by `time_ps`, and writes what is settled.
  void write_before(std::uint64_t time_ps);
  // Writes the buffered events before `time_ps` in time order.
  void write_events_before(std::uint64_t time_ps);
  void write(const Event& e);
  void write_line(const std::string& text);
  void name_track(unsigned track, const std::string& name);

  std::string path_;
  std::ofstream out_;
  std::vector<Event> buffered_;
  std::size_t recorded_ = 0;
  std::uint64_t last_written_ps_ = 0;  // the time of the last event written
  std::vector<unsigned> named_tracks_;
  std::map<std::uint64_t, unsigned> faults_per_bin_;  // bins not yet counted
  std::uint64_t next_bin_ = 0;                       // the first bin not yet counted
  bool has_running_ = false;
  unsigned running_pid_ = 0;
  bool swap_busy_ = false;
  std::uint64_t last_ps_ = 0;
  bool closed_ = false;
  std::uint64_t stopped_at_ps_ = 0;
};

}  // namespace mmusim
