#pragma once
// Physical frames and the reverse map: which frames are free, which hold page tables,
// and for each frame holding a user page, what backs it and every (process, VA, PTE)
// that maps it. A frame shared by several address spaces (after fork(), or a shared
// segment or library page) has several mappers; it is freed when its last one goes
// (object pages stay in their object's page cache until evicted).
//
// A huge page (a 2 MiB or 1 GiB superpage) is one user page held by its first frame, the
// head, with `level` 1 or 2; the run of 512 or 512 * 512 frames it covers is allocated
// whole, naturally aligned, and freed whole.

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "address_space.h"
#include "lazy_array.h"
#include "lazy_bits.h"
#include "sv.h"

namespace mmusim::fw {

using Pid = unsigned;

struct Mapper {
  Pid pid = 0;
  std::uint64_t va = 0;
  std::uint64_t pte_addr = 0;
};
// Most pages have one mapper: it is held in place, without a heap allocation of its own.
using Mappers = boost::container::small_vector<Mapper, 1>;

// What a user frame holds.
struct UserPage {
  Backing backing = Backing::Private;
  unsigned object = 0;      // Shared, Library: which object
  std::uint64_t index = 0;  // Shared, Library: which page of it
  // Private, Shared: a copy in swap that is valid while the page is clean. For a private
  // page this puts the frame in the swap cache: mappers still holding a swap entry for
  // the slot find the page here instead of reading it again.
  std::optional<std::uint64_t> swap_slot;
  // D bits of PTEs that stopped mapping the page or were write-protected by a fork:
  // the page differs from its copy in swap although no PTE says so any more.
  bool dirty = false;
  unsigned level = 0;  // 0: a 4 KiB page; 1, 2: a huge page of 2 MiB, 1 GiB (sv::page_shift)
  Mappers mappers;  // the reverse map
};

// Frames handed out lowest first (then most recently freed first), and naturally aligned
// runs of them for huge pages. A run is taken out of the free stack lazily: its entries
// stay and are skipped when popped, so a run costs nothing to take. Frames never handed
// out are not stored, only counted (low_): host memory grows with the frames used.
class FrameTable {
 public:
  static constexpr unsigned kRunShift = sv::kVpnBits;  // 512 frames: a 2 MiB run
  // Frames in the run of a page at `level` (0: 1, 1: 512, 2: 512 * 512).
  static std::uint64_t run_frames(unsigned level) {
    return std::uint64_t{1} << (level * kRunShift);
  }
  explicit FrameTable(std::uint64_t frames);

  std::optional<std::uint64_t> allocate();
  // The first of `1 << (level * 9)` free frames, aligned to their count (level 1: 2 MiB,
  // 2: 1 GiB), or nullopt when no such run is free.
  std::optional<std::uint64_t> allocate_run(unsigned level);
  // `count` free frames (a power of two up to 512) aligned to their count, the first
  // returned, each then made a user page by the caller; nullopt when no such run is free.
  std::optional<std::uint64_t> allocate_aligned(std::uint64_t count);
  std::uint64_t free_count() const { return free_count_; }
  std::uint64_t count() const { return count_; }

  // A free frame (or the head of an allocated run, for `page.level` > 0) starts holding
  // `page` (with no mappers yet).
  void make_user(std::uint64_t frame, UserPage page);
  // The frame (the whole run, for a huge page) stops holding a user page and is free.
  void release_user(std::uint64_t frame);
  // A page-table (or kernel) frame is free again.
  void release(std::uint64_t frame);
  // A huge page at `head` becomes 512 pages of the level below, the head's page first;
  // each new one is `like` the head (its backing, dirt), with no mappers. Returns their heads.
  std::vector<std::uint64_t> split(std::uint64_t head);

  // Whether pid maps the frame's user page at va (false for a frame holding none).
  bool maps(std::uint64_t frame, Pid pid, std::uint64_t va) const {
    const std::optional<UserPage>* slot = user_.find(frame);
    if (slot == nullptr || !*slot) return false;
    for (const Mapper& m : (*slot)->mappers) {
      if (m.pid == pid && m.va == va) return true;
    }
    return false;
  }
  // The user page the frame holds (a logic error if it holds none).
  UserPage& page(std::uint64_t frame) {
    std::optional<UserPage>& slot = user_[frame];
    if (!slot) throw std::logic_error(no_user_page(frame));
    return *slot;
  }
  const UserPage& page(std::uint64_t frame) const {
    const std::optional<UserPage>* slot = user_.find(frame);
    if (slot == nullptr || !*slot) throw std::logic_error(no_user_page(frame));
    return **slot;
  }
  // Frames holding user pages (a huge page's every frame counted).
  std::uint64_t user_count() const { return user_frames_; }
  std::uint64_t huge_count() const { return huge_pages_; }

  void add_mapper(std::uint64_t frame, const Mapper& mapper) {
    page(frame).mappers.push_back(mapper);
  }
  // Removes pid's mapping at va; returns how many mappers are left.
  std::size_t remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va);
  // The frames of user pages (heads of huge ones) in ascending order (a stable order for
  // fallbacks).
  std::vector<std::uint64_t> user_frames() const;

 private:
  void take(std::uint64_t frame);
  void give_back(std::uint64_t frame);
  static std::string no_user_page(std::uint64_t frame) {
    return "FrameTable: frame " + std::to_string(frame) + " holds no user page";
  }

  std::uint64_t count_;
  LazyBits free_;     // per frame
  LazyBits stacked_;  // per frame: the stack holds it (below low_: an entry in stack_)
  // The free stack: frames freed since, on top (stack_, the last pushed on top); under
  // them the frames never popped, low_ and up, the lowest first. May hold taken frames.
  std::vector<std::uint64_t> stack_;
  std::uint64_t low_ = 0;
  std::uint64_t free_count_ = 0;
  std::vector<std::uint16_t> free_in_block_;  // free frames per aligned 512-frame block
  std::uint64_t free_blocks_ = 0;             // blocks with every frame free
  LazyArray<std::optional<UserPage>> user_;
  std::uint64_t user_frames_ = 0;
  std::uint64_t huge_pages_ = 0;
};

}  // namespace mmusim::fw
