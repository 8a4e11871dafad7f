#pragma once
// The QEMU cross-check's cases: page tables placed in the harness's table region and the
// requests made through them. Directed cases cover every R/W/X encoding × U × access
// kind × privilege × SUM × MXR, and A/D in all four combinations; random cases (Sv39,
// Sv48 and Sv57) add every level, superpages aligned and misaligned, invalid and reserved
// PTEs, non-leaf PTEs with A/D/U, holes and non-canonical addresses. Every leaf maps
// the data arena, so whatever translates lands where the harness can see it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sv.h"

namespace mmusim::verify::qemu {

struct Request {
  std::uint64_t va = 0;
  sv::AccessContext ctx;
};

struct Case {
  std::string name;  // "directed permissions", "random seed 7"
  std::uint64_t satp = 0;
  std::map<std::uint64_t, std::uint64_t> tables;  // PA -> word, all in [first, end)
  std::uint64_t first = 0, end = 0;               // the case's table pages
  std::vector<Request> requests;
};

// The most table space one case takes, so a batch knows when to start a new QEMU run.
constexpr std::uint64_t kMaxCaseBytes = 64 * sv::kPageSize;

// Cases whose tables start at `base`.
std::vector<Case> directed_cases(std::uint64_t base);
// With Svnapot and Svpbmt on, random cases add NAPOT leaves, N and PBMT everywhere.
Case random_case(std::uint64_t seed, std::uint64_t base, sv::Extensions extensions);

}  // namespace mmusim::verify::qemu
