#pragma once
// Copying the data of an access. An 8-byte word (what the cpu's accesses mostly carry)
// and a 64-byte cache line are most of the copies the models make; with the size known
// at compile time each takes a few moves, where a copy of a run-time size called memcpy
// (or, inlined, started a string instruction) for them.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace mmusim {

inline void copy_bytes(std::uint8_t* to, const std::uint8_t* from, std::size_t size) {
  if (size == 8) {
    std::memcpy(to, from, 8);
  } else if (size == 64) {
    std::memcpy(to, from, 64);
  } else {
    std::memcpy(to, from, size);
  }
}

}  // namespace mmusim
