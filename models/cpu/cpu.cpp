#include "cpu.h"

#include <cstring>
#include <deque>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace mmusim {

namespace {
constexpr std::uint32_t kMaxAccessBytes = 4096;

// The value a store writes: a mix of who wrote it, where, and when.
std::uint64_t store_value(fw::Pid pid, std::uint64_t va, std::uint64_t sequence) {
  std::uint64_t x = va ^ (std::uint64_t{pid} << 56) ^ (sequence * 0x9E3779B97F4A7C15ull);
  x ^= x >> 31;
  return x * 0xBF58476D1CE4E5B9ull;
}
}  // namespace

Cpu::Cpu(const sc_core::sc_module_name& name, const CpuConfig& config,
         std::vector<ProcessSpec> processes)
    : sc_core::sc_module(name),
      config_(config),
      hal_(phys, keeper_),
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
    std::deque<Process*> ready;
    for (auto& p : processes_) {
      p.pid = kernel_->spawn(p.spec.regions);
      ready.push_back(&p);
    }
    const Process* running = nullptr;
    while (!ready.empty() && failure_.empty()) {
      Process* p = ready.front();
      ready.pop_front();
      if (p != running) kernel_->switch_to(p->pid);
      running = p;
      if (!run_slice(*p, keeper_.get_current_time() + config_.timeslice)) {
        ready.push_back(p);
      }
    }
  } catch (const HalError& e) {
    failure_ = e.what();
  }
  keeper_.sync();
  if (progress_shown_) std::cerr << '\n';
}

bool Cpu::run_slice(Process& p, const sc_core::sc_time& slice_end) {
  while (keeper_.get_current_time() < slice_end) {
    if (!p.has_pending) {
      if (!p.spec.stream->next(p.pending)) {
        kernel_->exit(p.pid);
        ++stats_.processes_finished;
        return true;
      }
      p.has_pending = true;
      p.traps_on_pending = 0;
    }
    if (issue(p.pending, p.pid)) {
      p.has_pending = false;
      if (progress_ && (stats_.accesses & 0xFFFFF) == 0) report_progress();
    } else {
      ++stats_.traps;
      if (++p.traps_on_pending > config_.max_traps_per_access) {
        std::ostringstream msg;
        msg << "pid " << p.pid << ": " << to_string(p.pending.kind) << " at VA 0x" << std::hex
            << p.pending.va << " still traps after " << std::dec << config_.max_traps_per_access
            << " handled faults (time " << keeper_.get_current_time() << ")";
        failure_ = msg.str();
        return true;
      }
      if (const auto killed = kernel_->handle_trap(p.pid)) {
        std::cerr << "mmusim: pid " << killed->pid << " killed: " << killed->reason << " ("
                  << to_string(killed->access) << " at VA 0x" << std::hex << killed->va << std::dec
                  << ", " << sv::to_string(killed->cause) << ", time "
                  << keeper_.get_current_time() << ")\n";
        ++stats_.processes_killed;
        return true;
      }
    }
    if (keeper_.need_sync()) keeper_.sync();
  }
  return false;
}

bool Cpu::issue(const Access& access, fw::Pid pid) {
  const bool write = access.kind == AccessKind::Write;
  if (write) {
    const std::uint64_t value = store_value(pid, access.va, stats_.accesses);
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
  attr_->kind = access.kind;
  attr_->priv = Privilege::User;

  sc_core::sc_time delay = keeper_.get_local_time();
  data->b_transport(trans_, delay);
  keeper_.set(delay);
  if (!trans_.is_response_ok()) return false;

  keeper_.inc(config_.access_time);
  ++stats_.accesses;
  switch (access.kind) {
    case AccessKind::Read: ++stats_.reads; break;
    case AccessKind::Write: ++stats_.writes; break;
    case AccessKind::Fetch: ++stats_.fetches; break;
  }
  return true;
}

void Cpu::report_progress() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < std::chrono::seconds(2)) return;
  last_progress_ = now;
  progress_shown_ = true;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  std::cerr << "\rmmusim: " << stats_.accesses << " of " << planned_accesses_ << " accesses ("
            << std::fixed << std::setprecision(0)
            << 100.0 * static_cast<double>(stats_.accesses) /
                   static_cast<double>(std::max<std::uint64_t>(planned_accesses_, 1))
            << "%), " << std::setprecision(1)
            << static_cast<double>(stats_.accesses) / seconds / 1e6 << "M/s   " << std::flush;
}

}  // namespace mmusim
