#include "cases.h"

#include <random>

#include "layout.h"

namespace mmusim::verify::qemu {

namespace {

using namespace sv;

constexpr std::uint64_t kLevelBytes[sv::kMaxLevels] = {1ull << 12, 1ull << 21, 1ull << 30,
                                                       1ull << 39, 1ull << 48};

// Page tables being built for one case, pages handed out from `base` up.
class Tables {
 public:
  Tables(Case& c, std::uint64_t base, Mode mode) : c_(c), levels_(levels(mode)) {
    c_.first = base;
    c_.end = base;
    root_ = new_page();
    c_.satp = Satp{mode, 0, root_ >> kPageShift}.encode();
  }

  std::uint64_t new_page() {
    const std::uint64_t pa = c_.end;
    c_.end += kPageSize;
    return pa;
  }
  std::uint64_t& word(std::uint64_t pa) { return c_.tables[pa]; }

  // The slot for va's level-`level` PTE, building pointers with `pointer(level)`'s flags
  // on the way; 0 if a leaf or an invalid pointer is in the way.
  template <typename PointerFlags>
  std::uint64_t slot(std::uint64_t va, unsigned level, PointerFlags pointer) {
    std::uint64_t table = root_;
    for (unsigned l = levels_ - 1; l > level; --l) {
      std::uint64_t& pte = word(table + vpn(va, l) * kPteSize);
      if (pte == 0) {
        if (c_.end + kPageSize > c_.first + kMaxCaseBytes) return 0;
        pte = make_pte(new_page(), pointer());
      }
      if ((pte & kPteV) == 0 || pte_is_leaf(pte)) return 0;
      table = pte_ppn(pte) << kPageShift;
      if (table < c_.first || table >= c_.end) return 0;  // not one of ours
    }
    return table + vpn(va, level) * kPteSize;
  }

