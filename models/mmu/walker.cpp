#include "walker.h"

namespace mmusim {

WalkOutcome PageTableWalker::walk(const sv::Satp& satp, const TranslationRequest& req,
                                  sc_core::sc_time& delay) {
  using namespace sv;
  const Cause page_fault = page_fault_cause(req.ctx.kind);
  const unsigned levels = sv::levels(satp.mode);

  // §4.3.2 step 1: a = satp.ppn × PAGESIZE, i = LEVELS − 1; a walk-cache hit starts lower.
  int i = static_cast<int>(levels) - 1;
  std::uint64_t table = satp.root_ppn << kPageShift;
  bool global = false;
  last_walk_hit_cache_ = false;
  if (cache_ != nullptr) {
    delay += cache_latency_;
    const TlbEntry* hit = nullptr;
    for (unsigned level = 1; level < levels && hit == nullptr; ++level) {
      hit = cache_->lookup(req.va, satp.asid, level);
    }
    stats_.walk_cache.record(hit != nullptr);
    last_walk_hit_cache_ = hit != nullptr;
    if (hit != nullptr) {
      i = hit->level - 1;
      table = pte_ppn(hit->pte) << kPageShift;
      global = hit->global;
      if (steps_ != nullptr) steps_->push_back({hit->level, 0, hit->pte, true});
    }
  }

  for (;; --i) {
    // Step 2: pte = mem[a + va.vpn[i] × PTESIZE]; a failed read is an access fault.
    const std::uint64_t pte_addr = table + vpn(req.va, static_cast<unsigned>(i)) * kPteSize;
    const auto read = memory_.read_pte(pte_addr, delay);
    if (!read) return {access_fault_cause(req.ctx.kind), Rule::AccessFault};
    std::uint64_t pte = *read;
    if (steps_ != nullptr) steps_->push_back({static_cast<unsigned>(i), pte_addr, pte, false});

    // Step 3: invalid, W without R, or a reserved bit or encoding: bits 63:54 (§4.4.1)
    // but those of the extensions implemented; N and PBMT of a pointer (§5, §6); PBMT = 3
    // (§6); N = 1 other than on a level-0 leaf with PPN[3:0] = 1000 (§5, Table 5.1).
    if ((pte & kPteV) == 0) return {page_fault, Rule::Invalid};
    if ((pte & kPteR) == 0 && (pte & kPteW) != 0) return {page_fault, Rule::WriteWithoutRead};
    if ((pte & reserved_bits(extensions_)) != 0) return {page_fault, Rule::ReservedBits};
    const bool leaf = pte_is_leaf(pte);
    if (!leaf && (pte & (kPteN | kPtePbmt)) != 0) return {page_fault, Rule::NonLeafNPbmt};
    if (pte_pbmt(pte) == Pbmt::Reserved) return {page_fault, Rule::PbmtReserved};
    const bool napot = (pte & kPteN) != 0;
    if (napot && !napot_encoding_ok(pte, static_cast<unsigned>(i))) {
      return {page_fault, Rule::NapotReserved};
    }
    global = global || (pte & kPteG) != 0;

    if (!leaf) {
      // Step 4: a pointer to the next level. §4.3.1: D, A and U of a non-leaf PTE are
      // reserved and must be zero; we fault rather than ignore them.
      if ((pte & (kPteD | kPteA | kPteU)) != 0) return {page_fault, Rule::NonLeafAdu};
      if (i == 0) return {page_fault, Rule::NoLeaf};
      if (cache_ != nullptr) {
        TlbEntry entry;
        entry.vpn = req.va >> page_shift(static_cast<unsigned>(i));
        entry.pte = pte;
        entry.asid = satp.asid;
        entry.level = static_cast<std::uint8_t>(i);
        entry.global = global;
        cache_->fill(entry);
      }
      table = pte_ppn(pte) << kPageShift;
      continue;
    }

    // Step 5: permissions, with SUM and MXR.
    const Rule permission = permission_rule(pte, req.ctx);
    if (permission != Rule::Translated) return {page_fault, permission};
    // Step 6: a superpage's low PPN fields must be zero.
    const std::uint64_t low_ppn_mask = (std::uint64_t{1} << (kVpnBits * i)) - 1;
    if ((pte_ppn(pte) & low_ppn_mask) != 0) return {page_fault, Rule::MisalignedSuperpage};
    // Step 7: A, and D for stores.
    const std::uint64_t needed = kPteA | (req.ctx.kind == AccessKind::Write ? kPteD : 0);
    if ((pte & needed) != needed) {
      if (ad_update_ == AdUpdate::Fault) {
        return {page_fault, (pte & kPteA) == 0 ? Rule::AccessedClear : Rule::DirtyClear};
      }
      pte |= needed;
      if (!memory_.write_pte(pte_addr, pte, delay)) {
        return {access_fault_cause(req.ctx.kind), Rule::AccessFault};
      }
      ++stats_.pte_writes;
    }
    return {Cause::None, Rule::Translated, pte, static_cast<unsigned>(i), napot, global};
  }
}

}  // namespace mmusim
