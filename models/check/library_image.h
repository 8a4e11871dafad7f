#pragma once
// The contents of every library image in the file store: known in advance, so the
// integrity checker can tell what any load from a mapped library must return, and the
// platform can write the images onto the device before the run.

#include <cstdint>

namespace mmusim {

// The 8-byte word at byte `offset` (a multiple of 8) of library `library`.
constexpr std::uint64_t library_word(unsigned library, std::uint64_t offset) {
  std::uint64_t x = (std::uint64_t{library} << 48) ^ offset ^ 0x6C69'6272'6172'7921ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace mmusim
