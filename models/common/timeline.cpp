#include "timeline.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "hex.h"
#include "settled_events.h"

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
  if (recorded_ < kMaxEvents) return false;
  if (stopped_at_ps_ == 0) stopped_at_ps_ = std::max<std::uint64_t>(time_ps, 1);
  return true;
}

void Timeline::record(Event event) {
  if (event.time_ps < last_written_ps_) {
    throw std::logic_error("timeline: an event at " + std::to_string(event.time_ps) +
                           " ps after one at " + std::to_string(last_written_ps_) +
                           " ps was written");
  }
  if (event.phase == 'i' && (event.name == "minor fault" || event.name == "major fault")) {
    ++faults_per_bin_[event.time_ps / kRateBinPs];
  }
  buffered_.push_back(std::move(event));
  ++recorded_;
}

void Timeline::end_running(std::uint64_t time_ps) {
  if (!has_running_) return;
  record({'E', running_pid_, time_ps, 0, "running", ""});
  has_running_ = false;
}

void Timeline::running(std::uint64_t time_ps, unsigned pid) {
  if (has_running_ && running_pid_ == pid) return;
  if (full(time_ps)) return;
  end_running(time_ps);
  record({'B', pid, time_ps, 0, "running", ""});
  has_running_ = true;
  running_pid_ = pid;
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::swap_busy(std::uint64_t time_ps, bool busy) {
  if (busy == swap_busy_ || (busy && full(time_ps))) return;
  swap_busy_ = busy;
  record({busy ? 'B' : 'E', kSwapTrack, time_ps, 0, "command", ""});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::walk(std::uint64_t time_ps, std::uint64_t duration_ps, std::uint64_t va,
                    unsigned level, bool walk_cache_hit, const char* outcome) {
  if (full(time_ps)) return;
  record({'X', kMmuTrack, time_ps, duration_ps, "walk",
          "\"va\":" + quoted(hex(va)) + ",\"level\":" + std::to_string(level) +
              ",\"walk_cache_hit\":" + (walk_cache_hit ? "true" : "false") +
              ",\"outcome\":" + quoted(outcome)});
  last_ps_ = std::max(last_ps_, time_ps + duration_ps);
}

void Timeline::flush(std::uint64_t time_ps, const char* kind) {
  if (full(time_ps)) return;
  record({'i', kMmuTrack, time_ps, 0, std::string("flush ") + kind, ""});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::vm_event(std::uint64_t time_ps, unsigned pid, std::uint64_t va,
                        const std::string& what) {
  if (full(time_ps)) return;
  std::string args = "\"what\":" + quoted(what);
  if (va != ~std::uint64_t{0}) args += ",\"va\":" + quoted(hex(va));
  record({'i', pid, time_ps, 0, kind_of(what), args});
  last_ps_ = std::max(last_ps_, time_ps);
}

void Timeline::counter(const char* name, std::uint64_t time_ps, double value) {
  if (full(time_ps)) return;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  record({'C', kMmuTrack, time_ps, 0, name, quoted("value") + ":" + text});
}

// A bin's count is final once the time has passed its end: no fault can come before it.
void Timeline::count_faults_before(std::uint64_t time_ps) {
  for (; (next_bin_ + 1) * kRateBinPs <= time_ps; ++next_bin_) {
    const auto it = faults_per_bin_.find(next_bin_);
    const unsigned faults = it == faults_per_bin_.end() ? 0 : it->second;
    if (it != faults_per_bin_.end()) faults_per_bin_.erase(it);
    char text[32];
    std::snprintf(text, sizeof text, "%u", faults);
    record({'C', kMmuTrack, next_bin_ * kRateBinPs, 0, "page faults per 100 us",
            quoted("value") + ":" + text});
  }
}

void Timeline::write_line(const std::string& text) {
  if (!out_.is_open()) {
    out_.open(path_);
    out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  } else {
    out_ << ",\n";
  }
  out_ << text;
}

void Timeline::name_track(unsigned track, const std::string& name) {
  const std::string ids = ",\"pid\":" + std::to_string(track) + ",\"tid\":" + std::to_string(track);
  write_line("{\"ph\":\"M\",\"name\":\"process_name\"" + ids + ",\"args\":{\"name\":" +
             quoted(name) + "}}");
  write_line("{\"ph\":\"M\",\"name\":\"process_sort_index\"" + ids +
             ",\"args\":{\"sort_index\":" + std::to_string(track) + "}}");
}

void Timeline::write(const Event& e) {
  // A track is named before its first event.
  if (std::find(named_tracks_.begin(), named_tracks_.end(), e.track) == named_tracks_.end()) {
    named_tracks_.push_back(e.track);
    name_track(e.track, e.track == kMmuTrack    ? std::string("mmu")
                        : e.track == kSwapTrack ? std::string("swap device")
                                                : "process " + std::to_string(e.track));
  }
  std::string text = std::string("{\"ph\":\"") + e.phase + "\",\"name\":" + quoted(e.name) +
                     ",\"pid\":" + std::to_string(e.track) + ",\"tid\":" +
                     std::to_string(e.track) + ",\"ts\":" + micros(e.time_ps);
  if (e.phase == 'X') text += ",\"dur\":" + micros(e.duration_ps);
  if (e.phase == 'i') text += ",\"s\":\"t\"";
  if (!e.args.empty()) text += ",\"args\":{" + e.args + "}";
  write_line(text + "}");
  last_written_ps_ = e.time_ps;
}

void Timeline::write_before(std::uint64_t time_ps) {
  count_faults_before(time_ps);
  // The bin `time_ps` falls in is counted later, at its start: nothing after that start
  // may be written before it.
  write_events_before(std::min(time_ps, next_bin_ * kRateBinPs));
}

void Timeline::write_events_before(std::uint64_t time_ps) {
  // At one instant an end comes before the begin that follows it.
  write_settled(
      buffered_, time_ps,
      [](const Event& a, const Event& b) {
        if (a.time_ps != b.time_ps) return a.time_ps < b.time_ps;
        return a.phase == 'E' && b.phase != 'E';
      },
      [&](const Event& e) { write(e); });
  if (out_.is_open() && !out_) throw std::runtime_error(path_ + ": cannot write the timeline");
}

void Timeline::close() {
  if (closed_) return;
  closed_ = true;
  if (stopped_at_ps_ != 0) last_ps_ = std::min(last_ps_, stopped_at_ps_);
  last_ps_ = std::max(last_ps_, last_written_ps_);
  end_running(last_ps_);
  if (swap_busy_) swap_busy(last_ps_, false);
  // The fault rate through the bin after the last fault (or the one the run ends in).
  std::uint64_t last_bin = last_ps_ / kRateBinPs;
  if (!faults_per_bin_.empty()) last_bin = std::max(last_bin, faults_per_bin_.rbegin()->first + 1);
  count_faults_before((last_bin + 1) * kRateBinPs);
  write_events_before(~std::uint64_t{0});
  if (!out_.is_open()) write_line("");  // no event at all: the header alone
  out_ << "\n]}\n";
  out_.close();
  if (!out_) throw std::runtime_error(path_ + ": cannot write the timeline");
}

}  // namespace mmusim
