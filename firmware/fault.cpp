// The trap handler: page faults resolved by demand zero, swap-in (through the swap
// cache), object pages (shared segments, libraries), copy-on-write breaks and Svade
// A/D updates; everything else kills the process with a report.
#include "kernel.h"

namespace mmusim::fw {

namespace {
std::uint64_t permission_needed(AccessKind kind) {
  return kind == AccessKind::Fetch ? sv::kPteX : kind == AccessKind::Write ? sv::kPteW : sv::kPteR;
}
}  // namespace

std::optional<KillReport> Kernel::handle_trap(Pid pid) {
  ++stats_.traps;
  hal_.spend(config_.trap_cost_ps);
  const auto cause = static_cast<sv::Cause>(hal_.load64(mmu_reg(mmu_regs::kFaultCause)));
  const std::uint64_t va = hal_.load64(mmu_reg(mmu_regs::kFaultVa));
  hal_.store64(mmu_reg(mmu_regs::kIrqAck), 1);
  if (!sv::is_page_fault(cause)) {
    return kill(pid, va, cause, KillKind::AccessFault, "access fault (no memory there)");
  }
  return handle_page_fault(pid, cause, va);
}

std::optional<KillReport> Kernel::handle_page_fault(Pid pid, sv::Cause cause, std::uint64_t va) {
  Process& p = processes_.at(pid);
  const AccessKind access = sv::access_of(cause);
  if (in_kernel_half(va)) {
    return kill(pid, va, cause, KillKind::Segfault,
                "segmentation fault: the kernel region is supervisor-only");
  }
  const Region* found = p.space->find_or_grow(va);
  if (found == nullptr) {
    return kill(pid, va, cause, KillKind::Segfault,
                p.space->in_stack_guard_gap(va)
                    ? "segmentation fault: stack overflow into the guard gap"
                    : "segmentation fault: address in no region");
  }
  if ((found->perms & permission_needed(access)) == 0) {
    return kill(pid, va, cause, KillKind::Segfault,
                "segmentation fault: region '" + found->name + "' forbids " + to_string(access));
  }
  if (!p.page_table) {
    return kill(pid, va, cause, KillKind::Segfault,
                "segmentation fault: page fault without paging");
  }
  const Region& region = *found;  // stays put: nothing below changes this address space

  const std::uint64_t page = sv::page_round_down(va);
  if (const auto huge = huge_pages_on() ? p.page_table->superpage_leaf(page) : std::nullopt) {
    const std::uint64_t pte = hal_.load64(huge->pte_addr);
    if ((pte & kPteCow) != 0) {
      // Never made (fork splits huge pages first): split it and let the access retry.
      if (!split_to_4k(frame_of(pte_pa(pte)))) {
        return kill(pid, va, cause, KillKind::OutOfMemory, "out of memory to split a huge page");
      }
      return std::nullopt;
    }
    resolve_mapped(pid, va, page, huge->pte_addr, pte, access);
    return std::nullopt;
  }
  if (region.backing == Backing::Private) {
    bool no_run = false;
    for (unsigned level = huge_level(region, page); level > 0; --level) {
      const HugeOutcome outcome = map_huge(pid, region, page, level, access);
      if (outcome == HugeOutcome::Mapped) {
        ++stats_.page_faults;
        ++stats_.minor_faults;
        flush_page(pid, page);
        return std::nullopt;
      }
      no_run |= outcome == HugeOutcome::NoRun;
    }
    if (no_run) {
      ++stats_.huge_fallbacks;
      note(pid, page, [] { return std::string("huge page fallback: no free run of frames"); });
    }
    if (napot_eligible(region, page) && map_napot(pid, region, page, access)) {
      ++stats_.page_faults;
      ++stats_.minor_faults;
      flush_page(pid, page);
      return std::nullopt;
    }
  }
  const auto pte_addr = p.page_table->leaf_slot(page, [this, &p] { return allocate_table(p); });
  if (!pte_addr) {
    return kill(pid, va, cause, KillKind::OutOfMemory, "out of memory for page tables");
  }
  const std::uint64_t pte = hal_.load64(*pte_addr);

  if ((pte & sv::kPteV) != 0) {
    if (access == AccessKind::Write && (pte & kPteCow) != 0) {
      ++stats_.page_faults;
      ++stats_.minor_faults;  // a copy-on-write break does no I/O
      return break_cow(pid, page, *pte_addr, pte, cause);
    }
    resolve_mapped(pid, va, page, *pte_addr, pte, access);
    return std::nullopt;
  }
  const auto killed = region.backing == Backing::Private
                          ? fault_private(pid, region, page, *pte_addr, pte, access, cause)
                          : fault_object(pid, region, page, *pte_addr, access, cause);
  if (killed) return killed;
  ++stats_.page_faults;
  flush_page(pid, page);
  if (region.backing == Backing::Private) try_collapse(pid, region, page);
  return std::nullopt;
}

// Mapped already: under Svade the walker faults when A (or D for a store) is clear.
void Kernel::resolve_mapped(Pid pid, std::uint64_t va, std::uint64_t page, std::uint64_t pte_addr,
                            std::uint64_t pte, AccessKind access) {
  const std::uint64_t needed = sv::kPteA | (access == AccessKind::Write ? sv::kPteD : 0);
  if ((pte & needed) != needed) {
    if (config_.napot && (pte & sv::kPteN) != 0) {
      set_napot_bits(pte_addr, needed);  // the range's 16 PTEs stay alike
    } else {
      hal_.store64(pte_addr, pte | needed);
    }
    ++stats_.ad_faults;
    note(pid, va, [&] {
      return std::string("A/D fault: the firmware sets ") +
             (access == AccessKind::Write ? "A and D" : "A");
    });
  } else {
    ++stats_.spurious_faults;
    note(pid, va,
         [] { return std::string("spurious fault: the PTE allows it (a stale TLB entry)"); });
  }
  flush_page(pid, page);
}

KillReport Kernel::out_of_memory(Pid pid, std::uint64_t va, sv::Cause cause, EvictResult why) {
  if (why == EvictResult::SwapError) {
    return kill(pid, va, cause, KillKind::IoError,
                std::string("swap I/O error while evicting: ") + swap_.last_error());
  }
  return kill(pid, va, cause, KillKind::OutOfMemory,
              "out of memory: swap is full and no clean page can be evicted");
}

// A private page is exclusive when this is its only mapper and no swap entry elsewhere
// still names its slot: a store may then write it in place.
bool Kernel::exclusive(std::uint64_t frame) const {
  const UserPage& page = frames_.page(frame);
  return page.mappers.size() == 1 && (!page.swap_slot || swap_space_->refs(*page.swap_slot) == 1);
}

// Maps frame at va for pid. The page is about to be used: A is set now (as Linux's
// fault path does), so a page just brought in is not the replacement policy's first
// choice before the access that faulted it in runs. D is set only for a store to a
// writable mapping, so a clear D still means "the same as its copy in swap".
void Kernel::map_page(Pid pid, std::uint64_t frame, std::uint64_t va, std::uint64_t pte_addr,
                      std::uint64_t flags, AccessKind access) {
  add_mapper(frame, Mapper{pid, va, pte_addr});
  const bool dirty = access == AccessKind::Write && (flags & sv::kPteW) != 0;
  std::uint64_t pte =
      sv::make_pte(frame_pa(frame), sv::kPteV | sv::kPteU | sv::kPteA | flags | (dirty ? sv::kPteD : 0));
  if (config_.fault_injection == FaultInjection::CorruptPte &&
      ++ptes_mapped_ % kCorruptPteEvery == 0) {
    const unsigned bit = static_cast<unsigned>(corruption_random_() % 64);
    pte ^= std::uint64_t{1} << bit;
    note(pid, va, [&] { return "fault injection: PTE bit " + std::to_string(bit) + " flipped"; });
  }
  hal_.store64(pte_addr, pte);
}

std::optional<KillReport> Kernel::fault_private(Pid pid, const Region& region, std::uint64_t page,
                                                std::uint64_t pte_addr, std::uint64_t pte,
                                                AccessKind access, sv::Cause cause) {
  std::optional<std::uint64_t> frame;
  if (is_swap_entry(pte)) {
    const std::uint64_t slot = swap_slot_of(pte);
    frame = swap_space().cached(slot);
    if (frame) {
      swap_space().drop(slot);  // this PTE's reference: it maps the frame now
      ++stats_.swap_cache_hits;
      ++stats_.minor_faults;
      note(pid, page, [&] {
        return "minor fault: swap slot " + std::to_string(slot) + " is in the swap cache, frame " +
               std::to_string(*frame);
      });
    } else {
      EvictResult why = EvictResult::Done;
      frame = allocate_user_frame(UserPage{}, why);
      if (!frame) return out_of_memory(pid, page, cause, why);
      if (!swap_.read_page(slot, frame_pa(*frame))) {
        free_user_frame(*frame);
        return kill(pid, page, cause, KillKind::IoError,
                    std::string("swap I/O error on swap-in: ") + swap_.last_error());
      }
      // This PTE's reference passes to the frame: its copy stays valid until it is dirty.
      frames_.page(*frame).swap_slot = slot;
      swap_space().cache(slot, *frame);
      ++stats_.major_faults;
      ++stats_.swap_ins;
      note(pid, page, [&] {
        return "major fault: swap read slot " + std::to_string(slot) + " into frame " +
               std::to_string(*frame);
      });
    }
  } else {
    EvictResult why = EvictResult::Done;
    frame = allocate_user_frame(UserPage{}, why);
    if (!frame) return out_of_memory(pid, page, cause, why);
    hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
    ++stats_.minor_faults;
    note(pid, page, [&] { return "minor fault: zero-filled frame " + std::to_string(*frame); });
  }
  map_page(pid, *frame, page, pte_addr, region.perms, access);
  if ((region.perms & sv::kPteW) != 0 && !exclusive(*frame)) {
    // Still shared with another process (since a fork): copy-on-write.
    hal_.store64(pte_addr, (hal_.load64(pte_addr) & ~(sv::kPteW | sv::kPteD)) | kPteCow);
  }
  return std::nullopt;
}

std::optional<KillReport> Kernel::fault_object(Pid pid, const Region& region, std::uint64_t page,
                                               std::uint64_t pte_addr, AccessKind access,
                                               sv::Cause cause) {
  const unsigned object = region.object;
  const std::uint64_t index = region.object_page(page);
  const ObjectPage* const known = objects_.at(object).pages.find(index);
  if (const auto resident = known != nullptr ? known->frame : std::nullopt) {
    ++stats_.minor_faults;
    map_page(pid, *resident, page, pte_addr, region.perms, access);
    note(pid, page, [&] {
      return "minor fault: " + region.name + " page " + std::to_string(index) +
             " is resident, frame " + std::to_string(*resident);
    });
    return std::nullopt;
  }
  EvictResult why = EvictResult::Done;
  UserPage content;
  content.backing = region.backing;
  content.object = object;
  content.index = index;
  const auto frame = allocate_user_frame(content, why);
  if (!frame) return out_of_memory(pid, page, cause, why);
  // Allocating may have evicted other pages of this object: look again.
  SharedObject& obj = objects_.at(object);
  ObjectPage& record = obj.pages[index];
  bool read_ok = true;
  if (obj.kind == SharedObject::Kind::Library) {
    read_ok = swap_.read_page(obj.first_block + index, frame_pa(*frame));
    ++stats_.library_reads;
    ++stats_.major_faults;
  } else if (record.slot) {
    read_ok = swap_.read_page(*record.slot, frame_pa(*frame));
    // The record's reference passes to the frame: its copy stays valid until it is dirty.
    frames_.page(*frame).swap_slot = record.slot;
    record.slot.reset();
    ++stats_.major_faults;
    ++stats_.swap_ins;
  } else {
    hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
    ++stats_.minor_faults;
  }
  record.frame = frame;
  if (!read_ok) {
    free_user_frame(*frame);
    return kill(
        pid, page, cause, KillKind::IoError,
        std::string("I/O error reading '") + obj.name + "': " + swap_.last_error());
  }
  map_page(pid, *frame, page, pte_addr, region.perms, access);
  note(pid, page, [&] {
    return std::string(obj.kind == SharedObject::Kind::Library ? "major fault: file-store read of "
                       : frames_.page(*frame).swap_slot        ? "major fault: swap read of "
                                                               : "minor fault: zero-filled ") +
           region.name + " page " + std::to_string(index) + " into frame " + std::to_string(*frame);
  });
  return std::nullopt;
}

// A store to a copy-on-write page: the writer gets its own copy, unless no one else
// maps the page any more, and then it just becomes writable again.
std::optional<KillReport> Kernel::break_cow(Pid pid, std::uint64_t page, std::uint64_t pte_addr,
                                            std::uint64_t pte, sv::Cause cause) {
  ++stats_.cow_faults;
  const std::uint64_t frame = mapped_frame(pid, page, pte_addr, pte);
  if (exclusive(frame) || config_.fault_injection == FaultInjection::CowNoCopy) {
    UserPage& shared = frames_.page(frame);
    if (shared.swap_slot) {  // about to differ from its copy in swap, which no one else needs
      swap_space().uncache(*shared.swap_slot);
      swap_space().drop(*shared.swap_slot);
      shared.swap_slot.reset();
    }
    hal_.store64(pte_addr, (pte & ~kPteCow) | sv::kPteW | sv::kPteA | sv::kPteD);
    ++stats_.cow_reuses;
    note(pid, page, [&] {
      return "COW fault: no other mapper, frame " + std::to_string(frame) + " writable again";
    });
    flush_page(pid, page);
    return std::nullopt;
  }
  // The page being copied stays resident while room is made for its copy: evicted, it
  // would fault back in only to be picked again, as often as the policy chose it (a
  // random policy over a few frames did so eight times in a row).
  EvictResult why = EvictResult::Done;
  const auto copy = allocate_user_frame(UserPage{}, why, frame);
  if (!copy) return out_of_memory(pid, page, cause, why);
  if (hal_.load64(pte_addr) != pte) {
    // Making room rewrote the PTE (a NAPOT range it shares with the victim unfolded):
    // retry with the PTE as it is now.
    free_user_frame(*copy);
    return std::nullopt;
  }
  hal_.copy(frame_pa(*copy), frame_pa(frame), sv::kPageSize);
  remove_mapper(frame, pid, page, pte);
  const std::uint64_t flags = (pte & (sv::kPteR | sv::kPteX)) | sv::kPteW;
  map_page(pid, *copy, page, pte_addr, flags, AccessKind::Write);
  ++stats_.cow_copies;
  note(pid, page, [&] {
    return "COW fault: frame " + std::to_string(frame) + " copied to frame " +
           std::to_string(*copy);
  });
  flush_page(pid, page);
  return std::nullopt;
}

}  // namespace mmusim::fw