 private:
  Case& c_;
  unsigned levels_;
  std::uint64_t root_ = 0;
};

// The frame a level's aligned leaf maps: arena pages for 4 KiB, the arena itself for
// 2 MiB, and for 1 GiB and 512 GiB the page that holds it (requests then stay at offsets
// inside the arena).
std::uint64_t aligned_frame(unsigned level, std::uint64_t page) {
  switch (level) {
    case 0: return kArena + page % (kArenaBytes / kPageSize) * kPageSize;
    case 1: return kArena;
    case 2: return kRamBase;
    default: return 0;
  }
}

// An offset in a level's page that lands in the arena when the frame is aligned_frame().
std::uint64_t arena_offset(unsigned level, std::uint64_t pick) {
  const std::uint64_t in_arena = pick % kArenaBytes / 8 * 8;
  switch (level) {
    case 0: return in_arena % kPageSize;
    case 1: return in_arena;
    case 2: return kArena - kRamBase + in_arena;
    default: return kArena + in_arena;
  }
}

Request request(std::uint64_t va, unsigned kind, bool supervisor, bool sum, bool mxr) {
  Request r;
  r.va = va;
  r.ctx.kind = static_cast<AccessKind>(kind);
  r.ctx.priv = supervisor ? Privilege::Supervisor : Privilege::User;
  r.ctx.sum = sum;
  r.ctx.mxr = mxr;
  return r;
}

// Sixteen 4 KiB leaves, one per R/W/X encoding and U, each tried by every access kind,
// privilege, SUM and MXR. A and D set, so that only the permission rules decide.
Case permissions(std::uint64_t base) {
  Case c;
  c.name = "directed permissions";
  Tables t(c, base, Mode::Sv39);
  const auto pointer = [] { return kPteV; };
  for (std::uint64_t i = 0; i < 16; ++i) {
    const std::uint64_t va = 0x4000'0000 + i * kPageSize;
    const std::uint64_t rwx = (i & 7) << 1;
    const std::uint64_t user = (i & 8) != 0 ? kPteU : 0;
    // R/W/X = 000 is a pointer, not a leaf: at level 0 the walk faults (no leaf).
    t.word(t.slot(va, 0, pointer)) =
        make_pte(aligned_frame(0, i), kPteV | rwx | user | kPteA | kPteD);
    for (unsigned kind = 0; kind < 3; ++kind) {
      for (unsigned m = 0; m < 8; ++m) {
        c.requests.push_back(request(va + 8 * m, kind, m & 1, m & 2, m & 4));
      }
    }
  }
  return c;
}

// A and D in all four combinations on readable, writable, executable user pages: the
// hardware sets A on any access and D on a store, and a fault sets neither.
Case accessed_dirty(std::uint64_t base) {
  Case c;
  c.name = "directed A/D updates";
  Tables t(c, base, Mode::Sv39);
  const auto pointer = [] { return kPteV; };
  for (std::uint64_t i = 0; i < 12; ++i) {
    const std::uint64_t va = 0x1000'0000 + i * kPageSize;
    const std::uint64_t ad = (i & 1 ? kPteA : 0) | (i & 2 ? kPteD : 0);
    const std::uint64_t perms = i < 8 ? kPteR | kPteW | kPteX : kPteR | kPteX;  // the last: no W
    t.word(t.slot(va, 0, pointer)) = make_pte(aligned_frame(0, i), kPteV | perms | kPteU | ad);
    const unsigned kind =
        static_cast<unsigned>(i / 4 % 3);  // one page read, one written, one fetched
    c.requests.push_back(request(va, kind, false, false, false));
    c.requests.push_back(request(va + 8, 1, false, false, false));  // then a store
  }
  return c;
}

class RandomCase {
 public:
  RandomCase(std::uint64_t seed, std::uint64_t base, sv::Extensions extensions)
      : extensions_(extensions),
        rng_(seed),
        mode_(seed % 3 == 2 ? Mode::Sv57
              : seed % 2    ? Mode::Sv39
                            : Mode::Sv48),
        levels_(levels(mode_)) {
    c_.name = "random seed " + std::to_string(seed);
    Tables t(c_, base, mode_);
    for (int i = 0; i < 16; ++i) map(t);
    const unsigned bits = va_bits(mode_);
    for (int i = 0; i < 6; ++i) {  // holes, mostly
      add_request(canonical(rng_() & ((std::uint64_t{1} << bits) - 1)) / 8 * 8);
    }
    for (int i = 0; i < 2; ++i) {  // non-canonical
      add_request((std::uint64_t{1} << (bits + pick(63 - bits))) | (rng_() & 0xff8));
    }
  }
  Case take() { return std::move(c_); }

 private:
  std::uint64_t pick(std::uint64_t n) { return rng_() % n; }
  bool chance(unsigned percent) { return pick(100) < percent; }

  std::uint64_t canonical(std::uint64_t va) const {
    const unsigned bits = va_bits(mode_);
    return (va >> (bits - 1) & 1) != 0 ? va | ~std::uint64_t{0} << bits : va;
  }

  // Pointer flags: V alone mostly; now and then what the walker must refuse.
  std::uint64_t pointer_flags() {
    const unsigned roll = static_cast<unsigned>(pick(100));
    if (roll < 3) return kPteV | (roll == 0 ? kPteA : roll == 1 ? kPteD : kPteU);
    if (roll < 6) return kPteV | std::uint64_t{1} << (54 + pick(10));
    if (roll < 8) return 0;
    if (roll < 9) return kPteV | kPteW;  // W without R
    if (roll < 11 && extensions_.svnapot) return kPteV | (roll == 9 ? kPteN : kPtePbmt);
    return kPteV;
  }

