// A set-associative TLB of leaf PTEs tagged with ASID and G: the RTL twin of
// models/mmu/tlb.*, with the same set indexing, fill order and replacement, so that the
// two give the same answer to every lookup (tests/rtl/test_tlb_rtl.cpp checks this).
//
// Storage is sized by parameters; the geometry in use comes from cfg_i at run time, as
// the simulator's configuration chooses it. Way `w` of set `s` is entries_q[s * ways + w].
// A leaf of 2^S bytes (a level-L leaf, or a 64 KiB NAPOT leaf: N set) is held once
// (never splintered) in set (va >> S) mod sets; a lookup probes one set per page size
// (class: 4 KiB, 64 KiB NAPOT, then each superpage level), in parallel.
//
// One operation per clock: a lookup (hit_o/entry_o answer combinationally; a hit
// updates the replacement state at the clock edge), a probe (the same question, no state
// change), a fill, or a flush.
//
// Replacement of a full set (an invalid way, lowest first, is always filled first):
//   lru  - a stamp per entry from a counter that counts touches: a hit or fill stamps the
//          way; the victim has the oldest (smallest) stamp.
//   fifo - the same stamps, set by fills only.
//   plru - ways-1 bits per set, a tree whose bits point at the half to evict next (0 left,
//          1 right); a hit or fill points the bits on the way's path away from it. Nodes
//          are numbered heap-style (children of n are 2n+1, 2n+2). For 4 ways:
//
//              n0
//            /    \    .
//          n1      n2
//         /  \    /  \  .
//       w0   w1  w2   w3
//
// Storage is written in place (indexed writes in the clocked blocks) and the
// combinational blocks only work when their operation is requested: the verilated model
// then costs little more than the entries one operation touches. Each entry field is an
// array of its own, as Yosys 0.23 cannot read a member of an array element of struct type.
module tlb #(
  parameter int unsigned MaxEntries = 512,  // storage for the largest geometry allowed
  parameter int unsigned MaxWays    = 64     // most ways per set (fully associative: = entries)
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  // Geometry and policy, from the configuration; constant while running.
  input  mmu_pkg::tlb_cfg_t            cfg_i,
  // Lookup and probe, from the mmu's translation sequencer.
  input  logic                         lookup_i,
  input  logic                         probe_i,
  input  logic [63:0]                  va_i,
  input  logic [mmu_pkg::AsidBits-1:0] asid_i,
  output logic                         hit_o,
  output mmu_pkg::tlb_entry_t          entry_o,
  // Fill, after a walk or an L2 hit.
  input  logic                         fill_i,
  /* verilator lint_off UNUSEDSIGNAL */
  input  mmu_pkg::tlb_entry_t          fill_entry_i,  // (its valid bit: fill_i)
  /* verilator lint_on UNUSEDSIGNAL */
  // Flush, from the mmu's FLUSH_CMD register.
  input  logic                         flush_i,
  input  mmu_pkg::flush_req_t          flush_req_i
);

  localparam int unsigned Classes   = mmu_pkg::MaxLevels + 1;  // page sizes, smallest first
  localparam int unsigned IdxBits   = $clog2(MaxEntries > 1 ? MaxEntries : 2);
  localparam int unsigned StampBits = 64;  // a touch counter that never wraps in a run
  // A 1-way TLB (as synthesis builds one) keeps a one-bit tree it never uses.
  localparam int unsigned TreeDepth = $clog2(MaxWays > 1 ? MaxWays : 2);
  localparam int unsigned WayBits   = $clog2(MaxWays + 1);

  typedef logic [IdxBits-1:0] idx_t;
  typedef logic [WayBits-1:0] way_t;
  typedef logic [StampBits-1:0] stamp_t;
  typedef logic [MaxWays > 1 ? MaxWays - 2 : 0:0] tree_t;  // PLRU node bits of one set

  // Entry data is a RAM written one entry per fill; valid bits, ages and PLRU bits are
  // registers that several entries of one operation may change at once.
  logic [mmu_pkg::LevelBits-1:0] level_q [MaxEntries];
  logic                  global_q [MaxEntries];
  logic [mmu_pkg::AsidBits-1:0]   asid_q   [MaxEntries];
  logic [mmu_pkg::VpnTagBits-1:0] vpn_q    [MaxEntries];
  logic [63:0]           pte_q    [MaxEntries];
  logic [MaxEntries-1:0] valid_q;
  stamp_t                stamp_q [MaxEntries];
  stamp_t                clock_q;
  tree_t                 plru_q [MaxEntries];  // by set
  // Page-size classes that may hold a valid entry: set by fills, cleared by a flush of
  // everything.
  logic [Classes-1:0]    class_present_q;

  way_t        ways;
  int unsigned used_entries;  // sets x ways
  assign ways         = WayBits'(cfg_i.ways);
  assign used_entries = 32'(cfg_i.ways) << cfg_i.set_bits;

  // Loops visit the ways and entries in use. One verilated model serves every geometry,
  // so there the bounds are run-time values; synthesis unrolls loops and needs constant
  // bounds, and builds the TLB for one geometry (MaxWays = ways, MaxEntries = entries).
