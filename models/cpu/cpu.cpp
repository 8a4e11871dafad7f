#include "cpu.h"

#include <cstring>
#include <deque>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "interrupt.h"

namespace mmusim {

namespace {
constexpr std::size_t kMaxResidencySamples = 1024;

// The value a store writes: predictable from the process, the address and the version
// (the process's store count), so no two stores write the same bytes by accident.
std::uint64_t store_value(fw::Pid pid, std::uint64_t va, std::uint64_t version) {
  std::uint64_t x = va ^ (std::uint64_t{pid} << 56) ^ (version * 0x9E3779B97F4A7C15ull);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  return x ^ (x >> 29);
}

std::string hex_bytes(const unsigned char* bytes, std::uint32_t size) {
  std::ostringstream s;
  s << "0x" << std::hex << std::setfill('0');
  for (std::uint32_t i = std::min<std::uint32_t>(size, 16); i-- > 0;)
    s << std::setw(2) << unsigned(bytes[i]);
  if (size > 16) s << "...";
  return s.str();
}

fw::Syscall syscall_of(StreamOp op) {
  return op == StreamOp::Brk    ? fw::Syscall::Brk
         : op == StreamOp::Mmap ? fw::Syscall::Mmap
                                : fw::Syscall::Munmap;
}
}  // namespace

Cpu::Cpu(const sc_core::sc_module_name& name, const CpuConfig& config,
         std::vector<ProcessSpec> processes)
    : sc_core::sc_module(name),
      config_(config),
      hal_(phys, keeper_, irq, stats_.firmware),
      attr_(new MemAttr),
      buffer_(kMaxAccessBytes) {
  for (auto& spec : processes) {
    planned_accesses_ += spec.stream->length();
    Process p;
    p.spec = std::move(spec);
    processes_.push_back(std::move(p));
  }
  trans_.set_extension(attr_);
  trans_.set_data_ptr(buffer_.data());
  SC_HAS_PROCESS(Cpu);
  SC_THREAD(run);
}

void Cpu::run() {
  if (kernel_ == nullptr) {
    SC_REPORT_ERROR(name(), "no kernel attached");
    return;
  }
  keeper_.reset();
  started_ = last_progress_ = std::chrono::steady_clock::now();
  try {
    if (scenario_) {
      run_scenario();
    } else {
      schedule();
    }
  } catch (const SimulationFailure& e) {
    failure_ = e.what();
  }
  if (!failure_.empty()) failure_time_ = keeper_.get_current_time();
  keeper_.sync();
  hal_.disarm();  // a pending watchdog would keep the simulation going until it is due
  sample_residency();
  if (progress_shown_) std::cerr << '\n';
}

// A process of the workload starts: its address space, then what the loader maps into
// it (libraries, shared segments), each with its view in the integrity checker.
void Cpu::start(Process& p) {
  p.pid = kernel_->spawn(p.spec.regions);
  for (const LibraryMapping& lib : p.spec.libraries) {
    if (!kernel_->map_library(p.pid, lib.library, lib.va)) {
      throw SimulationFailure("pid " + std::to_string(p.pid) + ": cannot map library " +
                              std::to_string(lib.library));
    }
    p.shadow.map_library(lib.va, lib.va + kernel_->object_size(lib.library), lib.library);
  }
  for (const SegmentMapping& seg : p.spec.segments) {
    const unsigned id = kernel_->shm_get(seg.key, seg.size);
    if (!kernel_->shm_attach(p.pid, id, seg.va, seg.perms)) {
      throw SimulationFailure("pid " + std::to_string(p.pid) + ": cannot attach segment " +
                              seg.key);
    }
    // IPC_RMID once the last sharer has it: it lives until its last detach.
    if (seg.remove_after_attach) kernel_->shm_remove(id);
    auto& shadow = segment_shadows_[id];
    if (!shadow) shadow = std::make_shared<ShadowMemory>();
    p.shadow.attach(seg.va, seg.va + kernel_->object_size(id), shadow);
  }
  ready_.push_back(&p);
}

// fork(): the child runs on from here, with a copy of what its parent must read back.
void Cpu::fork(Process& parent) {
  const auto child_pid = kernel_->fork(parent.pid);
  ++stats_.syscalls;
  parent.spec.stream->on_syscall_result(child_pid);
  if (!child_pid) return;
  children_.emplace_back();
  Process& child = children_.back();
  child.pid = *child_pid;
  child.spec.stream = parent.spec.stream->fork_child(0x9E3779B97F4A7C15ull * (*child_pid + 1));
  child.shadow = parent.shadow;
  child.brk = parent.brk;
  child.mappings = parent.mappings;
  planned_accesses_ += child.spec.stream->length();
  ready_.push_back(&child);
}

void Cpu::switch_to(Process& p) {
  if (&p == running_) return;
  if (on_switch_) on_switch_(p.pid);
  kernel_->switch_to(p.pid);
  if (trace_ != nullptr) {
    trace_->change(static_cast<std::uint64_t>(keeper_.get_current_time().value()),
                   ActivityTrace::Signal::Pid, p.pid);
  }
  running_ = &p;
}

// Round robin over the started processes; process i starts at i * spawn_interval.
void Cpu::schedule() {
  std::deque<Process*>& ready = ready_;
  std::size_t next_start = 0;
  while (failure_.empty() && stats_.cut_short.empty()) {
    while (next_start < processes_.size() &&
           config_.spawn_interval * static_cast<double>(next_start) <= keeper_.get_current_time()) {
      start(processes_[next_start++]);
    }
    if (ready.empty()) {
      if (next_start == processes_.size()) return;
      // Idle until the next process starts.
      const sc_core::sc_time idle =
          config_.spawn_interval * static_cast<double>(next_start) - keeper_.get_current_time();
      keeper_.inc(idle);
      stats_.idle_ps += static_cast<std::uint64_t>(idle.value());
      keeper_.sync();
      continue;
    }
    Process* p = ready.front();
    ready.pop_front();
    switch_to(*p);
    if (!run_slice(*p, keeper_.get_current_time() + config_.timeslice)) ready.push_back(p);
    sample_residency();
    if (trace_ != nullptr) {
      trace_->settled(static_cast<std::uint64_t>(sc_core::sc_time_stamp().value()));
    }
  }
}

bool Cpu::run_slice(Process& p, const sc_core::sc_time& slice_end) {
  sc_core::sc_time now = keeper_.get_current_time();
  while (now < slice_end && failure_.empty()) {
    if (!p.spec.stream->next(p.pending)) {
      kernel_->exit(p.pid);
      ++stats_.processes_finished;
      return true;
    }
    switch (p.pending.op) {
      case StreamOp::Access: {
        const AccessOutcome outcome = complete(p);
        if (outcome == AccessOutcome::Killed || outcome == AccessOutcome::Failed) return true;
        if ((completed_ & 0x3FFF) == 0 && every_16k_accesses()) return false;
        if (bound_reached()) return false;
        break;
      }
      case StreamOp::Fork: fork(p); break;
      default: syscall(p); break;
    }
    now = keeper_.get_current_time();
    if (keeper_.need_sync_at(now)) keeper_.sync();
  }
  return !failure_.empty();
}

// A handled trap returns into the access that faulted: nothing else runs between the
// two, or another process could take the page away again before it is used.
Cpu::AccessOutcome Cpu::complete(Process& p) {
  if (issue(p)) return failure_.empty() ? AccessOutcome::Done : AccessOutcome::Failed;
  return complete_after_traps(p);
}

Cpu::AccessOutcome Cpu::complete_after_traps(Process& p) {
  for (unsigned traps = 0;; ++traps) {  // traps handled before the issue that trapped
    ++stats_.traps;
    if (traps == config_.max_traps_per_access) {
      std::ostringstream msg;
      msg << "pid " << p.pid << ": " << to_string(p.pending.kind) << " at VA 0x" << std::hex
          << p.pending.va << " still traps after " << std::dec << config_.max_traps_per_access
          << " handled faults (time " << keeper_.get_current_time() << ")";
      failure_ = msg.str();
      return AccessOutcome::Failed;
    }
    if (const auto killed = kernel_->handle_trap(p.pid)) {
      std::cerr << "mmusim: pid " << killed->pid << " killed: " << killed->reason << " ("
                << to_string(killed->access) << " at VA 0x" << std::hex << killed->va << std::dec
                << ", " << sv::to_string(killed->cause) << ", time " << keeper_.get_current_time()
                << ")\n";
      ++stats_.processes_killed;
      return AccessOutcome::Killed;
    }
    if (keeper_.need_sync()) keeper_.sync();
    if (issue(p)) return failure_.empty() ? AccessOutcome::DoneAfterTraps : AccessOutcome::Failed;
  }
}

// Memory that leaves the address space (brk shrinking, munmap) comes back zero-filled
// if it is ever mapped again, so the shadow forgets it too.
void Cpu::syscall(Process& p) {
  ++stats_.syscalls;
  const std::uint64_t arg = p.pending.va;
  const auto result = kernel_->syscall(p.pid, syscall_of(p.pending.op), arg);
  if (result) {
    switch (p.pending.op) {
      case StreamOp::Brk:
        if (*result < p.brk) p.shadow.forget(*result, p.brk);
        p.brk = *result;
        break;
      case StreamOp::Mmap: p.mappings[*result] = arg; break;
      case StreamOp::Munmap:
        p.shadow.forget(arg, arg + p.mappings[arg]);
        p.mappings.erase(arg);
        break;
      case StreamOp::Access:
      case StreamOp::Fork: break;
    }
  }
  p.spec.stream->on_syscall_result(result);
}

bool Cpu::issue(Process& p) {
  const Access& access = p.pending;
  const bool write = access.kind == AccessKind::Write;
  if (write) {
    const std::uint64_t value =
        store_value_ ? *store_value_ : store_value(p.pid, access.va, p.stores);
    for (std::uint32_t i = 0; i < access.size; i += 8) {
      std::memcpy(&buffer_[i], &value, std::min<std::uint32_t>(8, access.size - i));
    }
  }
  trans_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  trans_.set_address(access.va);
  trans_.set_data_length(access.size);
  trans_.set_streaming_width(access.size);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  attr_->set_ctx(sv::AccessContext{access.kind, Privilege::User, false, false});

  sc_core::sc_time delay = keeper_.get_local_time();
  data->b_transport(trans_, delay);
  keeper_.set(delay);
  if (!trans_.is_response_ok()) return false;

  keeper_.inc(config_.access_time);
  stats_.compute_ps += static_cast<std::uint64_t>(config_.access_time.value());
  ++stats_.accesses;
  ++completed_;
  switch (access.kind) {
    case AccessKind::Read: ++stats_.reads; break;
    case AccessKind::Write: ++stats_.writes; break;
    case AccessKind::Fetch: ++stats_.fetches; break;
  }
  if (write) {
    ++p.stores;
    if (config_.check_reads) p.shadow.write(access.va, buffer_.data(), access.size);
  } else if (config_.check_reads) {
    ++stats_.reads_verified;
    if (!p.shadow.matches(access.va, buffer_.data(), access.size)) report_mismatch(p);
  }
  if (kernel_->wants_every_access()) kernel_->observe_access(p.pid, access.va, access.next_use);
  if (windows_.active()) measurement_mark();
  return true;
}

void Cpu::set_measurement(MeasurementWindows windows) {
  windows_ = std::move(windows);
  warming_up_ = windows_.warmup_accesses != 0;
  next_snapshot_access_ = windows_.interval_accesses;
  next_snapshot_time_ = windows_.interval_time;
}

void Cpu::restart_stats() {
  CpuStats fresh;
  fresh.cut_short = stats_.cut_short;
  stats_ = fresh;
}

void Cpu::measurement_mark() {
  const sc_core::sc_time now = keeper_.get_current_time();
  if (warming_up_) {
    if (completed_ < windows_.warmup_accesses) return;
    warming_up_ = false;
    windows_.warmup_done(now);
    next_snapshot_time_ = windows_.interval_time == sc_core::SC_ZERO_TIME
                              ? sc_core::SC_ZERO_TIME
                              : now + windows_.interval_time;
    return;
  }
  bool due = false;
  if (next_snapshot_access_ != 0 && stats_.accesses >= next_snapshot_access_) {
    due = true;
    next_snapshot_access_ += windows_.interval_accesses;
  }
  if (next_snapshot_time_ != sc_core::SC_ZERO_TIME && now >= next_snapshot_time_) {
    due = true;
    while (next_snapshot_time_ <= now) next_snapshot_time_ += windows_.interval_time;
  }
  if (due) windows_.snapshot(now);
}

void Cpu::report_mismatch(Process& p) {
  const Access& access = p.pending;
  ++stats_.mismatches;
  std::vector<unsigned char> expected(access.size);
  p.shadow.expected(access.va, expected.data(), access.size);
  std::ostringstream msg;
  msg << "data mismatch: pid " << p.pid << " " << to_string(access.kind) << " of " << access.size
      << " bytes at VA 0x" << std::hex << access.va << std::dec << ": expected "
      << hex_bytes(expected.data(), access.size) << ", got "
      << hex_bytes(buffer_.data(), access.size) << " (time " << keeper_.get_current_time()
      << ", access " << completed_ << ")";
  failure_ = msg.str();
}

// The timeline gets each timeslice's count. The stats keep at most one sample per
// timeslice; past kMaxResidencySamples every other one is dropped and the spacing
// doubles, so long runs keep a bounded, even picture.
void Cpu::sample_residency() {
  const std::uint64_t now_ps = keeper_.get_current_time().value();
  if (trace_ != nullptr) trace_->resident_frames(now_ps, kernel_->stats().user_frames_in_use);
  auto& samples = stats_.resident_frames;
  if (samples.empty()) sample_spacing_ps_ = config_.timeslice.value();
  if (!samples.empty() && now_ps - last_sample_ps_ < sample_spacing_ps_) return;
  last_sample_ps_ = now_ps;
  samples.emplace_back(now_ps, kernel_->stats().user_frames_in_use);
  if (samples.size() > kMaxResidencySamples) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < samples.size(); i += 2) samples[kept++] = samples[i];
    samples.resize(kept);
    sample_spacing_ps_ *= 2;
  }
}

