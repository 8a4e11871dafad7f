#pragma once
// RISC-V virtual-memory architecture constants and field helpers (privileged spec v1.12,
// §4.1.11 satp, §4.3 Sv32/Sv39 PTE format, §4.4 Sv39, §4.5 Sv48, §4.6 Sv57). No SystemC here: the
// firmware builds page tables with the same definitions the walker checks them with.

#include <array>
#include <cstdint>

#include "access.h"

namespace mmusim::sv {

enum class Mode : std::uint8_t { Bare = 0, Sv39 = 8, Sv48 = 9, Sv57 = 10 };  // satp.MODE encodings

constexpr unsigned kPageShift = 12;
constexpr std::uint64_t kPageSize = std::uint64_t{1} << kPageShift;
constexpr unsigned kVpnBits = 9;  // 512 PTEs of 8 bytes per table page
constexpr std::uint64_t kPteSize = 8;

// PTE bits (§4.3.1, Figure 4.21 for Sv39).
constexpr std::uint64_t kPteV = 1u << 0;
constexpr std::uint64_t kPteR = 1u << 1;
constexpr std::uint64_t kPteW = 1u << 2;
constexpr std::uint64_t kPteX = 1u << 3;
constexpr std::uint64_t kPteU = 1u << 4;
constexpr std::uint64_t kPteG = 1u << 5;
constexpr std::uint64_t kPteA = 1u << 6;
constexpr std::uint64_t kPteD = 1u << 7;
constexpr unsigned kPtePpnShift = 10;
constexpr std::uint64_t kPtePpnMask = (std::uint64_t{1} << 44) - 1;  // PPN is bits 53:10
// Bits 63:54 (§4.4.1): N (Svnapot, §5), PBMT (Svpbmt, §6) and 60:54, reserved for future
// use. A bit of an extension the MMU does not implement is reserved too: set, it faults.
constexpr std::uint64_t kPteReservedMask = std::uint64_t{0x3FF} << 54;
constexpr std::uint64_t kPteN = std::uint64_t{1} << 63;
constexpr unsigned kPtePbmtShift = 61;
constexpr std::uint64_t kPtePbmt = std::uint64_t{3} << kPtePbmtShift;

// The optional translation extensions an MMU implements (Svpbmt as enabled by menvcfg.PBMTE).
struct Extensions {
  bool svnapot = false;
  bool svpbmt = false;
};
// The bits of 63:54 that must be zero in every PTE under `ext`.
constexpr std::uint64_t reserved_bits(Extensions ext) {
  return (kPteReservedMask & ~(kPteN | kPtePbmt)) | (ext.svnapot ? 0 : kPteN) |
         (ext.svpbmt ? 0 : kPtePbmt);
}

// Svpbmt (§6, Table 6.1): the memory type a leaf's PBMT field asks for; 3 is reserved.
enum class Pbmt : std::uint8_t { Pma = 0, Nc = 1, Io = 2, Reserved = 3 };
constexpr Pbmt pte_pbmt(std::uint64_t pte) { return static_cast<Pbmt>((pte >> kPtePbmtShift) & 3); }
const char* to_string(Pbmt pbmt);

// Svnapot (§5, Table 5.1): a level-0 leaf with N = 1 and PPN[3:0] = 1000 maps a naturally
// aligned 64 KiB page (napot_bits = 4); every other N = 1 encoding is reserved.
constexpr unsigned kNapotShift = 16;

// Exception codes (§3.1.15, Table 3.6).
enum class Cause : std::uint8_t {
  None = 0,
  InstrAccessFault = 1,
  LoadAccessFault = 5,
  StoreAccessFault = 7,
  InstrPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
};

// Page-table levels: Sv39 three, Sv48 four, Sv57 five (§4.6: 256 TiB leaves at level 4).
constexpr unsigned levels(Mode mode) {
  return mode == Mode::Sv57 ? 5 : mode == Mode::Sv48 ? 4 : mode == Mode::Sv39 ? 3 : 0;
}
constexpr unsigned kMaxLevels = 5;
constexpr unsigned va_bits(Mode mode) { return kPageShift + kVpnBits * levels(mode); }

constexpr std::uint64_t pte_ppn(std::uint64_t pte) { return (pte >> kPtePpnShift) & kPtePpnMask; }
constexpr std::uint64_t make_pte(std::uint64_t pa, std::uint64_t flags) {
  return ((pa >> kPageShift) << kPtePpnShift) | flags;
}
constexpr std::uint64_t page_round_down(std::uint64_t x) { return x & ~(kPageSize - 1); }
constexpr std::uint64_t page_round_up(std::uint64_t x) {
  return page_round_down(x + kPageSize - 1);
}
constexpr bool pte_is_leaf(std::uint64_t pte) { return (pte & (kPteR | kPteX)) != 0; }
constexpr bool napot_encoding_ok(std::uint64_t pte, unsigned level) {
  return level == 0 && (pte_ppn(pte) & 0xF) == 0x8;
}

// Virtual page number field `level` of a VA (level 0 = the 4 KiB index).
constexpr unsigned vpn(std::uint64_t va, unsigned level) {
  return static_cast<unsigned>((va >> (kPageShift + kVpnBits * level)) & ((1u << kVpnBits) - 1));
}
// log2 of the bytes one leaf at `level` maps: 12, 21, 30, 39.
constexpr unsigned page_shift(unsigned level) { return kPageShift + kVpnBits * level; }
// log2 of the bytes a leaf maps: a NAPOT leaf 64 KiB, any other its level's size.
constexpr unsigned leaf_shift(unsigned level, bool napot) {
  return napot ? kNapotShift : page_shift(level);
}
// Page sizes, smallest first (what TLBs index by and stats count by): 4 KiB, 64 KiB
// (NAPOT), then the superpage of each level above 0.
constexpr unsigned kPageSizeClasses = kMaxLevels + 1;
constexpr unsigned size_class(unsigned level, bool napot) {
  return level == 0 ? (napot ? 1 : 0) : level + 1;
}
constexpr unsigned size_class_shift(unsigned c) {
  return c == 0 ? kPageShift : c == 1 ? kNapotShift : page_shift(c - 1);
}
// "4KiB", "64KiB", "2MiB", ...: a size class as stats and reports name it.
const char* size_class_name(unsigned c);

// §4.4.1: bits 63:VA_BITS must all equal bit VA_BITS-1.
constexpr bool is_canonical(std::uint64_t va, Mode mode) {
  if (mode == Mode::Bare) return true;
  const unsigned bits = va_bits(mode);
  const auto high = static_cast<std::int64_t>(va) >> (bits - 1);
  return high == 0 || high == -1;
}

struct Satp {
  Mode mode = Mode::Bare;
  std::uint16_t asid = 0;
  std::uint64_t root_ppn = 0;

