// Types and constants of the RTL MMU (RISC-V privileged spec v1.12, §4.3-4.5).
package mmu_pkg;

  localparam int unsigned PageShift  = 12;  // 4 KiB pages
  localparam int unsigned VpnBits    = 9;   // 512 PTEs per table
  localparam int unsigned MaxLevels  = 4;   // Sv48
  localparam int unsigned AsidBits   = 16;
  localparam int unsigned VpnTagBits = 64 - PageShift;

  // TLB replacement policies; the tree-PLRU is drawn in tlb.sv.
  typedef enum logic [1:0] {
    ReplLru  = 2'd0,
    ReplPlru = 2'd1,
    ReplFifo = 2'd2
  } repl_e;

  // The four SFENCE.VMA forms (§4.2.1), encoded as the mmu's FLUSH_CMD register.
  typedef enum logic [1:0] {
    FlushAll    = 2'd0,
    FlushAsid   = 2'd1,
    FlushVa     = 2'd2,
    FlushVaAsid = 2'd3
  } flush_e;

  // One TLB entry: a leaf PTE for the page of `vpn` at `level` (0 = 4 KiB, 1 = 2 MiB, ...).
  typedef struct packed {
    logic                  valid;
    logic [1:0]            level;
    logic                  global;
    logic [AsidBits-1:0]   asid;
    logic [VpnTagBits-1:0] vpn;  // va >> (PageShift + VpnBits * level)
    logic [63:0]           pte;
  } tlb_entry_t;

  // Geometry and policy of a TLB, from the simulator's configuration.
  typedef struct packed {
    logic [4:0] set_bits;  // log2 of the number of sets
    logic [6:0] ways;      // 1 .. MaxWays
    repl_e      replacement;
  } tlb_cfg_t;

  typedef struct packed {
    flush_e              kind;
    logic [63:0]         va;
    logic [AsidBits-1:0] asid;
  } flush_req_t;

  // log2 of the bytes a leaf at `level` maps.
  function automatic int unsigned page_shift(logic [1:0] level);
    return PageShift + VpnBits * int'(level);
  endfunction

  function automatic logic [VpnTagBits-1:0] vpn_of(logic [63:0] va, logic [1:0] level);
    return VpnTagBits'(va >> page_shift(level));
  endfunction

  // The PTE field of an entry plays no part in matching or flushing.
  /* verilator lint_off UNUSEDSIGNAL */

  // Whether `e` translates `va` for `asid` (global entries match every ASID).
  function automatic logic entry_matches(tlb_entry_t e, logic [63:0] va, logic [AsidBits-1:0] asid);
    return e.valid && e.vpn == vpn_of(va, e.level) && (e.global || e.asid == asid);
  endfunction

  // Whether two entries could both hit one lookup: their pages overlap (one contains the
  // other) and some ASID matches both.
  function automatic logic entries_overlap(tlb_entry_t a, tlb_entry_t b);
    logic [1:0] high;
    high = a.level > b.level ? a.level : b.level;
    return a.valid && b.valid &&
           (a.vpn >> (VpnBits * (int'(high) - int'(a.level)))) ==
               (b.vpn >> (VpnBits * (int'(high) - int'(b.level)))) &&
           (a.global || b.global || a.asid == b.asid);
  endfunction

  // Whether an SFENCE.VMA of this form removes `e` (§4.2.1): the ASID forms keep global
  // entries; the VA forms remove the entry whose page contains the VA.
  function automatic logic flush_removes(tlb_entry_t e, flush_req_t f);
    logic asid_hit;
    logic va_hit;
    asid_hit = !e.global && e.asid == f.asid;
    va_hit   = e.vpn == vpn_of(f.va, e.level);
    unique case (f.kind)
      FlushAll:    return e.valid;
      FlushAsid:   return e.valid && asid_hit;
      FlushVa:     return e.valid && va_hit;
      FlushVaAsid: return e.valid && va_hit && asid_hit;
      default:     return 1'b0;
    endcase
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

endpackage
