#pragma once
// Everything that shapes an mmu, with the defaults the embedded config also uses.

#include <cstdint>
#include <string>
#include <systemc>

#include "tlb.h"
#include "wave_window.h"

namespace mmusim {

// How the Accessed and Dirty bits get set (priv spec §4.3.1): Svadu (the walker writes
// them into the PTE in memory) or Svade (a page fault; the firmware sets them).
enum class AdUpdate { Hardware, Fault };

// What translates: the C++ reference engine, the verilated RTL, or both compared.
enum class MmuImpl { Model, Rtl, Lockstep };

struct MmuConfig {
  MmuImpl impl = MmuImpl::Model;
  bool inject_ad_divergence = false;  // lockstep only: the RTL gets the other A/D policy
  std::string rtl_waves;              // FST file for the RTL's signals ("" = none)
  WaveWindow waves_window;
  TlbGeometry l1;
  bool split_l1 = false;  // separate instruction and data L1 TLBs, each of geometry l1
  TlbGeometry l2{0, 1, ReplacementKind::Lru, 1};  // l2.entries == 0: no L2 TLB
  unsigned walk_cache_entries = 0;                // 0: no walk cache
  AdUpdate ad_update = AdUpdate::Hardware;
  sv::Extensions extensions;  // Svnapot, Svpbmt (off: their PTE bits are reserved)
  // satp.ASID bits the MMU implements (ASIDLEN, §4.1.11: WARL, the others read as zero
  // and SFENCE.VMA ignores them in rs2).
  unsigned asid_bits = 16;
  sc_core::sc_time l1_latency = sc_core::sc_time(0.5, sc_core::SC_NS);
  sc_core::sc_time l2_latency = sc_core::sc_time(2, sc_core::SC_NS);
  sc_core::sc_time walk_cache_latency = sc_core::sc_time(1, sc_core::SC_NS);
};

}  // namespace mmusim
