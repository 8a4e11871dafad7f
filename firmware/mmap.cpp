// Changes to an address space: brk, mmap, munmap, fixed mappings, shared-memory
// segments and libraries.
#include "kernel.h"
#include "simulation_failure.h"

namespace mmusim::fw {

std::optional<std::uint64_t> Kernel::syscall(Pid pid, Syscall call, std::uint64_t arg) {
  ++stats_.syscalls;
  hal_.spend(config_.trap_cost_ps);
  AddressSpace& space = *processes_.at(pid).space;
  switch (call) {
    case Syscall::Brk: {
      const auto removed = space.set_brk(arg);
      if (!removed) return std::nullopt;
      release_range(pid, removed->start, removed->end);
      return space.brk();
    }
    case Syscall::Mmap: return space.mmap(arg);
    case Syscall::Munmap: {
      const auto removed = space.munmap(arg);
      if (!removed) return std::nullopt;
      release_range(pid, removed->start, removed->end);
      return arg;
    }
  }
  return std::nullopt;
}

bool Kernel::map_region(Pid pid, const Region& region) {
  ++stats_.syscalls;
  hal_.spend(config_.trap_cost_ps);
  // User memory lives in the lower half (the upper half is the kernel's).
  if (config_.mode != sv::Mode::Bare && region.end > user_top()) return false;
  return processes_.at(pid).space->map_fixed(region);
}

void Kernel::unmap(Pid pid, std::uint64_t start, std::uint64_t length) {
  ++stats_.syscalls;
  hal_.spend(config_.trap_cost_ps);
  const std::uint64_t end = sv::page_round_up(start + length);
  start = sv::page_round_down(start);
  for (const Region& piece : processes_.at(pid).space->unmap(start, end)) {
    release_range(pid, piece.start, piece.end);
  }
}

// Drops every page of pid's in [start, end): frames lose this mapper, swap entries
// their reference; each cleared PTE is flushed.
void Kernel::release_range(Pid pid, std::uint64_t start, std::uint64_t end) {
  Process& p = processes_.at(pid);
  if (!p.page_table) return;
  if (huge_pages_on() && !split_straddling(pid, start, end)) {
    throw SimulationFailure("firmware: no frame for the page table to split a huge page that "
                            "an unmap cuts");
  }
  p.page_table->for_each_leaf(start, end, [&](std::uint64_t va, std::uint64_t pte_addr, unsigned) {
    release_leaf(pid, va, pte_addr);
    flush_page(pid, va);
  });
}

// --- shared segments and libraries --------------------------------------------------------

unsigned Kernel::shm_get(const std::string& key, std::uint64_t size) {
  for (unsigned id = 0; id < objects_.size(); ++id) {
    const SharedObject& o = objects_[id];
    if (o.kind == SharedObject::Kind::Segment && o.live() && !o.removed && o.name == key) return id;
  }
  SharedObject segment;
  segment.name = key;
  segment.size = sv::page_round_up(size);
  objects_.push_back(std::move(segment));
  ++stats_.shm_segments;
  return static_cast<unsigned>(objects_.size() - 1);
}

bool Kernel::shm_attach(Pid pid, unsigned segment, std::uint64_t va, std::uint64_t perms) {
  SharedObject& s = objects_.at(segment);
  Region r{"shm " + s.name, RegionKind::Anonymous, va, va + s.size, perms};
  r.backing = Backing::Shared;
  r.object = segment;
  if (!s.live() || !map_region(pid, r)) return false;
  ++s.attachments;
  note(pid, va, [&] { return "attach segment '" + s.name + "'"; });
  return true;
}

bool Kernel::shm_detach(Pid pid, std::uint64_t va) {
  ++stats_.syscalls;
  hal_.spend(config_.trap_cost_ps);
  AddressSpace& space = *processes_.at(pid).space;
  const Region* r = space.find(va);
  if (r == nullptr || r->start != va || r->backing != Backing::Shared) return false;
  const Region removed = *space.remove(va);
  release_range(pid, removed.start, removed.end);
  detach_object(removed.object);
  note(pid, va, [&] { return "detach segment '" + objects_.at(removed.object).name + "'"; });
  return true;
}

void Kernel::shm_remove(unsigned segment) {
  SharedObject& s = objects_.at(segment);
  s.removed = true;
  if (s.attachments == 0) destroy_object(segment);
}

bool Kernel::map_library(Pid pid, unsigned library, std::uint64_t va) {
  const SharedObject& lib = objects_.at(library);
  Region r{"lib " + lib.name, RegionKind::Text, va, va + sv::page_round_up(lib.size),
           sv::kPteR | sv::kPteX};
  r.backing = Backing::Library;
  r.object = library;
  if (!map_region(pid, r)) return false;
  ++objects_.at(library).attachments;
  note(pid, va, [&] { return "map library '" + lib.name + "'"; });
  return true;
}

// A library nobody maps leaves memory (its pages are clean: they are dropped, and read
// again if it is mapped again); a removed segment is destroyed with its last detach.
void Kernel::detach_object(unsigned object) {
  SharedObject& o = objects_.at(object);
  if (--o.attachments != 0) return;
  if (o.kind == SharedObject::Kind::Library) {
    o.pages.for_each_stored([this](std::uint64_t, const ObjectPage& page) {
      if (page.frame) free_user_frame(*page.frame);
    });
  } else if (o.removed) {
    destroy_object(object);
  }
}

// A segment no one can attach any more: its frames and swap slots are freed.
void Kernel::destroy_object(unsigned object) {
  SharedObject& o = objects_.at(object);
  const LazyArray<ObjectPage> pages = std::move(o.pages);
  o.pages = {};
  o.destroyed = true;
  pages.for_each_stored([this](std::uint64_t, const ObjectPage& page) {
    if (page.frame) {
      frames_.page(*page.frame).backing = Backing::Private;  // no record to update
      free_user_frame(*page.frame);
    }
    if (page.slot) swap_space().drop(*page.slot);
  });
}

}  // namespace mmusim::fw
