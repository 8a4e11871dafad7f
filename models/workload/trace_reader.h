#pragma once
// Readers for the traces the traffic generator replays. Both read the whole file up
// front, so a malformed line is reported (InputError, `file:line: what`) before the
// simulation starts.

#include <cstdint>
#include <string>
#include <vector>

#include "workload.h"

namespace mmusim {

// valgrind --tool=lackey --trace-mem=yes output: `I addr,size` (fetch), ` L` (load),
// ` S` (store), ` M` (modify = a load then a store); addresses hex without 0x, sizes
// decimal. Lines starting with `==` (valgrind's own messages) are skipped; Windows line
// ends are accepted. An access that crosses a 4 KiB page boundary becomes two accesses,
// one per page.
//
// Both refuse an access that reaches `user_top` or beyond: it cannot be user memory (the
// lower half of the address space, 2^38 under Sv39).
constexpr std::uint64_t kAnyAddress = ~std::uint64_t{0};
std::vector<Access> read_lackey_trace(const std::string& path, std::uint64_t user_top = kAnyAddress);

// One virtual page number per line (decimal, or hex with 0x); each is an 8-byte read
// of VA = page * 4096. Blank lines and `#` comments are skipped.
std::vector<Access> read_page_trace(const std::string& path, std::uint64_t user_top = kAnyAddress);

}  // namespace mmusim
