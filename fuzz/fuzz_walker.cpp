// The reference walker fed arbitrary page-table memory, satp and requests. It must end
// every walk in a translation or a fault, read at most one PTE per level, stay within
// the level bound, and give the same answer when the walk is repeated on the same
// memory.
//
// Input: a header (mode, root page, request, A/D policy, the VA's VPN fields, each 0..7),
// then up to 128 64-bit words: word j is slot j % 8 of page j / 8 of 16 pages after DRAM's
// base, so every word can be one the walk reads. A word with bit 8 set has its PPN
// pointed into those pages, so the fuzzer reaches deep tables quickly.

#include <cstring>

#include "fuzz_input.h"
#include "mmu_stats.h"
#include "verify_memory.h"
#include "walker.h"

namespace {

using namespace mmusim;

constexpr std::uint64_t kPages = 16;

template <typename T>
T take(const std::uint8_t*& data, std::size_t& size) {
  T value{};
  const std::size_t n = std::min(sizeof(T), size);
  std::memcpy(&value, data, n);
  data += n;
  size -= n;
  return value;
}

WalkOutcome walk_once(const verify::VerifyMemory::Words& words, const sv::Satp& satp,
                      const TranslationRequest& req, AdUpdate ad, std::size_t& reads) {
  verify::VerifyMemory memory(words);
  MmuConfig config;
  config.ad_update = ad;
  MmuStats stats;
  PageTableWalker walker(memory, config, nullptr, stats);
  sc_core::sc_time delay;
  const WalkOutcome out = walker.walk(satp, req, delay);
  reads = 0;
  for (const auto& access : memory.log) reads += access.write ? 0 : 1;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto flags = take<std::uint8_t>(data, size);
  const auto root = take<std::uint8_t>(data, size);
  const auto access = take<std::uint8_t>(data, size);
  const auto vpns = take<std::uint32_t>(data, size);
  const auto offset = take<std::uint16_t>(data, size);
  const std::uint64_t base_ppn = verify::kDramBase >> sv::kPageShift;
  sv::Satp satp;
  satp.mode = (flags & 1) != 0 ? sv::Mode::Sv48 : sv::Mode::Sv39;
  satp.asid = flags >> 1;
  satp.root_ppn = base_ppn + root % kPages;
  TranslationRequest req;
  req.va = offset & (sv::kPageSize - 1);
  for (unsigned level = 0; level < sv::levels(satp.mode); ++level) {
    req.va |= std::uint64_t{(vpns >> (8 * level)) & 7} << (sv::kPageShift + 9 * level);
  }
  req.ctx.kind = access % 3 == 0 ? AccessKind::Read : access % 3 == 1 ? AccessKind::Write
                                                                     : AccessKind::Fetch;
  req.ctx.priv = (access & 4) != 0 ? Privilege::Supervisor : Privilege::User;
  req.ctx.sum = (access & 8) != 0;
  req.ctx.mxr = (access & 16) != 0;
  const AdUpdate ad = (access & 32) != 0 ? AdUpdate::Fault : AdUpdate::Hardware;
  verify::VerifyMemory::Words words;
  for (std::uint64_t j = 0; j < kPages * 8 && size >= 8; ++j) {
    auto value = take<std::uint64_t>(data, size);
    if ((value & (1u << 8)) != 0) {
      const std::uint64_t ppn = base_ppn + sv::pte_ppn(value) % kPages;
      value = (value & ~(sv::kPtePpnMask << 10)) | (ppn << 10);
    }
    words[verify::kDramBase + (j / 8) * sv::kPageSize + (j % 8) * 8] = value;
  }
  std::size_t reads = 0, reads_again = 0;
  const WalkOutcome first = walk_once(words, satp, req, ad, reads);
  const WalkOutcome again = walk_once(words, satp, req, ad, reads_again);
  const unsigned levels = sv::levels(satp.mode);
  fuzz::require(reads <= levels, "the walk read more PTEs than there are levels");
  fuzz::require(first.level < levels, "the leaf is beyond the level bound");
  fuzz::require(first.cause == again.cause && first.rule == again.rule && first.pte == again.pte &&
                    first.level == again.level && first.global == again.global &&
                    reads == reads_again,
                "the same walk on the same memory answered differently");
  if (first.cause == sv::Cause::None) {
    fuzz::require((first.pte & sv::kPteV) != 0 && (first.pte & (sv::kPteR | sv::kPteX)) != 0,
                  "translated through a PTE that is not a valid leaf");
  }
  return 0;
}
