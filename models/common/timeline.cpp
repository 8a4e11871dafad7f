#include "timeline.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

#include "hex.h"

namespace mmusim {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Trace-event times are microseconds; simulated picoseconds keep all their digits.
std::string micros(std::uint64_t ps) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                static_cast<unsigned long long>(ps % 1000000));
  return text;
}

// "minor fault: zero-filled heap page 3 into frame 7" -> "minor fault"; "evict frame 9
// (...)" -> "evict frame"; "map library 'libc'" -> "map library": the kind, for the
// event's name (the whole text goes in its arguments).
std::string kind_of(const std::string& what) {
  std::string head = what.substr(0, what.find_first_of(":'(0123456789"));
  while (!head.empty() && head.back() == ' ') head.pop_back();
  return head.empty() ? what : head;
}

// Fault-rate counter bins.
constexpr std::uint64_t kRateBinPs = 100'000'000;  // 100 us

}  // namespace

Timeline::~Timeline() {
  try {
    close();
  } catch (const std::exception&) {
    // Reported by an explicit close(); a destructor must not throw.
  }
}

bool Timeline::full(std::uint64_t time_ps) {
  if (events_.size() < kMaxEvents) return false;
  if (stopped_at_ps_ == 0) stopped_at_ps_ = std::max<std::uint64_t>(time_ps, 1);
  return true;
}

void Timeline::add_track(unsigned pid) {
  if (std::find(processes_.begin(), processes_.end(), pid) == processes_.end()) {
    processes_.push_back(pid);
  }
}

void Timeline::end_running(std::uint64_t time_ps) {
  if (!has_running_) return;
  events_.push_back({'E', running_pid_, time_ps, 0, "running", ""});
  has_running_ = false;
}

void Timeline::running(std::uint64_t time_ps, unsigned pid) {
  if (has_running_ && running_pid_ == pid) return;
  if (full(time_ps)) return;
  end_running(time_ps);
  add_track(pid);
  events_.push_back({'B', pid, time_ps, 0, "running", ""});
  has_running_ = true;
  running_pid_ = pid;
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::swap_busy(std::uint64_t time_ps, bool busy) {
  if (busy == swap_busy_ || (busy && full(time_ps))) return;
  swap_busy_ = busy;
  events_.push_back({busy ? 'B' : 'E', kSwapTrack, time_ps, 0, "command", ""});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::walk(std::uint64_t time_ps, std::uint64_t duration_ps, std::uint64_t va,
                    unsigned level, bool walk_cache_hit, const char* outcome) {
  if (full(time_ps)) return;
  events_.push_back({'X', kMmuTrack, time_ps, duration_ps, "walk",
                     "\"va\":" + quoted(hex(va)) + ",\"level\":" + std::to_string(level) +
                         ",\"walk_cache_hit\":" + (walk_cache_hit ? "true" : "false") +
                         ",\"outcome\":" + quoted(outcome)});
  last_ps_ = std::max(last_ps_, time_ps + duration_ps);
}

void Timeline::flush(std::uint64_t time_ps, const char* kind) {
  if (full(time_ps)) return;
  events_.push_back({'i', kMmuTrack, time_ps, 0, std::string("flush ") + kind, ""});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::vm_event(std::uint64_t time_ps, unsigned pid, std::uint64_t va,
                        const std::string& what) {
  if (full(time_ps)) return;
  add_track(pid);
  std::string args = "\"what\":" + quoted(what);
  if (va != ~std::uint64_t{0}) args += ",\"va\":" + quoted(hex(va));
  events_.push_back({'i', pid, time_ps, 0, kind_of(what), args});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::counter(const char* name, std::uint64_t time_ps, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  events_.push_back({'C', kMmuTrack, time_ps, 0, name, quoted("value") + ":" + text});
}

void Timeline::close() {
  if (closed_) return;
  closed_ = true;
  if (stopped_at_ps_ != 0) last_ps_ = std::min(last_ps_, stopped_at_ps_);
  end_running(last_ps_);
  if (swap_busy_) swap_busy(last_ps_, false);
  // The page-fault rate, per 100 us of simulated time.
  std::map<std::uint64_t, unsigned> faults_per_bin;
  for (const Event& e : events_) {
    if (e.phase == 'i' && (e.name == "minor fault" || e.name == "major fault")) {
      ++faults_per_bin[e.time_ps / kRateBinPs];
    }
  }
  if (!faults_per_bin.empty()) {
    for (std::uint64_t bin = 0; bin <= faults_per_bin.rbegin()->first + 1; ++bin) {
      const auto it = faults_per_bin.find(bin);
      counter("page faults per 100 us", bin * kRateBinPs, it == faults_per_bin.end() ? 0 : it->second);
    }
  }
  // In time order; at one instant an end comes before the begin that follows it.
  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    if (a.time_ps != b.time_ps) return a.time_ps < b.time_ps;
    return a.phase == 'E' && b.phase != 'E';
  });
  // Written as it is formatted: a copy of every event as text had doubled the peak memory.
  std::ofstream out(path_);
  out << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  const auto line = [&](const std::string& text) {
    out << (first ? "" : ",\n") << text;
    first = false;
  };
  const auto name_track = [&](unsigned track, const std::string& name) {
    const std::string ids = ",\"pid\":" + std::to_string(track) + ",\"tid\":" + std::to_string(track);
    line("{\"ph\":\"M\",\"name\":\"process_name\"" + ids + ",\"args\":{\"name\":" +
         quoted(name) + "}}");
    line("{\"ph\":\"M\",\"name\":\"process_sort_index\"" + ids +
         ",\"args\":{\"sort_index\":" + std::to_string(track) + "}}");
  };
  std::vector<unsigned> pids = processes_;
  std::sort(pids.begin(), pids.end());
  for (const unsigned pid : pids) name_track(pid, "process " + std::to_string(pid));
  name_track(kMmuTrack, "mmu");
  name_track(kSwapTrack, "swap device");
  for (const Event& e : events_) {
    std::string text = std::string("{\"ph\":\"") + e.phase + "\",\"name\":" + quoted(e.name) +
                       ",\"pid\":" + std::to_string(e.track) + ",\"tid\":" +
                       std::to_string(e.track) + ",\"ts\":" + micros(e.time_ps);
    if (e.phase == 'X') text += ",\"dur\":" + micros(e.duration_ps);
    if (e.phase == 'i') text += ",\"s\":\"t\"";
    if (!e.args.empty()) text += ",\"args\":{" + e.args + "}";
    line(text + "}");
  }
  out << "\n]}\n";
  if (!out) throw std::runtime_error(path_ + ": cannot write the timeline");
}

}  // namespace mmusim
