#include "stimulus.h"

#include <algorithm>
#include <map>
#include <random>

#include "sv.h"

namespace mmusim::verify {

namespace {

using namespace sv;

struct Leaf {
  std::uint64_t va = 0;  // the page's base
  unsigned level = 0;
  std::uint64_t pte_addr = 0;
  std::uint16_t asid = 0;
  bool global = false;
};

class Generator {
 public:
  Generator(std::uint64_t seed, std::size_t requests, unsigned asid_bits)
      : rng_(seed), requests_(requests), asid_mask_(asid_mask(asid_bits)) {
    c_.seed = seed;
    c_.mode = seed % 4 == 3 ? Mode::Sv57 : seed % 3 == 2 ? Mode::Sv48 : Mode::Sv39;
    const bool extensions = seed % 5 >= 2;
    c_.extensions = {extensions, extensions};
    levels_ = sv::levels(c_.mode);
  }

  Case build() {
    build_tables();
    build_stream();
    return std::move(c_);
  }

 private:
  std::uint64_t pick(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool chance(unsigned percent) { return pick(100) < percent; }
  std::uint64_t new_table() {
    const std::uint64_t pa = next_table_;
    next_table_ += kPageSize;
    return pa;
  }
  std::uint64_t& word(std::uint64_t pa) { return c_.memory[pa]; }

  // A canonical VA, mostly in the lower half (user memory), sometimes in the upper.
  std::uint64_t random_va() {
    const unsigned bits = va_bits(c_.mode);
    std::uint64_t va = rng_() & ((std::uint64_t{1} << (bits - 1)) - 1);
    if (chance(15)) va |= ~std::uint64_t{0} << (bits - 1);
    return va;
  }

  // The pointer PTE flags: V alone mostly; now and then what the walker must refuse.
  std::uint64_t pointer_flags() {
    if (chance(3)) return kPteV | (chance(50) ? kPteA : chance(50) ? kPteD : kPteU);
    if (chance(2)) return kPteV | (std::uint64_t{1} << (54 + pick(10)));
    if (c_.extensions.svnapot && chance(2)) return kPteV | (chance(50) ? kPteN : kPtePbmt);
    if (chance(2)) return 0;  // invalid pointer
    return kPteV;
  }

  // Walks (building) from `root` to the table that holds level `level`'s PTE for va.
  std::uint64_t slot_for(std::uint64_t root, std::uint64_t va, unsigned level) {
    std::uint64_t table = root;
    for (unsigned l = levels_ - 1; l > level; --l) {
      const std::uint64_t slot = table + vpn(va, l) * kPteSize;
      std::uint64_t& pte = word(slot);
      if ((pte & kPteV) != 0 && pte_is_leaf(pte)) return 0;  // a superpage is in the way
      if ((pte & kPteV) == 0) {
        const std::uint64_t next = chance(2) ? std::uint64_t{0x1'0000'0000} : new_table();
        pte = make_pte(next, pointer_flags());
      }
      table = pte_ppn(pte) << kPageShift;
      if (table < kDramBase || table >= kDramBase + kDramBytes) return 0;  // reads fail there
    }
    return table + vpn(va, level) * kPteSize;
  }

  std::uint64_t leaf_value(unsigned level, bool global) {
    std::uint64_t flags = chance(95) ? kPteV : 0;
    flags |= pick(8) << 1;  // R, W, X: all eight combinations (000 is a pointer)
    if ((flags & (kPteR | kPteX | kPteW)) == 0) flags |= kPteR;  // mostly a leaf after all
    if (chance(5)) flags &= ~(kPteR | kPteX);                    // a W-only or pointer-shaped leaf
    if (chance(60)) flags |= kPteU;
    if (global) flags |= kPteG;
    if (chance(75)) flags |= kPteA;
    if (chance(50)) flags |= kPteD;
    if (chance(4)) flags |= std::uint64_t{1} << (54 + pick(10));
    if (c_.extensions.svpbmt && chance(25)) flags |= pick(4) << kPtePbmtShift;
    if (c_.extensions.svnapot && level > 0 && chance(3)) flags |= kPteN;  // reserved there
    // The frame: aligned to the page size, or (now and then) a misaligned superpage.
    std::uint64_t ppn = (kDramBase >> kPageShift) + pick(1u << 20);
    ppn &= ~((std::uint64_t{1} << (kVpnBits * level)) - 1);
    if (level > 0 && chance(10)) ppn |= 1 + pick((std::uint64_t{1} << (kVpnBits * level)) - 1);
    return (ppn << kPtePpnShift) | flags;
  }

  // A 64 KiB NAPOT leaf (§5): PPN[3:0] = 1000 on a 16-page aligned frame; now and then
  // another low PPN, which Table 5.1 reserves.
  std::uint64_t napot_value() {
    std::uint64_t pte = leaf_value(0, false) | kPteN;
    const std::uint64_t low = chance(90) ? 0x8 : pick(16);
    return (pte & ~(std::uint64_t{0xF} << kPtePpnShift)) | (low << kPtePpnShift);
  }

  // 16 PTEs for the 64 KiB range around va, all alike (as software keeps them) but now
  // and then one.
  void map_napot(std::uint64_t root, std::uint16_t asid, std::uint64_t va) {
    va &= ~((std::uint64_t{1} << kNapotShift) - 1);
    const std::uint64_t slot = slot_for(root, va, 0);
    if (slot == 0) return;
    const std::uint64_t value = napot_value();
    const std::size_t odd_one = chance(15) ? pick(16) : 16;
    for (std::size_t i = 0; i < 16; ++i) {
      const std::uint64_t page = va + i * kPageSize;
      word(slot + i * kPteSize) = i == odd_one ? leaf_value(0, false) : value;
      leaves_.push_back({page, 0, slot + i * kPteSize, asid, false});
    }
    pool_.push_back(va + pick(16) * kPageSize + pick(kPageSize) / 8 * 8);
    pool_.push_back(va + pick(16) * kPageSize);
    pool_.push_back(va + (std::uint64_t{1} << kNapotShift) - 8);
  }

  void map(std::uint64_t root, std::uint16_t asid, std::uint64_t va, unsigned level, bool global) {
    va &= ~((std::uint64_t{1} << page_shift(level)) - 1);
    const std::uint64_t slot = slot_for(root, va, level);
    // Out of memory (an access fault), under another leaf, or where a pointer is (a
    // leaf there would cut a subtree off, the shared one too).
    if (slot == 0 || ((word(slot) & kPteV) != 0 && !pte_is_leaf(word(slot)))) {
      pool_.push_back(va);
      return;
    }
    word(slot) = leaf_value(level, global);
    leaves_.push_back({va, level, slot, asid, global});
    const std::uint64_t span = std::uint64_t{1} << page_shift(level);
    pool_.push_back(va + pick(span) / 8 * 8);
    pool_.push_back(va + span - 8);
    if (level > 0) pool_.push_back(va + pick(span / kPageSize) * kPageSize);
  }

  void build_tables() {
    next_table_ = kDramBase;
    const unsigned spaces = 3 + static_cast<unsigned>(pick(2));
    // A subtree every address space shares: one root entry, global mappings below it.
    const std::uint64_t shared = new_table();
    const std::uint64_t shared_va =
        random_va() & ~((std::uint64_t{1} << page_shift(levels_ - 1)) - 1);
    for (unsigned s = 0; s < spaces; ++s) {
      const std::uint64_t root = new_table();
      // Distinct ASIDs below 0x8000 (the first is 0); bit 15 makes each one's alias
      // (the same tables under another ASID). An ASID always names the same tables, as
      // software must keep it (§4.2.1: reusing one needs a flush).
      const std::uint16_t asid = static_cast<std::uint16_t>(s == 0 ? 0 : s * 0x1000 + pick(0x1000));
      roots_.push_back({root, asid});
      word(root + vpn(shared_va, levels_ - 1) * kPteSize) = make_pte(shared, kPteV);
    }
    const auto& first = roots_.front();
    for (int i = 0; i < 6; ++i) {
      const unsigned level = static_cast<unsigned>(pick(levels_ - 1));  // below the root
      const std::uint64_t va =
          shared_va | (rng_() & ((std::uint64_t{1} << page_shift(levels_ - 1)) - 1));
      map(first.first, first.second, va, level, chance(80));
    }
    for (const auto& [root, asid] : roots_) {
      for (int i = 0; i < 14; ++i) {
        // Mostly 4 KiB pages; the others at every superpage level (the root included).
        const unsigned level = chance(55) ? 0 : static_cast<unsigned>(pick(levels_));
        std::uint64_t va = random_va();
        // Neighbouring pages now and then, so that tables and walk-cache entries are shared.
        if (!leaves_.empty() && chance(40))
          va = leaves_[pick(leaves_.size())].va + kPageSize * (1 + pick(4));
        // Not global: a global mapping must be the same in every address space, and only
        // the shared subtree is.
        if (level == 0 && c_.extensions.svnapot && chance(25)) {
          map_napot(root, asid, va);
        } else {
          map(root, asid, va, level, false);
        }
      }
    }
    for (int i = 0; i < 8; ++i) pool_.push_back(random_va() / 8 * 8);  // holes
    for (int i = 0; i < 3; ++i) {                                      // non-canonical
      pool_.push_back((std::uint64_t{1} << (va_bits(c_.mode) + pick(63 - va_bits(c_.mode)))) |
                      (rng_() & 0xFF8));
    }
  }

  std::uint64_t satp_of(std::size_t space) const {
    return Satp{c_.mode, roots_[space].second, roots_[space].first >> kPageShift}.encode();
  }

  void build_stream() {
    const VerifyMemory::Words tables = c_.memory;  // edits below change the generator's view
    Operation first;
    first.kind = Operation::Kind::Satp;
    first.satp = satp_of(0);
    c_.operations.push_back(first);
    std::uint16_t asid = roots_[0].second;
    reuses_asid(asid, roots_[0].first);
    std::uint64_t last_va = pool_.front();
    std::vector<std::uint64_t> hot;
    for (int i = 0; i < 20; ++i) hot.push_back(pool_[pick(pool_.size())]);
    while (c_.operations.size() < requests_) {
      const unsigned roll = static_cast<unsigned>(pick(100));
      Operation op;
      if (roll < 5) {
        const std::size_t space = pick(roots_.size());
        op.kind = Operation::Kind::Satp;
        op.satp = satp_of(space);
        asid = roots_[space].second;
        if (chance(20)) {  // the same tables under another ASID
          asid = static_cast<std::uint16_t>(asid | 0x8000);
          op.satp = Satp{c_.mode, asid, roots_[space].first >> kPageShift}.encode();
        }
        if (reuses_asid(asid, roots_[space].first)) {
          // Fewer ASID bits than the stream's ASIDs need: this one aliases an ASID that last
          // named other tables, whose entries the TLBs may still hold. Software flushes it
          // before use (§4.2.1).
          c_.operations.push_back(op);
          op = Operation{};
          op.kind = Operation::Kind::Flush;
          op.flush = {mmu_regs::FlushKind::Asid, 0, asid};
        }
      } else if (roll < 11) {
        op.kind = Operation::Kind::Flush;
        // Mostly the narrow forms: the wide ones empty the TLBs, and full sets (victims in
        // every position) need a while without them.
        const unsigned form = static_cast<unsigned>(pick(100));
        op.flush.kind = form < 8    ? mmu_regs::FlushKind::All
                        : form < 25 ? mmu_regs::FlushKind::Asid
                        : form < 62 ? mmu_regs::FlushKind::Va
                                    : mmu_regs::FlushKind::VaAsid;
        // Now and then the page just translated, so that a flush meets the entry it names.
        op.flush.va = chance(30) ? last_va : pool_[pick(pool_.size())];
        op.flush.asid = chance(60) ? asid : roots_[pick(roots_.size())].second;
      } else if (roll < 16 && !leaves_.empty()) {
        const Leaf& leaf = leaves_[pick(leaves_.size())];
        const std::uint64_t old = word(leaf.pte_addr);
        const std::uint64_t toggles[] = {kPteV, kPteR, kPteW, kPteX, kPteU, kPteA, kPteD, kPteG};
        // (G stays as it is: only the shared subtree's leaves are global, in every space.)
        std::uint64_t value = chance(15) ? leaf_value(leaf.level, leaf.global)  // a new frame
                                         : old ^ toggles[pick(7)];
        // A leaf stays a leaf (or invalid): turning it into a pointer, or a pointer into
        // a leaf, needs an SFENCE.VMA with rs1 = x0 (§4.2.1), which edits here never get.
        const auto shaped_as_pointer = [](std::uint64_t pte) {
          return (pte & kPteV) != 0 && !pte_is_leaf(pte);
        };
        if (shaped_as_pointer(old)) continue;
        if (shaped_as_pointer(value)) value |= kPteR;
        op.kind = Operation::Kind::Edit;
        op.pte_addr = leaf.pte_addr;
        op.value = value;
        op.leaf_va = leaf.va;
        op.leaf_level = leaf.level;
        word(leaf.pte_addr) = op.value;  // the generator's own view, for later edits
        op.flushed = chance(60);
        c_.operations.push_back(op);
        if (op.flushed) {
          // The narrowest correct flush for one leaf in every ASID that may cache it.
          Operation flush;
          flush.kind = Operation::Kind::Flush;
          flush.flush = {mmu_regs::FlushKind::Va, leaf.va, 0};
          c_.operations.push_back(flush);
        }
        continue;
      } else {
        op.kind = Operation::Kind::Translate;
        // The VA just used or flushed (what a flush did shows at once), a hot set larger
        // than the L1 TLB and within the L2 (hits, and every LRU order, in both), any
        // mapped VA, or anywhere.
        const unsigned where = static_cast<unsigned>(pick(100));
        op.request.va = where < 15   ? last_va
                        : where < 45 ? hot[pick(hot.size())]
                        : where < 90 ? pool_[pick(pool_.size())]
                                     : random_va() / 8 * 8;
        last_va = op.request.va;
        op.request.ctx.kind = static_cast<AccessKind>(pick(3));
        op.request.ctx.priv = chance(60) ? Privilege::User : Privilege::Supervisor;
        op.request.ctx.sum = chance(40);
        op.request.ctx.mxr = chance(40);
      }
      c_.operations.push_back(op);
    }
    c_.memory = tables;  // the case starts from the tables as built
  }

  // Whether `asid`, as the hardware keeps it (its implemented bits, §4.1.11), last named
  // other tables than `root`; it names `root` from now on.
  bool reuses_asid(std::uint16_t asid, std::uint64_t root) {
    const auto [named, added] = tables_of_asid_.try_emplace(asid & asid_mask_, root);
    const bool reused = !added && named->second != root;
    named->second = root;
    return reused;
  }

  std::mt19937_64 rng_;
  std::size_t requests_;
  std::uint16_t asid_mask_;
  std::map<std::uint16_t, std::uint64_t> tables_of_asid_;  // implemented ASID -> root
  Case c_;
  unsigned levels_ = 3;
  std::uint64_t next_table_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint16_t>> roots_;  // root PA, ASID
  std::vector<Leaf> leaves_;
  std::vector<std::uint64_t> pool_;
};

}  // namespace

Case generate_case(std::uint64_t seed, std::size_t requests, unsigned asid_bits) {
  return Generator(seed, requests, asid_bits).build();
}

}  // namespace mmusim::verify