  std::uint64_t leaf(unsigned level) {
    std::uint64_t flags = (chance(95) ? kPteV : 0) | pick(8) << 1;
    // R/W/X = 000 makes this a pointer; below the gigapage level that points into the
    // arena, whose words (reserved bits set) the walker must refuse.
    if ((flags & (kPteR | kPteW | kPteX)) == 0 && (level > 1 || chance(70))) flags |= kPteR;
    if (chance(60)) flags |= kPteU;
    if (chance(30)) flags |= kPteG;
    if (chance(70)) flags |= kPteA;
    if (chance(50)) flags |= kPteD;
    if (chance(4)) flags |= std::uint64_t{1} << (54 + pick(10));
    if (extensions_.svpbmt && chance(25)) flags |= pick(4) << kPtePbmtShift;
    if (extensions_.svnapot && level > 0 && chance(4)) flags |= kPteN;  // reserved there
    std::uint64_t frame = aligned_frame(level, pick(1u << 20));
    // A misaligned superpage: low PPN bits that, ORed into the page by a walker that
    // ignored them, would still land in the arena.
    if (level > 0 && chance(15)) frame |= (1 + pick(kArenaBytes / kPageSize / 2 - 1)) * kPageSize;
    return make_pte(frame, flags);
  }

  // A 64 KiB NAPOT leaf (§5) on a 16-page frame of the arena, PPN[3:0] = 1000 (now and
  // then a reserved encoding), and requests anywhere in its range.
  void map_napot(Tables& t) {
    const std::uint64_t napot_bytes = std::uint64_t{1} << kNapotShift;
    const std::uint64_t va =
        canonical(rng_() & ((std::uint64_t{1} << va_bits(mode_)) - 1)) & ~(napot_bytes - 1);
    const std::uint64_t slot = t.slot(va, 0, [this] { return pointer_flags(); });
    if (slot == 0 || t.word(slot) != 0) return;
    const std::uint64_t low = chance(85) ? 0x8 : pick(16);
    const std::uint64_t frame =
        (aligned_frame(0, pick(1u << 20)) & ~(napot_bytes - 1)) | low << kPageShift;
    t.word(slot) = make_pte(frame, (leaf(0) & 0x3FF & ~kPteG) | kPteN) |
                   (chance(25) ? pick(3) << kPtePbmtShift : 0);
    pages_.push_back(va);
    for (int i = 0; i < 4; ++i) add_request(va + pick(napot_bytes) / 8 * 8);
  }

  void map(Tables& t) {
    if (extensions_.svnapot && chance(20)) return map_napot(t);
    // Mostly 4 KiB pages, the others at every superpage level (the root's too).
    const unsigned level = chance(50) ? 0 : static_cast<unsigned>(pick(levels_));
    std::uint64_t va = canonical(rng_() & ((std::uint64_t{1} << va_bits(mode_)) - 1));
    if (!pages_.empty() && chance(40)) va = pages_[pick(pages_.size())] + kLevelBytes[level];
    va &= ~(kLevelBytes[level] - 1);
    const std::uint64_t slot = t.slot(va, level, [this] { return pointer_flags(); });
    if (slot == 0 || t.word(slot) != 0) return;
    t.word(slot) = leaf(level);
    pages_.push_back(va);
    for (int i = 0; i < 4; ++i) add_request(va + arena_offset(level, rng_()));
  }

  void add_request(std::uint64_t va) {
    c_.requests.push_back(
        request(va, static_cast<unsigned>(pick(3)), chance(50), chance(40), chance(40)));
  }

  sv::Extensions extensions_;
  std::mt19937_64 rng_;
  Mode mode_;
  unsigned levels_;
  Case c_;
  std::vector<std::uint64_t> pages_;
};

}  // namespace

std::vector<Case> directed_cases(std::uint64_t base) {
  std::vector<Case> cases;
  cases.push_back(permissions(base));
  cases.push_back(accessed_dirty(cases.back().end));
  return cases;
}

Case random_case(std::uint64_t seed, std::uint64_t base, sv::Extensions extensions) {
  return RandomCase(seed, base, extensions).take();
}

}  // namespace mmusim::verify::qemu
