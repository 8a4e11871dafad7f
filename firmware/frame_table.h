#pragma once
// Physical frames and the reverse map: which frames are free, which hold page tables,
// and for each frame holding a user page, what backs it and every (process, VA, PTE)
// that maps it. A frame shared by several address spaces (after fork(), or a shared
// segment or library page) has several mappers; it is freed when its last one goes
// (object pages stay in their object's page cache until evicted).

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "address_space.h"
#include "id_pool.h"

namespace mmusim::fw {

using Pid = unsigned;

struct Mapper {
  Pid pid = 0;
  std::uint64_t va = 0;
  std::uint64_t pte_addr = 0;
};

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
  std::vector<Mapper> mappers;  // the reverse map
};

class FrameTable {
 public:
  explicit FrameTable(std::uint64_t frames) : free_(0, frames) {}

  std::optional<std::uint64_t> allocate() { return free_.allocate(); }
  std::uint64_t free_count() const { return free_.free_count(); }
  std::uint64_t count() const { return free_.count(); }

  // A free frame starts holding `page` (with no mappers yet).
  void make_user(std::uint64_t frame, UserPage page) { user_.emplace(frame, std::move(page)); }
  // The frame stops holding a user page and is free again.
  void release_user(std::uint64_t frame) {
    user_.erase(frame);
    free_.release(frame);
  }
  // A page-table (or kernel) frame is free again.
  void release(std::uint64_t frame) { free_.release(frame); }

  // Whether pid maps the frame's user page at va (false for a frame holding none).
  bool maps(std::uint64_t frame, Pid pid, std::uint64_t va) const {
    const auto it = user_.find(frame);
    if (it == user_.end()) return false;
    for (const Mapper& m : it->second.mappers) {
      if (m.pid == pid && m.va == va) return true;
    }
    return false;
  }
  UserPage& page(std::uint64_t frame) { return user_.at(frame); }
  const UserPage& page(std::uint64_t frame) const { return user_.at(frame); }
  std::uint64_t user_count() const { return user_.size(); }

  void add_mapper(std::uint64_t frame, const Mapper& mapper) {
    page(frame).mappers.push_back(mapper);
  }
  // Removes pid's mapping at va; returns how many mappers are left.
  std::size_t remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va);
  // The frames of user pages in ascending order (a stable order for fallbacks).
  std::vector<std::uint64_t> user_frames() const;

 private:
  IdPool free_;
  std::unordered_map<std::uint64_t, UserPage> user_;
};

}  // namespace mmusim::fw
