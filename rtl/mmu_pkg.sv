// Types and constants of the RTL MMU (RISC-V privileged spec v1.12, §4.3-4.6).
package mmu_pkg;

  localparam int unsigned PageShift  = 12;  // 4 KiB pages
  localparam int unsigned VpnBits    = 9;   // 512 PTEs per table
  localparam int unsigned MaxLevels  = 5;   // Sv57 (§4.6)
  localparam int unsigned LevelBits  = 3;   // a level 0 .. MaxLevels-1
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
  // A leaf with N set (pte[PteN]) is a 64 KiB NAPOT page at level 0: no other leaf with N
  // set survives the walk.
  typedef struct packed {
    logic                  valid;
    logic [LevelBits-1:0]  level;
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

  // Exception codes (§3.1.15). An enum, so that waveforms show the cause by name.
  typedef enum logic [3:0] {
    CauseNone        = 4'd0,
    CauseInstrAccess = 4'd1,
    CauseLoadAccess  = 4'd5,
    CauseStoreAccess = 4'd7,
    CauseInstrPage   = 4'd12,
    CauseLoadPage    = 4'd13,
    CauseStorePage   = 4'd15
  } cause_e;

  // PTE bits (§4.3.1).
  localparam int unsigned PteV = 0;
  localparam int unsigned PteR = 1;
  localparam int unsigned PteW = 2;
  localparam int unsigned PteX = 3;
  localparam int unsigned PteU = 4;
  localparam int unsigned PteG = 5;
  localparam int unsigned PteA = 6;
  localparam int unsigned PteD = 7;
  localparam int unsigned PteN = 63;  // Svnapot (§5); PBMT (Svpbmt, §6) is bits 62:61
  localparam int unsigned NapotShift = 16;  // a NAPOT leaf maps 64 KiB (napot_bits = 4)

  typedef enum logic [1:0] {
    AccRead  = 2'd0,
    AccWrite = 2'd1,
    AccFetch = 2'd2
  } access_e;

  // satp.MODE values (§4.1.11).
  localparam logic [3:0] ModeBare = 4'd0;
  localparam logic [3:0] ModeSv39 = 4'd8;
  localparam logic [3:0] ModeSv48 = 4'd9;
  localparam logic [3:0] ModeSv57 = 4'd10;

  // A translation request from the mmu's TLM shell.
  typedef struct packed {
    logic [63:0] va;
    access_e     kind;
    logic        user;  // U-mode access (else S-mode)
    logic        sum;
    logic        mxr;
  } xlate_req_t;

  // The answer, with what happened on the way (for statistics and lockstep comparison).
  typedef struct packed {
    cause_e      cause;  // CauseNone: translated
    logic [63:0] pa;
    logic [LevelBits-1:0] level;
    logic [63:0] pte;
    logic        l1_lookup;    // the L1 was asked (paging on, canonical VA)
    logic        l1_hit;       // the L1 answered (a usable entry)
    logic        l2_lookup;    // the L2 was asked
    logic        l2_hit;       // ... and answered
    logic        walked;
    logic        wc_lookup;    // the walk cache was asked
    logic        wc_hit;
    logic        pte_written;  // the walker wrote A/D back
  } xlate_rsp_t;

  // Functions here and in the modules keep to what both Yosys 0.23 and the Verilator
  // build read (README.md, "Synthesis"): a result is assigned to the function's name (no
  // `return`), arguments are plain vectors (Yosys reads no struct member in a function),
  // and this package's enum constants are named with the package (Yosys does not find
  // them otherwise when a module calls the function).

  function automatic cause_e page_fault(access_e kind);
    page_fault = kind == mmu_pkg::AccFetch ? mmu_pkg::CauseInstrPage : kind == mmu_pkg::AccWrite ? mmu_pkg::CauseStorePage : mmu_pkg::CauseLoadPage;
  endfunction

  function automatic cause_e access_fault(access_e kind);
    access_fault = kind == mmu_pkg::AccFetch ? mmu_pkg::CauseInstrAccess : kind == mmu_pkg::AccWrite ? mmu_pkg::CauseStoreAccess : mmu_pkg::CauseLoadAccess;
  endfunction

  // The functions below look at some bits of their arguments only.
  /* verilator lint_off UNUSEDSIGNAL */

  // Leaf permission check (§4.3.2 step 5, SUM and MXR from §4.3.1), for an access of
  // `kind` from U-mode (`user`) or S-mode.
  function automatic logic leaf_permits(logic [63:0] pte, access_e kind, logic user, logic sum,
                                        logic mxr);
    if (user && !pte[PteU]) begin
      leaf_permits = 1'b0;
`ifdef MMU_BUG_SUM_IGNORED
    end else if (!user && pte[PteU] && kind == mmu_pkg::AccFetch) begin
`else
    end else if (!user && pte[PteU] && (kind == mmu_pkg::AccFetch || !sum)) begin
`endif
      leaf_permits = 1'b0;
    end else if (kind == mmu_pkg::AccFetch) begin
      leaf_permits = pte[PteX];
    end else if (kind == mmu_pkg::AccWrite) begin
      leaf_permits = pte[PteW];
    end else begin
      leaf_permits = pte[PteR] || (mxr && pte[PteX]);
    end
  endfunction

  // log2 of the bytes a leaf at `level` maps.
  function automatic int unsigned page_shift(logic [LevelBits-1:0] level);
    page_shift = PageShift + VpnBits * 32'(level);
  endfunction

  function automatic logic [VpnTagBits-1:0] vpn_of(logic [63:0] va, logic [LevelBits-1:0] level);
    vpn_of = VpnTagBits'(va >> page_shift(level));
  endfunction

  // log2 of the bytes a leaf maps: 64 KiB for a NAPOT leaf, else its level's size.
  function automatic int unsigned leaf_shift(logic [LevelBits-1:0] level, logic napot);
    leaf_shift = napot ? NapotShift : page_shift(level);
  endfunction

  function automatic logic [VpnTagBits-1:0] leaf_vpn(logic [63:0] va, logic [LevelBits-1:0] level,
                                                     logic napot);
    leaf_vpn = VpnTagBits'(va >> leaf_shift(level, napot));
  endfunction

  // Whether lookups compare the ASID of non-global entries (always, but for the injected
  // bug). The TLB's way loop reads it directly rather than calling asid_matches.
`ifdef MMU_BUG_NO_ASID_COMPARE
  localparam bit AsidCompared = 1'b0;
`else
  localparam bit AsidCompared = 1'b1;
`endif

  // Whether an entry of `entry_asid` serves `asid`: global entries serve every ASID.
  function automatic logic asid_matches(logic global, logic [AsidBits-1:0] entry_asid,
                                        logic [AsidBits-1:0] asid);
    asid_matches = global || !AsidCompared || entry_asid == asid;
  endfunction

  // Whether a TLB or walk-cache entry (its fields: Yosys reads no struct member here)
  // translates `va` for `asid`. (Of the PTE, only N plays a part in matching or flushing:
  // it sets the page size.)
  function automatic logic entry_matches(logic valid, logic [LevelBits-1:0] level, logic napot,
                                         logic global, logic [AsidBits-1:0] entry_asid,
                                         logic [VpnTagBits-1:0] vpn, logic [63:0] va,
                                         logic [AsidBits-1:0] asid);
    entry_matches = valid && vpn == leaf_vpn(va, level, napot) && asid_matches(global, entry_asid, asid);
  endfunction

  // Whether two entries could both hit one lookup: their pages overlap (one contains the
  // other) and some ASID matches both.
  function automatic logic entries_overlap(logic a_valid, logic [LevelBits-1:0] a_level,
                                           logic a_napot, logic a_global,
                                           logic [AsidBits-1:0] a_asid,
                                           logic [VpnTagBits-1:0] a_vpn, logic b_valid,
                                           logic [LevelBits-1:0] b_level, logic b_napot,
                                           logic b_global, logic [AsidBits-1:0] b_asid,
                                           logic [VpnTagBits-1:0] b_vpn);
    int unsigned a_shift;
    int unsigned b_shift;
    int unsigned high;
    a_shift = leaf_shift(a_level, a_napot);
    b_shift = leaf_shift(b_level, b_napot);
    high    = a_shift > b_shift ? a_shift : b_shift;
    entries_overlap = a_valid && b_valid &&
                      (a_vpn >> (high - a_shift)) == (b_vpn >> (high - b_shift)) &&
                      (a_global || b_global || a_asid == b_asid);
  endfunction

  // Whether an SFENCE.VMA of form `kind` for `flush_va` and `flush_asid` removes an entry
  // (§4.2.1): the ASID forms keep global entries; the VA forms remove the entry whose page
  // contains the VA.
  function automatic logic flush_removes(logic valid, logic [LevelBits-1:0] level, logic napot,
                                         logic global, logic [AsidBits-1:0] entry_asid,
                                         logic [VpnTagBits-1:0] vpn, flush_e kind,
                                         logic [63:0] flush_va,
                                         logic [AsidBits-1:0] flush_asid);
    logic asid_hit;
    logic va_hit;
`ifdef MMU_BUG_ASID_FLUSH_DROPS_GLOBAL
    asid_hit = global || entry_asid == flush_asid;
`else
    asid_hit = !global && entry_asid == flush_asid;
`endif
`ifdef MMU_BUG_VA_FLUSH_MISSES_SUPERPAGES
    va_hit   = level == '0 && vpn == leaf_vpn(flush_va, level, napot);
`else
    va_hit   = vpn == leaf_vpn(flush_va, level, napot);
`endif
    if (kind == mmu_pkg::FlushAll) flush_removes = valid;
    else if (kind == mmu_pkg::FlushAsid) flush_removes = valid && asid_hit;
    else if (kind == mmu_pkg::FlushVa) flush_removes = valid && va_hit;
    else flush_removes = valid && va_hit && asid_hit;
  endfunction

  // The physical address of va under a leaf at `level` (§4.3.2 step 8); a NAPOT leaf's
  // PPN[3:0] come from the VA too (§5).
  function automatic logic [63:0] leaf_pa(logic [63:0] pte, logic [LevelBits-1:0] level, logic [63:0] va);
    logic [63:0] offset_mask;
`ifdef MMU_BUG_SUPERPAGE_OFFSET
    offset_mask = (64'd1 << PageShift) - 64'd1;
`else
    offset_mask = (64'd1 << leaf_shift(level, pte[PteN])) - 64'd1;
`endif
    leaf_pa = (({20'd0, pte[53:10]} << PageShift) & ~offset_mask) | (va & offset_mask);
  endfunction

  /* verilator lint_on UNUSEDSIGNAL */

endpackage
