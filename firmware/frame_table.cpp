#include "frame_table.h"

#include <algorithm>

namespace mmusim::fw {

std::size_t FrameTable::remove_mapper(std::uint64_t frame, Pid pid, std::uint64_t va) {
  auto& mappers = page(frame).mappers;
  const auto it = std::find_if(mappers.begin(), mappers.end(),
                               [&](const Mapper& m) { return m.pid == pid && m.va == va; });
  if (it != mappers.end()) mappers.erase(it);
  return mappers.size();
}

std::vector<std::uint64_t> FrameTable::user_frames() const {
  std::vector<std::uint64_t> frames;
  frames.reserve(user_.size());
  for (const auto& entry : user_) frames.push_back(entry.first);
  std::sort(frames.begin(), frames.end());
  return frames;
}

}  // namespace mmusim::fw