  // §4.1.11, RV64: MODE 63:60, ASID 59:44, PPN 43:0.
  static constexpr Satp decode(std::uint64_t raw) {
    return Satp{static_cast<Mode>(raw >> 60), static_cast<std::uint16_t>((raw >> 44) & 0xFFFF),
                raw & kPtePpnMask};
  }
  constexpr std::uint64_t encode() const {
    return (std::uint64_t{static_cast<std::uint8_t>(mode)} << 60) | (std::uint64_t{asid} << 44) |
           (root_ppn & kPtePpnMask);
  }
};

// Ones in the ASID bits an MMU with ASIDLEN = bits implements (§4.1.11).
constexpr std::uint16_t asid_mask(unsigned bits) {
  return static_cast<std::uint16_t>((std::uint32_t{1} << bits) - 1);
}

constexpr bool is_supported(Mode mode) {
  return mode == Mode::Bare || mode == Mode::Sv39 || mode == Mode::Sv48 || mode == Mode::Sv57;
}

constexpr Cause page_fault_cause(AccessKind kind) {
  return kind == AccessKind::Fetch   ? Cause::InstrPageFault
         : kind == AccessKind::Write ? Cause::StorePageFault
                                     : Cause::LoadPageFault;
}
constexpr Cause access_fault_cause(AccessKind kind) {
  return kind == AccessKind::Fetch   ? Cause::InstrAccessFault
         : kind == AccessKind::Write ? Cause::StoreAccessFault
                                     : Cause::LoadAccessFault;
}
// The access that raised a fault.
constexpr AccessKind access_of(Cause c) {
  return c == Cause::InstrPageFault || c == Cause::InstrAccessFault   ? AccessKind::Fetch
         : c == Cause::StorePageFault || c == Cause::StoreAccessFault ? AccessKind::Write
                                                                      : AccessKind::Read;
}
constexpr bool is_page_fault(Cause c) {
  return c == Cause::InstrPageFault || c == Cause::LoadPageFault || c == Cause::StorePageFault;
}
const char* to_string(Cause cause);
const char* to_string(Mode mode);

// Which rule of the translation algorithm (§4.3.2) decided an access: what a coverage
// model counts and what an explanation names.
enum class Rule : std::uint8_t {
  Translated,           // step 8: a physical address
  Bare,                 // satp.MODE = Bare: no translation
  NonCanonical,         // §4.4.1: bits 63:VA_BITS differ from bit VA_BITS-1
  AccessFault,          // step 2: the PTE read hit no memory
  Invalid,              // step 3: V = 0
  WriteWithoutRead,     // step 3: W = 1, R = 0 (reserved)
  ReservedBits,         // step 3 / §4.4.1: a reserved bit of 63:54 set
  NonLeafNPbmt,         // step 3 / §5, §6: N or PBMT set in a non-leaf PTE (reserved there)
  PbmtReserved,         // step 3 / §6: PBMT = 3 in a leaf
  NapotReserved,        // step 3 / §5: N = 1 with a reserved encoding (Table 5.1)
  NonLeafAdu,           // step 4 / §4.3.1: D, A or U set in a non-leaf PTE
  NoLeaf,               // step 4: a pointer at level 0
  SupervisorPageFromU,  // step 5: U-mode access to a page with U = 0
  UserPageFromS,        // step 5: S-mode load or store to a U page with SUM = 0
  UserFetchFromS,       // step 5: S-mode fetch from a U page (never allowed)
  NoRead,               // step 5: load without R (and without MXR on an X page)
  NoWrite,              // step 5: store without W
  NoExecute,            // step 5: fetch without X
  MisalignedSuperpage,  // step 6: low PPN fields of a superpage not zero
  AccessedClear,        // step 7 under Svade: A = 0
  DirtyClear,           // step 7 under Svade: a store with D = 0
};
const char* to_string(Rule rule);
// Where the spec says it, and what it says: "§4.3.2 step 3: V = 0".
const char* spec_reference(Rule rule);

// Leaf permission check (§4.3.2 step 5, with SUM and MXR from §4.3.1 / §3.1.6.3).
struct AccessContext {
  AccessKind kind = AccessKind::Read;
  Privilege priv = Privilege::User;
  bool sum = false;
  bool mxr = false;
};
// Rule::Translated when the leaf allows the access, else the rule it breaks.
constexpr Rule permission_rule(std::uint64_t pte, const AccessContext& ctx) {
  const bool user_page = (pte & kPteU) != 0;
  if (ctx.priv == Privilege::User && !user_page) return Rule::SupervisorPageFromU;
  if (ctx.priv == Privilege::Supervisor && user_page) {
    // S-mode never executes U pages; it reads and writes them only with SUM=1.
    if (ctx.kind == AccessKind::Fetch) return Rule::UserFetchFromS;
    if (!ctx.sum) return Rule::UserPageFromS;
  }
  switch (ctx.kind) {
    case AccessKind::Fetch: return (pte & kPteX) != 0 ? Rule::Translated : Rule::NoExecute;
    case AccessKind::Write: return (pte & kPteW) != 0 ? Rule::Translated : Rule::NoWrite;
    case AccessKind::Read:
      return (pte & kPteR) != 0 || (ctx.mxr && (pte & kPteX) != 0) ? Rule::Translated
                                                                   : Rule::NoRead;
  }
  return Rule::NoRead;
}
constexpr bool leaf_permits(std::uint64_t pte, const AccessContext& ctx) {
  return permission_rule(pte, ctx) == Rule::Translated;
}

// A TLB hit's quick test: the leaf bits an access needs set and those it needs clear, so
// that (pte & (set | clear)) == set implies leaf_permits() and, for a store, D = 1
// (§4.3.2 step 7: a store to a clean page must walk). It is exact but for MXR's reads of
// execute-only pages, which it leaves to permission_rule().
struct LeafNeeds {
  std::uint64_t set = 0;
  std::uint64_t clear = 0;
  constexpr bool met_by(std::uint64_t pte) const { return (pte & (set | clear)) == set; }
};
namespace detail {
constexpr LeafNeeds compute_leaf_needs(AccessKind kind, Privilege priv, bool sum) {
  LeafNeeds n;
  n.set = kind == AccessKind::Fetch ? kPteX : kind == AccessKind::Write ? kPteW | kPteD : kPteR;
  if (priv == Privilege::User) {
    n.set |= kPteU;
  } else if (kind == AccessKind::Fetch || !sum) {
    n.clear = kPteU;
  }
  return n;
}
constexpr unsigned leaf_needs_index(AccessKind kind, Privilege priv, bool sum) {
  return static_cast<unsigned>(kind) * 4 + static_cast<unsigned>(priv) * 2 + (sum ? 1 : 0);
}
// Every context's needs, looked up rather than worked out on each TLB hit.
constexpr std::array<LeafNeeds, 12> kLeafNeeds = [] {
  std::array<LeafNeeds, 12> table{};
  for (const AccessKind kind : {AccessKind::Read, AccessKind::Write, AccessKind::Fetch}) {
    for (const Privilege priv : {Privilege::User, Privilege::Supervisor}) {
      for (const bool sum : {false, true}) {
        table[leaf_needs_index(kind, priv, sum)] = compute_leaf_needs(kind, priv, sum);
      }
    }
  }
  return table;
}();
}  // namespace detail
// The access contexts that need different leaf bits, numbered 0-11.
constexpr unsigned leaf_needs_index(const AccessContext& ctx) {
  return detail::leaf_needs_index(ctx.kind, ctx.priv, ctx.sum);
}
constexpr LeafNeeds leaf_needs(const AccessContext& ctx) {
  return detail::kLeafNeeds[leaf_needs_index(ctx)];
}

}  // namespace mmusim::sv