`ifdef SYNTHESIS
  localparam int unsigned loop_ways    = MaxWays;
  localparam int unsigned loop_entries = MaxEntries;
`else
  int unsigned loop_ways;
  int unsigned loop_entries;
  assign loop_ways    = 32'(ways);
  assign loop_entries = used_entries;
`endif

  function automatic idx_t index(idx_t set, way_t way, way_t n_ways);
    index = IdxBits'(32'(set) * 32'(n_ways) + 32'(way));
  endfunction

  function automatic idx_t set_of(logic [63:0] va, logic [mmu_pkg::LevelBits-1:0] level,
                                  logic napot, logic [4:0] set_bits);
    set_of = IdxBits'((va >> mmu_pkg::leaf_shift(level, napot)) & ((64'd1 << set_bits) - 64'd1));
  endfunction

  // Page-size class c: 0 is 4 KiB, 1 is 64 KiB NAPOT (level 0), c > 1 is level c - 1.
  function automatic logic [mmu_pkg::LevelBits-1:0] class_level(int unsigned c);
    class_level = c < 2 ? '0 : mmu_pkg::LevelBits'(c - 1);
  endfunction
  function automatic logic class_napot(int unsigned c);
    class_napot = c == 1;
  endfunction
  function automatic int unsigned class_of(logic [mmu_pkg::LevelBits-1:0] level, logic napot);
    class_of = level == '0 ? 32'(napot) : 32'(level) + 1;
  endfunction

  // The entry to fill, field by field (a function cannot read a struct member in Yosys).
  logic [mmu_pkg::LevelBits-1:0] fill_level;
  logic                fill_napot;
  logic                fill_global;
  logic [mmu_pkg::AsidBits-1:0] fill_asid;
  logic [mmu_pkg::VpnTagBits-1:0] fill_vpn;
  assign fill_level  = fill_entry_i.level;
  assign fill_napot  = fill_entry_i.pte[mmu_pkg::PteN];
  assign fill_global = fill_entry_i.global;
  assign fill_asid   = fill_entry_i.asid;
  assign fill_vpn    = fill_entry_i.vpn;

  ////////////
  // Lookup //
  ////////////

  idx_t hit_set;
  way_t hit_way;
  logic [$clog2(Classes * MaxWays + 1)-1:0] hit_count;  // for the one-hit assertion

  // The set and tag of each page size are worked out once, before its ways are compared
  // (in the verilated model, a function call in the way loop is evaluated for every way,
  // and stores its arguments). The compares are nested, so that the verilated model reads
  // the rest of an entry only when its valid bit and VPN match; the loop's temporaries
  // are not traced, which lets Verilator keep them in registers.
  always_comb begin : lookup
    /* verilator tracing_off */
    idx_t                           set;
    idx_t                           idx;
    way_t                           w;
    logic [mmu_pkg::VpnTagBits-1:0] tag;
    /* verilator tracing_on */
    hit_o     = 1'b0;
    entry_o   = '0;
    hit_set   = '0;
    hit_way   = '0;
    hit_count = '0;
    set       = '0;
    idx       = '0;
    w         = '0;
    tag       = '0;
    if (lookup_i || probe_i) begin
      for (int unsigned c = 0; c < Classes; c++) begin
        // A page size with no entry cannot hit (the C++ TLB skips it the same way).
        if (class_present_q[c]) begin
          set = set_of(va_i, class_level(c), class_napot(c), cfg_i.set_bits);
          tag = mmu_pkg::leaf_vpn(va_i, class_level(c), class_napot(c));
          idx = index(set, '0, ways);
          for (w = '0; 32'(w) < loop_ways; w++) begin
            // Compare fields in place; copy the entry only on a hit.
            if (valid_q[idx] && vpn_q[idx] == tag) begin
              if (level_q[idx] == class_level(c) && pte_q[idx][mmu_pkg::PteN] == class_napot(c) &&
                  (global_q[idx] || !mmu_pkg::AsidCompared || asid_q[idx] == asid_i)) begin
                hit_o          = 1'b1;
                entry_o.valid  = 1'b1;
                entry_o.level  = level_q[idx];
                entry_o.global = global_q[idx];
                entry_o.asid   = asid_q[idx];
                entry_o.vpn    = vpn_q[idx];
                entry_o.pte    = pte_q[idx];
                hit_set        = set;
                hit_way        = w;
                hit_count      = hit_count + 1'b1;
              end
            end
            idx = idx + 1'b1;
          end
        end
      end
    end
  end

  //////////
  // Fill //
  //////////

  // The fill's set and VA (its VPN at its page size) are worked out only for a fill: the
  // verilated model then spends nothing on them in the other cycles.
  logic [63:0] fill_va;
  idx_t        fill_set;
  way_t        fill_way;
  int unsigned fill_class;

  always_comb begin : fill_select
    /* verilator tracing_off */
    idx_t        idx;
    logic        found;
    way_t        oldest;
    int unsigned node;
    /* verilator tracing_on */
    fill_va    = '0;
    fill_set   = '0;
    fill_class = 0;
    fill_way   = '0;
    idx        = '0;
    found      = 1'b0;
    oldest     = '0;
    node       = 0;
    if (fill_i) begin
      fill_va    = 64'(fill_vpn) << mmu_pkg::leaf_shift(fill_level, fill_napot);
      fill_set   = set_of(fill_va, fill_level, fill_napot, cfg_i.set_bits);
      fill_class = class_of(fill_level, fill_napot);
      // The lowest way of the target set that is free, or holds an entry the fill removes
      // (one that overlaps the new entry: see the state block).
      for (int unsigned w = 0; w < loop_ways; w++) begin
        idx = index(fill_set, WayBits'(w), ways);
        if (!found && (!valid_q[idx] || mmu_pkg::entries_overlap(valid_q[idx], level_q[idx], pte_q[idx][mmu_pkg::PteN],
                                                  global_q[idx], asid_q[idx], vpn_q[idx], 1'b1, fill_level,
                                                  fill_napot, fill_global, fill_asid, fill_vpn))) begin
          fill_way = WayBits'(w);
          found    = 1'b1;
        end
      end
      if (!found) begin
        if (cfg_i.replacement == mmu_pkg::ReplPlru) begin
          for (int unsigned d = 0; d < TreeDepth; d++) begin
            if (node < 32'(ways) - 1) begin
              node = 2 * node + 1 + 32'(plru_q[fill_set][node]);
            end
          end
          fill_way = WayBits'(node - (32'(ways) - 1));
        end else begin
          for (int unsigned w = 1; w < loop_ways; w++) begin
            if (stamp_q[index(fill_set, WayBits'(w), ways)] < stamp_q[index(fill_set, oldest, ways)]) begin
              oldest = WayBits'(w);
            end
          end
          fill_way = oldest;
        end
      end
    end
  end

  ///////////////////
  // Touch, flush  //
  ///////////////////

  logic touch;
  idx_t touch_set;
  way_t touch_way;

  always_comb begin : touch_select
    touch     = 1'b0;
    touch_set = '0;
    touch_way = '0;
    if (fill_i) begin
      touch     = 1'b1;
      touch_set = fill_set;
      touch_way = fill_way;
    end else if (lookup_i && hit_o && cfg_i.replacement != mmu_pkg::ReplFifo) begin
      touch     = 1'b1;
      touch_set = hit_set;
      touch_way = hit_way;
    end
  end

  // Valid bits change only on a flush or a fill, so the entries they scan are looked at
  // only then. A fill first removes every entry that overlaps the new one: a page at
  // least as large sits in the set of the new page's VA at its size; smaller pages
  // inside a new large page can sit in any set, so such a fill looks at every entry.
  always_ff @(posedge clk_i or negedge rst_ni) begin : state
    /* verilator tracing_off */
    idx_t                  set;
    idx_t                  idx;
    logic [MaxEntries-1:0] valid;  // the valid bits this flush or fill leaves
    /* verilator tracing_on */
    if (!rst_ni) begin
      valid_q         <= '0;
      clock_q         <= '0;
      class_present_q <= '0;
    end else begin
      // The valid bits are worked out in `valid` and written once, and only in a cycle
      // that changes them: bit-by-bit writes to valid_q made the verilated model copy the
      // whole vector in and out on every cycle (16 words for a 512-entry TLB). The
      // decisions read valid_q, the bits before this edge.
      if (flush_i || fill_i) begin
        valid = valid_q;
        if (flush_i) begin
          for (int unsigned i = 0; i < loop_entries; i++) begin
            if (mmu_pkg::flush_removes(valid_q[i], level_q[i], pte_q[i][mmu_pkg::PteN], global_q[i],
                                       asid_q[i], vpn_q[i], flush_req_i.kind, flush_req_i.va,
                                       flush_req_i.asid)) begin
              valid[i] = 1'b0;
            end
          end
          if (flush_req_i.kind == mmu_pkg::FlushAll) class_present_q <= '0;
        end
        if (fill_i) begin
          for (int unsigned c = 0; c < Classes; c++) begin
            if (c >= fill_class && class_present_q[c]) begin
              set = set_of(fill_va, class_level(c), class_napot(c), cfg_i.set_bits);
              for (int unsigned w = 0; w < loop_ways; w++) begin
                idx = index(set, WayBits'(w), ways);
                if (mmu_pkg::entries_overlap(valid_q[idx], level_q[idx], pte_q[idx][mmu_pkg::PteN],
                                              global_q[idx], asid_q[idx], vpn_q[idx], 1'b1, fill_level,
                                              fill_napot, fill_global, fill_asid, fill_vpn)) begin
                  valid[idx] = 1'b0;
                end
              end
            end
          end
          if (fill_class != 0 && (class_present_q & ((Classes'(1) << fill_class) - 1'b1)) != '0) begin
            for (int unsigned i = 0; i < loop_entries; i++) begin
              if (mmu_pkg::entries_overlap(valid_q[i], level_q[i], pte_q[i][mmu_pkg::PteN], global_q[i],
                                          asid_q[i], vpn_q[i], 1'b1, fill_level, fill_napot,
                                          fill_global, fill_asid, fill_vpn)) begin
                valid[i] = 1'b0;
              end
            end
          end
          valid[index(fill_set, fill_way, ways)] = 1'b1;
          class_present_q[fill_class]            <= 1'b1;
        end
        valid_q <= valid;
      end
      if (touch && cfg_i.replacement != mmu_pkg::ReplPlru) clock_q <= clock_q + 1'b1;
    end
  end

  // A PLRU touch points the bits on the way's path away from it.
  always_ff @(posedge clk_i) begin : replacement_ram
    /* verilator tracing_off */
    tree_t       bits;
    int unsigned node;
    int unsigned parent;
    /* verilator tracing_on */
    if (touch) begin
      if (cfg_i.replacement == mmu_pkg::ReplPlru) begin
        bits = plru_q[touch_set];
        node = 32'(touch_way) + 32'(ways) - 1;
        for (int unsigned d = 0; d < TreeDepth; d++) begin
          if (node != 0) begin
            parent       = (node - 1) / 2;
            bits[parent] = (node == 2 * parent + 1);
            node         = parent;
          end
        end
        plru_q[touch_set] <= bits;
      end else begin
        stamp_q[index(touch_set, touch_way, ways)] <= clock_q + 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i) begin : entry_ram
    /* verilator tracing_off */
    idx_t idx;
    /* verilator tracing_on */
    if (fill_i) begin
      idx           = index(fill_set, fill_way, ways);
      level_q[idx]  <= fill_level;
      global_q[idx] <= fill_global;
      asid_q[idx]   <= fill_asid;
      vpn_q[idx]    <= fill_vpn;
      pte_q[idx]    <= fill_entry_i.pte;
    end
  end

  ////////////////
  // Assertions //
  ////////////////

  // Simulation only: Yosys 0.23 reads neither assertions nor $error (SYNTHESIS is
  // defined by Yosys, never by Verilator). Each is checked at every rising edge out of
  // reset, on the values that edge samples (rtl/README.md says why they are immediate).
  // An implication is written as an `if` around the assertion, and the geometry is checked
  // when it changes (and at the first edge out of reset), so that a cycle in which a TLB
  // does nothing costs the verilated model a few branches: a unified L1 leaves the
  // instruction L1 idle, and the L2 waits for L1 misses.
`ifndef SYNTHESIS
  mmu_pkg::tlb_cfg_t checked_cfg_q;
  logic              cfg_checked_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin : checked_geometry
    if (!rst_ni) begin
      cfg_checked_q <= 1'b0;
      checked_cfg_q <= '0;
    end else begin
      cfg_checked_q <= 1'b1;
      checked_cfg_q <= cfg_i;
    end
  end

  always_ff @(posedge clk_i) begin : assertions
    if (rst_ni) begin
      // A lookup matches one entry at most: fills remove whatever would also match.
      if (lookup_i || probe_i) OneHitAtMost: assert (hit_count <= 1);
      if (fill_i || flush_i || (lookup_i && probe_i)) begin
        OneOperationPerCycle: assert ($onehot0({lookup_i, probe_i, fill_i, flush_i}));
      end
      if (!cfg_checked_q || cfg_i != checked_cfg_q) begin
        GeometryFits: assert (cfg_i.ways != 0 && 32'(cfg_i.ways) <= MaxWays &&
                              (32'(cfg_i.ways) << cfg_i.set_bits) <= MaxEntries);
        PlruNeedsPowerOfTwoWays: assert (cfg_i.replacement != mmu_pkg::ReplPlru || $onehot(cfg_i.ways));
      end
      NoXOnOutputs: assert (!$isunknown(hit_o) && (!hit_o || !$isunknown(entry_o)));
    end
  end

  if (MaxWays > MaxEntries || MaxWays < 1) begin : g_bad_params
    $error("tlb: MaxWays must be in 1 .. MaxEntries");
  end
`endif

endmodule
