#include "activity_trace.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "settled_events.h"

namespace mmusim {

namespace {

struct SignalInfo {
  const char* scope;
  const char* name;
  unsigned width;
};

constexpr SignalInfo kSignals[] = {
    {"mmu", "va", 64},     {"mmu", "pa", 64},         {"mmu", "kind", 2}, {"mmu", "fault_cause", 4},
    {"mmu", "tlb_hit", 1}, {"mmu", "translation", 1}, {"irq", "mmu", 1},  {"irq", "swap", 1},
    {"swap", "busy", 1},   {"cpu", "pid", 16},
};

static_assert(std::size(kSignals) == ActivityTrace::kSignalCount);

// VCD identifier codes: one printable character each.
char code(unsigned index) { return static_cast<char>('!' + index); }

void write_value(std::ostream& out, unsigned width, std::uint64_t value, unsigned index) {
  if (width == 1) {
    out << (value & 1) << code(index) << '\n';
    return;
  }
  out << 'b';
  bool leading = true;
  for (unsigned bit = width; bit-- > 0;) {
    const bool one = (value >> bit) & 1;
    if (one) leading = false;
    if (!leading || bit == 0) out << (one ? '1' : '0');
  }
  out << ' ' << code(index) << '\n';
}

}  // namespace

ActivityTrace::ActivityTrace(const std::string& path, const WaveWindow& window, Timeline* timeline)
    : path_(path), window_(window), timeline_(timeline) {
  window_.arm();
}

ActivityTrace::~ActivityTrace() {
  try {
    close();
  } catch (const std::exception&) {
    // Reported by an explicit close(); a destructor must not throw.
  }
}

void ActivityTrace::change(std::uint64_t time_ps, Signal signal, std::uint64_t value) {
  if (timeline_ != nullptr) {
    if (signal == Signal::Pid) timeline_->running(time_ps, static_cast<unsigned>(value));
    if (signal == Signal::SwapBusy) timeline_->swap_busy(time_ps, value != 0);
  }
  if (path_.empty()) return;
  // The first change at or after the window's start (in it, or past its end when nothing
  // changed within it): the values before it are those the window starts with.
  if (!opened_ && window_.reached(time_ps)) {
    opened_ = true;
    std::copy(std::begin(current_), std::end(current_), std::begin(initial_));
  }
  if (window_.open(time_ps)) {
    if (time_ps < written_before_) {
      throw std::logic_error("activity trace: a change at " + std::to_string(time_ps) +
                             " ps after the trace settled at " + std::to_string(written_before_));
    }
    changes_.push_back({time_ps, signal, value});
    last_ps_ = std::max(last_ps_, time_ps);
  }
  current_[static_cast<unsigned>(signal)] = value;
}

void ActivityTrace::close() {
  if (closed_) return;
  closed_ = true;
  if (path_.empty()) return;
  write_before(~std::uint64_t{0});
  out_.close();
  if (!out_) throw std::runtime_error("cannot write " + path_);
}

void ActivityTrace::write_header() {
  out_.open(path_);
  out_ << "$timescale 1ps $end\n";
  const char* scope = "";
  for (unsigned i = 0; i < std::size(kSignals); ++i) {
    if (std::string(scope) != kSignals[i].scope) {
      if (*scope != '\0') out_ << "$upscope $end\n";
      scope = kSignals[i].scope;
      out_ << "$scope module " << scope << " $end\n";
    }
    out_ << "$var wire " << kSignals[i].width << ' ' << code(i) << ' ' << kSignals[i].name;
    if (kSignals[i].width > 1) out_ << " [" << kSignals[i].width - 1 << ":0]";
    out_ << " $end\n";
  }
  out_ << "$upscope $end\n$enddefinitions $end\n";
  // Every signal's value at the window's first instant.
  stamped_ps_ = first_ps();
  out_ << '#' << stamped_ps_ << "\n$dumpvars\n";
  for (unsigned i = 0; i < kSignalCount; ++i) write_value(out_, kSignals[i].width, initial_[i], i);
  out_ << "$end\n";
}

void ActivityTrace::write_before(std::uint64_t time_ps) {
  if (!out_.is_open()) write_header();
  write_settled(
      changes_, time_ps, [](const Change& a, const Change& b) { return a.time_ps < b.time_ps; },
      [&](const Change& c) {
        if (c.time_ps != stamped_ps_) {
          out_ << '#' << c.time_ps << '\n';
          stamped_ps_ = c.time_ps;
        }
        const auto index = static_cast<unsigned>(c.signal);
        write_value(out_, kSignals[index].width, c.value, index);
      });
  written_before_ = std::max(written_before_, time_ps);
  if (!out_) throw std::runtime_error("cannot write " + path_);
}

}  // namespace mmusim
