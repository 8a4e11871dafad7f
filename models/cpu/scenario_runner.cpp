// Runs a scenario (scenario.h): its actions in file order, each by the process it names,
// through the mmu and the firmware like any other access. An expectation that does not
// hold ends the run as a failure at the action's `file:line`.
#include <cstring>
#include <iomanip>
#include <sstream>

#include "cpu.h"
#include "hex.h"

namespace mmusim {

namespace {

using Op = ScenarioAction::Op;
using Expect = ScenarioAction::Expect;

const char* outcome_word(Expect e) {
  switch (e) {
    case Expect::Complete:
    case Expect::Ok: return "ok";
    case Expect::Fault: return "a fault the firmware resolves";
    case Expect::Segfault: return "a segfault";
  }
  return "?";
}

}  // namespace

void Cpu::scenario_fail(const ScenarioAction& a, const std::string& what) {
  failure_ = scenario_->where(a) + ": " + what;
}

void Cpu::run_scenario() {
  std::map<std::string, Process*> by_name;
  for (const ScenarioAction& a : scenario_->actions) {
    if (a.op == Op::Read || a.op == Op::Write || a.op == Op::Fetch) ++planned_accesses_;
  }
  for (const ScenarioAction& a : scenario_->actions) {
    run_action(a, by_name);
    if (!failure_.empty()) return;
    if (keeper_.need_sync()) keeper_.sync();
    sample_residency();
  }
  // What is still running ends here; then no one holds the segments.
  for (auto& [name, p] : by_name) {
    if (kernel_->alive(p->pid)) {
      kernel_->exit(p->pid);
      ++stats_.processes_finished;
    }
  }
  for (const auto& [name, id] : scenario_segments_) kernel_->shm_remove(id);
}

void Cpu::run_action(const ScenarioAction& a, std::map<std::string, Process*>& by_name) {
  switch (a.op) {
    case Op::Process: {
      children_.emplace_back();
      Process& p = children_.back();
      p.name = a.name;
      p.pid = kernel_->spawn({});
      by_name[a.name] = &p;
      return;
    }
    case Op::Shm: {
      const unsigned id = kernel_->shm_get("scenario:" + a.name, a.size);
      scenario_segments_[a.name] = id;
      segment_shadows_[id] = std::make_shared<ShadowMemory>();
      return;
    }
    case Op::Lib: return;  // in the file store since the platform was built
    default: break;
  }
  Process& p = *by_name.at(a.process);
  switch_to(p);
  const std::uint64_t va = a.kernel_relative ? kernel_->kernel_base() + a.va : a.va;
  switch (a.op) {
    case Op::Read:
    case Op::Write:
    case Op::Fetch: scenario_access(a, p); return;
    case Op::Mmap: {
      fw::Region r{"mmap", fw::RegionKind::Mmap, va, va + a.size, a.perms};
      r.huge = a.huge;
      if (!kernel_->map_region(p.pid, r)) {
        scenario_fail(a, "mmap refused: the range overlaps a region or leaves the user half");
      }
      return;
    }
    case Op::Stack: {
      fw::Region r{"stack", fw::RegionKind::Stack, va - sv::kPageSize,
                   va,      sv::kPteR | sv::kPteW, va - a.size};
      if (!kernel_->map_region(p.pid, r))
        scenario_fail(a, "stack refused: the range overlaps a region or leaves the user half");
      return;
    }
    case Op::Brk: {
      if (p.heap_base == 0) {
        fw::Region r{"heap", fw::RegionKind::Heap, va, va + a.size, sv::kPteR | sv::kPteW};
        if (!kernel_->map_region(p.pid, r)) {
          scenario_fail(a, "brk refused: the heap overlaps a region or leaves the user half");
          return;
        }
        p.heap_base = va;
        p.brk = va + a.size;
        return;
      }
      if (va != p.heap_base) {
        scenario_fail(a, "the heap starts at " + hex(p.heap_base) + ", not " + hex(va));
        return;
      }
      if (!a.grow && a.size > p.brk - p.heap_base) {
        scenario_fail(a, "brk would shrink the heap below its start");
        return;
      }
      const std::uint64_t end = a.grow ? p.brk + a.size : p.brk - a.size;
      const auto result = kernel_->syscall(p.pid, fw::Syscall::Brk, end);
      if (!result) {
        scenario_fail(a, "brk refused: the heap would overlap a region");
        return;
      }
      if (*result < p.brk) p.shadow.forget(*result, p.brk);
      p.brk = *result;
      return;
    }
    case Op::Munmap:
      kernel_->unmap(p.pid, va, a.size);
      p.shadow.forget(va, va + a.size);
      return;
    case Op::Fork: {
      const auto child_pid = kernel_->fork(p.pid);
      if (!child_pid) {
        scenario_fail(a, "fork failed: no memory for the child's page tables");
        return;
      }
      children_.emplace_back();
      Process& child = children_.back();
      child.pid = *child_pid;
      child.name = a.name;
      child.shadow = p.shadow;
      child.brk = p.brk;
      child.heap_base = p.heap_base;
      child.attachments = p.attachments;
      by_name[a.name] = &child;
      return;
    }
    case Op::Attach: {
      const unsigned id = scenario_segments_.at(a.name);
      if (!kernel_->shm_attach(p.pid, id, va, a.perms)) {
        scenario_fail(a, "attach refused: the range overlaps a region or leaves the user half");
        return;
      }
      p.shadow.attach(va, va + kernel_->object_size(id), segment_shadows_.at(id));
      p.attachments[a.name] = va;
      return;
    }
    case Op::Detach: {
      const std::uint64_t at = p.attachments.at(a.name);
      kernel_->shm_detach(p.pid, at);
      p.shadow.detach(at);
      p.attachments.erase(a.name);
      return;
    }
    case Op::MapLib: {
      unsigned library = 0;
      while (scenario_->libraries.at(library).first != a.name) ++library;
      if (!kernel_->map_library(p.pid, library, va)) {
        scenario_fail(a, "maplib refused: the range overlaps a region or leaves the user half");
        return;
      }
      p.shadow.map_library(va, va + kernel_->object_size(library), library);
      return;
    }
    case Op::Exit:
      kernel_->exit(p.pid);
      ++stats_.processes_finished;
      return;
    default: return;
  }
}

void Cpu::scenario_access(const ScenarioAction& a, Process& p) {
  const AccessKind kind = a.op == Op::Read    ? AccessKind::Read
                          : a.op == Op::Write ? AccessKind::Write
                                              : AccessKind::Fetch;
  p.pending = Access{a.kernel_relative ? kernel_->kernel_base() + a.va : a.va,
                     kind == AccessKind::Fetch ? 4u : 8u, kind};
  if (kind == AccessKind::Write) store_value_ = a.value;
  const AccessOutcome outcome = complete(p);
  store_value_.reset();
  if (outcome == AccessOutcome::Failed) {
    failure_ = scenario_->where(a) + ": " + failure_;
    return;
  }
  const bool killed = outcome == AccessOutcome::Killed;
  const char* got = killed                                     ? "a segfault"
                    : outcome == AccessOutcome::DoneAfterTraps ? "a fault the firmware resolved"
                                                               : "no fault";
  const bool as_expected = a.expect == Expect::Segfault ? killed
                           : a.expect == Expect::Fault  ? outcome == AccessOutcome::DoneAfterTraps
                                                        : !killed;
  if (!as_expected) {
    std::string what = std::string("expected ") + outcome_word(a.expect) + ", got " + got;
    if (killed && !kernel_->kills().empty()) what += " (" + kernel_->kills().back().reason + ")";
    scenario_fail(a, what);
    return;
  }
  if (a.check_value && !killed) {
    std::uint64_t got_value = 0;
    std::memcpy(&got_value, buffer_.data(), 8);
    if (got_value != a.value)
      scenario_fail(a, "expected = " + hex(a.value) + ", got " + hex(got_value));
  }
}

}  // namespace mmusim