bool Cpu::check_bounds() {
  if (config_.max_accesses != 0 && completed_ >= config_.max_accesses) {
    stats_.cut_short = "max_accesses";
  } else if (config_.max_time != sc_core::SC_ZERO_TIME &&
             keeper_.get_current_time() >= config_.max_time) {
    stats_.cut_short = "max_sim_time";
  }
  return !stats_.cut_short.empty();
}

// The progress line's clock is read every 16K accesses (cheap), the line redrawn once a
// second; a signal (interrupt.h) ends the run there, as a bound would.
bool Cpu::every_16k_accesses() {
  if (progress_) report_progress();
  if (interrupt::caught() == 0) return false;
  stats_.cut_short = "interrupted";
  return true;
}

void Cpu::report_progress() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < std::chrono::seconds(1)) return;
  last_progress_ = now;
  progress_shown_ = true;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const double done = static_cast<double>(completed_);
  const double planned = static_cast<double>(std::max<std::uint64_t>(planned_accesses_, 1));
  const double rate = done / seconds;
  const double left = rate > 0 && planned > done ? (planned - done) / rate : 0;
  std::cerr << "\rmmusim: " << completed_ << " of " << planned_accesses_ << " accesses ("
            << std::fixed << std::setprecision(0) << 100.0 * done / planned << "%), "
            << std::setprecision(2) << rate / 1e6 << "M/s, " << std::setprecision(0) << seconds
            << " s, about " << left << " s left   " << std::flush;
}

}  // namespace mmusim
