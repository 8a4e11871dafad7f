#include "frame_table.h"

#include <algorithm>
#include <stdexcept>

namespace mmusim::fw {

FrameTable::FrameTable(std::uint64_t frames)
    : count_(frames),
      free_(frames, true),
      stacked_(frames, true),
      free_count_(frames),
      free_in_block_((frames + run_frames(1) - 1) / run_frames(1),
                     static_cast<std::uint16_t>(run_frames(1))) {
  if (frames % run_frames(1) != 0) {
    free_in_block_.back() = static_cast<std::uint16_t>(frames % run_frames(1));
  }
  for (const std::uint16_t n : free_in_block_) free_blocks_ += n == run_frames(1) ? 1 : 0;
}

void FrameTable::take(std::uint64_t frame) {
  free_.set(frame, false);
  --free_count_;
  if (free_in_block_[frame >> kRunShift]-- == run_frames(1)) --free_blocks_;
}

void FrameTable::give_back(std::uint64_t frame) {
  free_.set(frame, true);
  ++free_count_;
  if (++free_in_block_[frame >> kRunShift] == run_frames(1)) ++free_blocks_;
  if (!stacked_.get(frame)) {
    stacked_.set(frame, true);
    stack_.push_back(frame);
  }
}

std::optional<std::uint64_t> FrameTable::allocate() {
  for (;;) {
    std::uint64_t frame = 0;
    if (!stack_.empty()) {
      frame = stack_.back();
      stack_.pop_back();
    } else if (low_ < count_) {
      frame = low_++;
    } else {
      return std::nullopt;
    }
    stacked_.set(frame, false);
    if (!free_.get(frame)) continue;  // taken by a run since it was pushed
    take(frame);
    return frame;
  }
}

std::optional<std::uint64_t> FrameTable::allocate_run(unsigned level) {
  const std::uint64_t blocks = run_frames(level - 1);  // 512-frame blocks in the run
  if (free_blocks_ < blocks) return std::nullopt;
  for (std::uint64_t first = 0; first + blocks <= free_in_block_.size(); first += blocks) {
    const bool all_free =
        std::all_of(free_in_block_.begin() + static_cast<std::ptrdiff_t>(first),
                    free_in_block_.begin() + static_cast<std::ptrdiff_t>(first + blocks),
                    [](std::uint16_t n) { return n == run_frames(1); });
    if (!all_free) continue;
    const std::uint64_t head = first << kRunShift;
    for (std::uint64_t f = head; f < head + run_frames(level); ++f) take(f);
    return head;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> FrameTable::allocate_aligned(std::uint64_t count) {
  for (std::uint64_t block = 0; block < free_in_block_.size(); ++block) {
    if (free_in_block_[block] < count) continue;
    const std::uint64_t end = std::min((block + 1) << kRunShift, count_);
    for (std::uint64_t first = block << kRunShift; first + count <= end; first += count) {
      bool all_free = true;
      for (std::uint64_t f = first; f < first + count && all_free; ++f) all_free = free_.get(f);
      if (!all_free) continue;
      for (std::uint64_t f = first; f < first + count; ++f) take(f);
      return first;
    }
  }
  return std::nullopt;
}

void FrameTable::make_user(std::uint64_t frame, UserPage page) {
  user_frames_ += run_frames(page.level);
  if (page.level > 0) ++huge_pages_;
  user_[frame] = std::move(page);
}

void FrameTable::release_user(std::uint64_t frame) {
  const unsigned level = page(frame).level;
  user_frames_ -= run_frames(level);
  if (level > 0) --huge_pages_;
  user_[frame].reset();
  for (std::uint64_t f = frame; f < frame + run_frames(level); ++f) give_back(f);
}

void FrameTable::release(std::uint64_t frame) { give_back(frame); }

std::vector<std::uint64_t> FrameTable::split(std::uint64_t head) {
  UserPage& huge = page(head);
  if (huge.level == 0 || !huge.mappers.empty() || huge.swap_slot) {
    throw std::logic_error("FrameTable::split: not an unmapped huge page");
  }
  const unsigned level = huge.level - 1;
  --huge_pages_;
  huge.level = level;
  if (level > 0) ++huge_pages_;
  UserPage like;
  like.backing = huge.backing;
  like.dirty = huge.dirty;
  like.level = level;
  std::vector<std::uint64_t> heads{head};
  const std::uint64_t step = run_frames(level);
  for (std::uint64_t f = head + step; f < head + (step << kRunShift); f += step) {
    if (level > 0) ++huge_pages_;
    user_[f] = like;
    heads.push_back(f);
  }
  return heads;
}

std::size_t FrameTable::remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va) {
  auto& mappers = page(frame).mappers;
  const auto it = std::find_if(mappers.begin(), mappers.end(),
                               [&](const Mapper& m) { return m.pid == pid && m.va == va; });
  if (it != mappers.end()) mappers.erase(it);
  return mappers.size();
}

std::vector<std::uint64_t> FrameTable::user_frames() const {
  std::vector<std::uint64_t> frames;
  user_.for_each_stored([&](std::uint64_t frame, const std::optional<UserPage>& page) {
    if (page) frames.push_back(frame);
  });
  return frames;
}

}  // namespace mmusim::fw
