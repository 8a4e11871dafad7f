#pragma once
// Sizes written as text: "4096", "64KiB", "1.5MiB", "1GiB" (K/M/G/T also accepted).

#include <cstdint>
#include <string>

namespace mmusim {

// False unless the whole text is a non-negative number with a known unit that makes a
// whole number of bytes below 2^64.
bool parse_byte_size(const std::string& text, std::uint64_t& bytes);

}  // namespace mmusim
