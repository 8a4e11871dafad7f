// Frame allocation, the reverse map's bookkeeping, and eviction: a victim frame is
// unmapped from every address space that maps it (each with its own flush), written to
// swap if dirty, and freed.
#include "kernel.h"

namespace mmusim::fw {

SwapSpace& Kernel::swap_space() {
  if (!booted_) boot();
  return *swap_space_;
}

std::optional<std::uint64_t> Kernel::allocate_frame() {
  if (frames_.free_count() == 0 && evict_one() != EvictResult::Done) return std::nullopt;
  return frames_.allocate();
}

std::optional<std::uint64_t> Kernel::allocate_user_frame(UserPage page, EvictResult& why,
                                                         std::optional<std::uint64_t> pinned) {
  if (frames_.user_count() >= user_frame_limit_ || frames_.free_count() == 0) {
    why = evict_one(pinned);
    if (why != EvictResult::Done) return std::nullopt;
  }
  const auto frame = frames_.allocate();
  if (!frame) return std::nullopt;
  frames_.make_user(*frame, std::move(page));
  policy_->on_load(*frame);
  note_user_frames();
  return frame;
}

// A frame that becomes a page table (the root included) is zeroed first: a recycled
// frame still holds its last owner's data, and a stale valid PTE in it would lead the
// walker into frames this process does not own.
std::optional<std::uint64_t> Kernel::allocate_table(Process& p) {
  const auto frame = allocate_frame();
  if (!frame) return std::nullopt;
  hal_.store_zeros(frame_pa(*frame), sv::kPageSize);
  p.table_frames.push_back(*frame);
  ++stats_.table_frames_in_use;
  return frame_pa(*frame);
}

void Kernel::add_mapper(std::uint64_t frame, const Mapper& mapper) {
  frames_.add_mapper(frame, mapper);
  note_resident(mapper.pid, mapper.va, frame);
  if (frames_.page(frame).mappers.size() == 2) {
    ++stats_.shared_frames;
    stats_.shared_frames_peak = std::max(stats_.shared_frames_peak, stats_.shared_frames);
  }
}

void Kernel::remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va, std::uint64_t pte) {
  UserPage& page = frames_.page(frame);
  page.dirty |= (pte & sv::kPteD) != 0;
  forget_resident(pid, va);
  const std::size_t left = frames_.remove_mapper(frame, pid, va);
  if (left == 1) --stats_.shared_frames;
  // A private page nobody maps is gone, unless swap entries elsewhere still name its
  // slot: then it stays in the swap cache for them (until evicted, or until the last of
  // them goes). An object's page stays in its object's page cache.
  if (left == 0 && page.backing == Backing::Private &&
      !(page.swap_slot && swap_space().refs(*page.swap_slot) > 1)) {
    free_user_frame(frame);
  }
}

void Kernel::drop_swap_entry(std::uint64_t slot) {
  SwapSpace& swap = swap_space();
  swap.drop(slot);
  // The last swap entry is gone: a page kept in the swap cache only for it goes too.
  const auto cached = swap.cached(slot);
  if (cached && swap.refs(slot) == 1 && frames_.page(*cached).mappers.empty()) {
    free_user_frame(*cached);
  }
}

void Kernel::free_user_frame(std::uint64_t frame) {
  UserPage& page = frames_.page(frame);
  if (page.swap_slot) {
    swap_space().uncache(*page.swap_slot);
    swap_space().drop(*page.swap_slot);
  }
  if (page.backing != Backing::Private) objects_.at(page.object).pages[page.index].frame.reset();
  policy_->on_free(frame);
  frames_.release_user(frame);
  note_user_frames();
}

Kernel::EvictResult Kernel::evict_one(std::optional<std::uint64_t> pinned) {
  if (frames_.user_count() <= (pinned ? 1U : 0U)) return EvictResult::SwapFull;
  const EvictResult first = evict(policy_->victim(*this, pinned), nullptr);
  if (first != EvictResult::SwapFull) return first;
  for (const std::uint64_t frame : frames_.user_frames()) {
    if (frame != pinned && (pte_of(frame) & sv::kPteD) == 0) {
      return evict(frame, "the policy's choice is dirty and swap is full: any clean page");
    }
  }
  return EvictResult::SwapFull;
}

// `why`: the reason for this victim when it is not the policy's choice.
Kernel::EvictResult Kernel::evict(std::uint64_t frame, const char* why) {
  // A huge page goes 4 KiB at a time (huge.cpp): split, then evict its first page.
  if (frames_.page(frame).level > 0 && !split_to_4k(frame)) return EvictResult::SwapFull;
  // So does a NAPOT range (napot.cpp): its PTEs become ordinary ones first.
  for (const Mapper& m : Mappers(frames_.page(frame).mappers)) {
    unfold_napot(m.pid, m.va, m.pte_addr);
  }
  UserPage& page = frames_.page(frame);
  const bool dirty = (pte_of(frame) & sv::kPteD) != 0;
  const std::string owners = log_ != nullptr ? mappers_of(frame) : std::string();
  // Where the page's content lives once the frame is gone: a swap slot, or nowhere
  // (zero again, or the file store's copy of a library page).
  std::optional<std::uint64_t> slot = page.swap_slot;
  if (dirty) {
    if (!slot) slot = swap_space().allocate();
    if (!slot) return EvictResult::SwapFull;
    page.swap_slot = slot;  // the frame holds the slot's reference until it is freed
    if (config_.fault_injection != FaultInjection::LoseDirtyPages &&
        !swap_.write_page(*slot, frame_pa(frame))) {
      return EvictResult::SwapError;
    }
    ++stats_.dirty_writebacks;
  } else if (slot || page.backing == Backing::Library) {
    ++stats_.clean_drops;  // the copy in swap (or the file store) is still the content
  } else {
    ++stats_.zero_drops;  // never written since it was zero-filled: zero-fill it again
  }
  note(running_.value_or(0), kNoVa, [&] {
    return "evict frame " + std::to_string(frame) + " (" + owners +
           "): " + (why != nullptr ? std::string(why) : policy_->why()) + "; " +
           (dirty  ? "written back: swap write to slot " + std::to_string(*slot)
            : slot ? "dropped: clean, swap slot " + std::to_string(*slot) + " has it"
            : page.backing == Backing::Library
                ? std::string("dropped: clean, the file store has it")
                : std::string("dropped: never written, zero again"));
  });
  // Every PTE that maps the frame: a private page's becomes a swap entry (each holds a
  // reference to the slot); an object page's is cleared, and the object remembers.
  const Mappers mappers = page.mappers;
  for (const Mapper& m : mappers) {
    std::uint64_t new_pte = 0;
    if (page.backing == Backing::Private && slot) {
      new_pte = swap_entry(*slot);
      swap_space().hold(*slot);
    }
    hal_.store64(m.pte_addr, new_pte);
    flush_page(m.pid, m.va);
    forget_resident(m.pid, m.va);
  }
  if (mappers.size() > 1) {
    --stats_.shared_frames;
    ++stats_.shared_evictions;
  }
  page.mappers.clear();
  if (page.backing == Backing::Shared && slot) {
    objects_.at(page.object).pages[page.index].slot = slot;
    swap_space().hold(*slot);
  }
  free_user_frame(frame);
  ++stats_.evictions;
  return EvictResult::Done;
}

}  // namespace mmusim::fw
