// The page-table walker: the translation algorithm of the RISC-V privileged spec v1.12,
// §4.3.2, for Sv39 (§4.4), Sv48 (§4.5) and Sv57 (§4.6), with an optional walk cache of non-leaf PTEs.
// The RTL twin of models/mmu/walker.* and walk_cache.*: same checks in the same order,
// same walk-cache contents and LRU replacement.
//
// Walk FSM (one PTE access per visit of StRead/StWrite; gnt and rvalid as registered in
// port_regs, a cycle after they come):
//
//   StIdle --start_i--> StRead --gnt--> StReadWait --rvalid, pointer--> StRead (next level)
//                                            |
//                                            +--rvalid, leaf needing A/D (Svadu)--> StWrite
//                                            +--rvalid, leaf done or any fault--> StDone
//   StWrite --gnt--> StWriteWait --rvalid--> StDone
//   StDone: done_o for one cycle, then StIdle.
module ptw #(
  parameter int unsigned MaxWcEntries = 64  // walk-cache storage
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // Configuration: constant while running.
  input  logic [6:0]          wc_entries_i,  // walk-cache entries in use; 0: no walk cache
  input  logic                ad_fault_i,    // Svade: fault where Svadu would set A/D
  input  logic                svnapot_i,     // Svnapot: N (bit 63) marks 64 KiB NAPOT leaves
  input  logic                svpbmt_i,      // Svpbmt (menvcfg.PBMTE): bits 62:61 are PBMT
  // Walk request, from the mmu top; held until done_o.
  input  logic                start_i,
  input  mmu_pkg::xlate_req_t          req_i,
  input  logic [3:0]          mode_i,
  input  logic [mmu_pkg::AsidBits-1:0] asid_i,
  input  logic [43:0]         root_ppn_i,
  output logic                done_o,
  output mmu_pkg::cause_e              cause_o,
  output logic [63:0]         pte_o,
  output logic [mmu_pkg::LevelBits-1:0] level_o,
  output logic                global_o,
  output logic                wc_lookup_o,
  output logic                wc_hit_o,
  output logic                pte_written_o,
  // Walk-cache flush, from the FLUSH_CMD register.
  input  logic                flush_i,
  input  mmu_pkg::flush_req_t          flush_req_i,
  // Memory port, served by the C++ side over TLM: a request is held until granted; its
  // response (rvalid, with rdata or err) comes in a later cycle.
  output logic                mem_req_o,
  output logic                mem_we_o,
  output logic [63:0]         mem_addr_o,
  output logic [63:0]         mem_wdata_o,
  input  logic                mem_gnt_i,
  input  logic                mem_rvalid_i,
  input  logic [63:0]         mem_rdata_i,
  input  logic                mem_err_i
);

  localparam int unsigned WcAgeBits = $clog2(MaxWcEntries > 1 ? MaxWcEntries : 2);
  localparam logic [63:0] ReservedMask = 64'h7F << 54;  // bits 60:54 (§4.4.1)
  localparam logic [63:0] PbmtMask     = 64'h3 << 61;   // Svpbmt's field (§6)

  typedef enum logic [2:0] {
    StIdle,
    StRead,
    StReadWait,
    StWrite,
    StWriteWait,
    StDone
  } state_e;

  state_e      state_q, state_d;
  logic [mmu_pkg::LevelBits-1:0] level_q, level_d;
  logic [63:0] table_q, table_d;  // physical address of the table being read
  logic [63:0] slot_q, slot_d;    // physical address of the PTE last read
  logic [63:0] pte_q, pte_d;
  logic        global_q, global_d;
  mmu_pkg::cause_e      cause_q, cause_d;
  logic        wc_lookup_q, wc_lookup_d;
  logic        wc_hit_q, wc_hit_d;
  logic        written_q, written_d;

  // Walk cache (fully associative): a data RAM, one array per entry field (Yosys 0.23
  // cannot read a member of an array element of struct type), plus valid bits and LRU
  // ages, entry w's age in bits [w * WcAgeBits +: WcAgeBits].
  logic [mmu_pkg::LevelBits-1:0]     wc_level_q  [MaxWcEntries];
  logic                              wc_global_q [MaxWcEntries];
  logic [mmu_pkg::AsidBits-1:0]               wc_asid_q   [MaxWcEntries];
  logic [mmu_pkg::VpnTagBits-1:0]             wc_vpn_q    [MaxWcEntries];
  logic [63:0]                       wc_pte_q    [MaxWcEntries];
  logic [MaxWcEntries-1:0]           wc_valid_q;
  logic [MaxWcEntries*WcAgeBits-1:0] wc_age_q;

  // The memory port's inputs, registered: the walk reads registers only. Verilator
  // evaluates logic that an input reaches on every evaluation, twice a cycle, and the
  // walk's next-state logic there was a tenth of a TLB hit's cost. A grant is acted on,
  // and a response read, in the cycle after it comes; the port's contract is unchanged.
  logic        granted_q;  // the request was granted at the last edge
  logic        rsp_valid_q;
  logic        rsp_err_q;
  logic [63:0] rsp_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin : port_regs
    if (!rst_ni) begin
      granted_q   <= 1'b0;
      rsp_valid_q <= 1'b0;
      rsp_err_q   <= 1'b0;
      rsp_data_q  <= '0;
    end else begin
      granted_q   <= mem_req_o && mem_gnt_i;
      rsp_valid_q <= mem_rvalid_i;
      rsp_err_q   <= mem_err_i;
      rsp_data_q  <= mem_rdata_i;
    end
  end

  // Loops visit the walk-cache entries in use: a run-time value in the verilated model,
  // which serves every configuration; synthesis needs constant loop bounds and builds
  // the walker for one size (MaxWcEntries = entries in use).
`ifdef SYNTHESIS
  localparam int unsigned loop_wc_entries = MaxWcEntries;
`else
  int unsigned loop_wc_entries;
  assign loop_wc_entries = 32'(wc_entries_i);
`endif

  logic [mmu_pkg::LevelBits-1:0] top_level;
  assign top_level = mode_i == mmu_pkg::ModeSv57 ? 3'd4 : mode_i == mmu_pkg::ModeSv48 ? 3'd3 : 3'd2;

  ////////////////////////
  // Walk-cache lookup  //
  ////////////////////////

  logic                    wc_hit;
  /* verilator lint_off UNUSEDSIGNAL */
  mmu_pkg::tlb_entry_t              wc_entry;  // of a hit, only level, global and pte are needed
  /* verilator lint_on UNUSEDSIGNAL */
  logic [WcAgeBits-1:0]    wc_hit_way;

  // The deepest non-leaf level cached for this VA (levels 1 .. top), lowest way first.
  always_comb begin : wc_lookup
    wc_hit     = 1'b0;
    wc_entry   = '0;
    wc_hit_way = '0;
    if (state_q == StIdle && start_i && wc_entries_i != 0) begin
      for (int unsigned l = 1; l < mmu_pkg::MaxLevels; l++) begin
        for (int unsigned w = 0; w < loop_wc_entries; w++) begin
          if (!wc_hit && mmu_pkg::LevelBits'(l) <= top_level && wc_level_q[w] == mmu_pkg::LevelBits'(l) &&
              mmu_pkg::entry_matches(wc_valid_q[w], wc_level_q[w], 1'b0, wc_global_q[w], wc_asid_q[w],
                            wc_vpn_q[w], req_i.va, asid_i)) begin
            wc_hit          = 1'b1;
            wc_entry.valid  = 1'b1;
            wc_entry.level  = wc_level_q[w];
            wc_entry.global = wc_global_q[w];
            wc_entry.asid   = wc_asid_q[w];
            wc_entry.vpn    = wc_vpn_q[w];
            wc_entry.pte    = wc_pte_q[w];
            wc_hit_way      = WcAgeBits'(w);
          end
        end
      end
    end
  end

  /////////////////////
  // Walk next state //
  /////////////////////

  logic       wc_fill;
  /* verilator lint_off UNUSEDSIGNAL */
  mmu_pkg::tlb_entry_t wc_fill_entry;  // (its valid bit: wc_fill)
  /* verilator lint_on UNUSEDSIGNAL */

  // Step 3's reserved bits and encodings in the PTE just read: bits 60:54, and N and PBMT
  // when their extension is off (§4.4.1); N or PBMT in a pointer (§5, §6); PBMT = 3 (§6);
  // N = 1 other than on a level-0 leaf with PPN[3:0] = 1000 (§5, Table 5.1). Worked out in
  // walk_fsm only when a PTE arrives, so that an idle walker costs the verilated model
  // nothing here.
  function automatic logic [63:0] reserved_mask(logic svnapot, logic svpbmt);
    reserved_mask = ReservedMask | (svnapot ? 64'd0 : 64'd1 << mmu_pkg::PteN) |
                    (svpbmt ? 64'd0 : PbmtMask);
  endfunction

  function automatic logic reserved_encoding(logic [63:0] pte, logic [mmu_pkg::LevelBits-1:0] level);
    logic pointer;
    pointer           = !pte[mmu_pkg::PteR] && !pte[mmu_pkg::PteX];
    reserved_encoding = (pointer && (pte[mmu_pkg::PteN] || (pte & PbmtMask) != 0)) ||
                        (pte & PbmtMask) == PbmtMask ||
                        (pte[mmu_pkg::PteN] && (level != '0 || pte[13:10] != 4'b1000));
  endfunction

  always_comb begin : walk_fsm
    logic [63:0] pte;
    logic [63:0] needed;
    logic [63:0] low_ppn_mask;
    state_d       = state_q;
    level_d       = level_q;
    table_d       = table_q;
    slot_d        = slot_q;
    pte_d         = pte_q;
    global_d      = global_q;
    cause_d       = cause_q;
    wc_lookup_d   = wc_lookup_q;
    wc_hit_d      = wc_hit_q;
    written_d     = written_q;
    wc_fill       = 1'b0;
    wc_fill_entry = '0;
    mem_req_o     = 1'b0;
    mem_we_o      = 1'b0;
    mem_addr_o    = '0;
    mem_wdata_o   = '0;
    pte           = rsp_data_q;
    needed        = '0;
    low_ppn_mask  = '0;

    unique case (state_q)
      StIdle: begin
        if (start_i) begin
          // Step 1: a = satp.ppn x PAGESIZE, i = LEVELS - 1; a walk-cache hit starts lower.
          cause_d     = mmu_pkg::CauseNone;
          written_d   = 1'b0;
          wc_lookup_d = wc_entries_i != 0;
          wc_hit_d    = wc_hit;
          if (wc_hit) begin
            level_d  = wc_entry.level - 3'd1;
            table_d  = {20'd0, wc_entry.pte[53:10]} << mmu_pkg::PageShift;
            global_d = wc_entry.global;
          end else begin
            level_d  = top_level;
            table_d  = {20'd0, root_ppn_i} << mmu_pkg::PageShift;
            global_d = 1'b0;
          end
          state_d = StRead;
        end
      end

      StRead: begin
        // Step 2: pte = mem[a + va.vpn[i] x PTESIZE], asked for until granted.
        mem_req_o  = !granted_q;
        mem_addr_o = table_q + (64'(mmu_pkg::vpn_of(req_i.va, level_q)) & 64'h1FF) * 64'd8;
        if (granted_q) begin
          slot_d  = mem_addr_o;
          state_d = StReadWait;
        end
      end

      StReadWait: begin
        if (rsp_valid_q) begin
          state_d = StDone;
          pte_d   = pte;
          if (rsp_err_q) begin
            cause_d = mmu_pkg::access_fault(req_i.kind);
`ifdef MMU_BUG_RESERVED_IGNORED
          end else if (!pte[mmu_pkg::PteV] || (!pte[mmu_pkg::PteR] && pte[mmu_pkg::PteW]) ||
                       reserved_encoding(pte, level_q)) begin
`else
          end else if (!pte[mmu_pkg::PteV] || (!pte[mmu_pkg::PteR] && pte[mmu_pkg::PteW]) ||
                       (pte & reserved_mask(svnapot_i, svpbmt_i)) != 0 ||
                       reserved_encoding(pte, level_q)) begin
`endif
            // Step 3: invalid, W without R, or a reserved bit or encoding.
            cause_d = mmu_pkg::page_fault(req_i.kind);
          end else if (!pte[mmu_pkg::PteR] && !pte[mmu_pkg::PteX]) begin
            // Step 4: a pointer. D, A and U of a non-leaf PTE must be zero (§4.3.1).
            global_d = global_q || pte[mmu_pkg::PteG];
            if (pte[mmu_pkg::PteD] || pte[mmu_pkg::PteA] || pte[mmu_pkg::PteU] || level_q == '0) begin
              cause_d = mmu_pkg::page_fault(req_i.kind);
            end else begin
              wc_fill              = wc_entries_i != 0;
              wc_fill_entry.valid  = 1'b1;
              wc_fill_entry.level  = level_q;
              wc_fill_entry.global = global_q || pte[mmu_pkg::PteG];
              wc_fill_entry.asid   = asid_i;
              wc_fill_entry.vpn    = mmu_pkg::vpn_of(req_i.va, level_q);
              wc_fill_entry.pte    = pte;
              level_d = level_q - 3'd1;
              table_d = {20'd0, pte[53:10]} << mmu_pkg::PageShift;
              state_d = StRead;
            end
          end else begin
            global_d     = global_q || pte[mmu_pkg::PteG];
            low_ppn_mask = (64'd1 << (mmu_pkg::VpnBits * 32'(level_q))) - 64'd1;
            needed       = (64'd1 << mmu_pkg::PteA) | (req_i.kind == mmu_pkg::AccWrite ? (64'd1 << mmu_pkg::PteD) : 64'd0);
            if (!mmu_pkg::leaf_permits(pte, req_i.kind, req_i.user, req_i.sum, req_i.mxr)) begin
              cause_d = mmu_pkg::page_fault(req_i.kind);  // step 5
`ifndef MMU_BUG_MISALIGNED_OK
            end else if (({20'd0, pte[53:10]} & low_ppn_mask) != 0) begin
              cause_d = mmu_pkg::page_fault(req_i.kind);  // step 6: misaligned superpage
`endif
            end else if ((pte & needed) != needed) begin
              // Step 7: A, and D for stores.
              if (ad_fault_i) begin
                cause_d = mmu_pkg::page_fault(req_i.kind);
              end else begin
`ifdef MMU_BUG_NO_A_UPDATE
                pte_d   = pte | (needed & ~(64'd1 << mmu_pkg::PteA));
`elsif MMU_BUG_NO_D_ON_STORE
                pte_d   = pte | (needed & ~(64'd1 << mmu_pkg::PteD));
`else
                pte_d   = pte | needed;
`endif
                state_d = StWrite;
              end
            end
          end
        end
      end

      StWrite: begin
        mem_req_o   = !granted_q;
        mem_we_o    = 1'b1;
        mem_addr_o  = slot_q;
        mem_wdata_o = pte_q;
        if (granted_q) state_d = StWriteWait;
      end

      StWriteWait: begin
        if (rsp_valid_q) begin
          written_d = !rsp_err_q;
          if (rsp_err_q) cause_d = mmu_pkg::access_fault(req_i.kind);
          state_d = StDone;
        end
      end

      StDone: state_d = StIdle;

      default: state_d = StIdle;
    endcase
  end

  assign done_o        = state_q == StDone;
  assign cause_o       = cause_q;
  assign pte_o         = pte_q;
  assign level_o       = level_q;
  assign global_o      = global_q;
  assign wc_lookup_o   = wc_lookup_q;
  assign wc_hit_o      = wc_hit_q;
  assign pte_written_o = written_q;

  ///////////////////////////
  // Walk-cache next state //
  ///////////////////////////

  // A fill takes the lowest invalid entry, else the least recently used; a fill or a hit
  // makes its entry the most recent. Valid bits and ages are written in place.
  logic [WcAgeBits-1:0] wc_fill_way;
  logic                 wc_touch;
  logic [WcAgeBits-1:0] wc_touch_way;

  always_comb begin : wc_victim
    logic found;
    wc_fill_way = '0;
    found       = 1'b0;
    if (wc_fill) begin
      for (int unsigned w = 0; w < loop_wc_entries; w++) begin
        if (!found && !wc_valid_q[w]) begin
          wc_fill_way = WcAgeBits'(w);
          found       = 1'b1;
        end
      end
      if (!found) begin
        for (int unsigned w = 1; w < loop_wc_entries; w++) begin
          if (wc_age_q[w * WcAgeBits +: WcAgeBits] > wc_age_q[32'(wc_fill_way) * WcAgeBits +: WcAgeBits]) begin
            wc_fill_way = WcAgeBits'(w);
          end
        end
      end
    end
  end

  assign wc_touch     = wc_fill || wc_hit;
  assign wc_touch_way = wc_fill ? wc_fill_way : wc_hit_way;

  always_ff @(posedge clk_i or negedge rst_ni) begin : state
    if (!rst_ni) begin
      state_q     <= StIdle;
      level_q     <= '0;
      table_q     <= '0;
      slot_q      <= '0;
      pte_q       <= '0;
      global_q    <= 1'b0;
      cause_q     <= mmu_pkg::CauseNone;
      wc_lookup_q <= 1'b0;
      wc_hit_q    <= 1'b0;
      written_q   <= 1'b0;
      wc_valid_q  <= '0;
      for (int unsigned w = 0; w < MaxWcEntries; w++) wc_age_q[w * WcAgeBits +: WcAgeBits] <= WcAgeBits'(w);
    end else begin
      // An idle walker that is not started keeps its registers (walk_fsm's next state is
      // the current one): skipping the copies spares the verilated model their cost.
      if (state_q != StIdle || start_i) begin
        state_q     <= state_d;
        level_q     <= level_d;
        table_q     <= table_d;
        slot_q      <= slot_d;
        pte_q       <= pte_d;
        global_q    <= global_d;
        cause_q     <= cause_d;
        wc_lookup_q <= wc_lookup_d;
        wc_hit_q    <= wc_hit_d;
        written_q   <= written_d;
      end
`ifndef MMU_BUG_STALE_WALK_CACHE
      if (flush_i) begin
        for (int unsigned w = 0; w < loop_wc_entries; w++) begin
          if (mmu_pkg::flush_removes(wc_valid_q[w], wc_level_q[w], 1'b0, wc_global_q[w], wc_asid_q[w],
                            wc_vpn_q[w], flush_req_i.kind, flush_req_i.va, flush_req_i.asid)) begin
            wc_valid_q[w] <= 1'b0;
          end
        end
      end
`endif
      if (wc_fill) wc_valid_q[wc_fill_way] <= 1'b1;
      if (wc_touch) begin
        for (int unsigned w = 0; w < loop_wc_entries; w++) begin
          if (wc_age_q[w * WcAgeBits +: WcAgeBits] < wc_age_q[32'(wc_touch_way) * WcAgeBits +: WcAgeBits]) begin
            wc_age_q[w * WcAgeBits +: WcAgeBits] <= wc_age_q[w * WcAgeBits +: WcAgeBits] + 1'b1;
          end
        end
        wc_age_q[32'(wc_touch_way) * WcAgeBits +: WcAgeBits] <= '0;
      end
    end
  end

  always_ff @(posedge clk_i) begin : wc_ram
    if (wc_fill) begin
      wc_level_q[wc_fill_way]  <= wc_fill_entry.level;
      wc_global_q[wc_fill_way] <= wc_fill_entry.global;
      wc_asid_q[wc_fill_way]   <= wc_fill_entry.asid;
      wc_vpn_q[wc_fill_way]    <= wc_fill_entry.vpn;
      wc_pte_q[wc_fill_way]    <= wc_fill_entry.pte;
    end
  end

  ////////////////
  // Assertions //
  ////////////////

  // Simulation only: Yosys 0.23 reads no assertion. Checked at every rising edge out of
  // reset, on the values that edge samples (rtl/README.md says why they are immediate); the
  // request of the edge before is kept in past_*_q (whether it was granted: granted_q).
`ifndef SYNTHESIS
  logic        past_req_q, past_we_q;
  logic [63:0] past_addr_q;
  logic        outstanding_q;  // a granted request awaits its response
  always_ff @(posedge clk_i or negedge rst_ni) begin : past_request
    if (!rst_ni) begin
      past_req_q    <= 1'b0;
      past_we_q     <= 1'b0;
      past_addr_q   <= '0;
      outstanding_q <= 1'b0;
    end else begin
      past_req_q    <= mem_req_o;
      past_we_q     <= mem_we_o;
      past_addr_q   <= mem_addr_o;
      outstanding_q <= (outstanding_q || (mem_req_o && mem_gnt_i)) && !mem_rvalid_i;
    end
  end

  // An implication is written as an `if` around the assertion: an idle walker then costs
  // the verilated model a few branches.
  always_ff @(posedge clk_i) begin : assertions
    if (rst_ni) begin
      // A request stays up, unchanged, until it is granted.
      if (past_req_q && !granted_q) begin
        MemReqHeldUntilGrant: assert (mem_req_o && mem_addr_o == past_addr_q && mem_we_o == past_we_q);
      end
      // A response only for a granted request, and a grant only for a request.
      if (mem_rvalid_i) MemRvalidOnlyWhenOutstanding: assert (outstanding_q);
      if (mem_gnt_i) MemGntOnlyWithReq: assert (mem_req_o);
      if (start_i) StartOnlyWhenIdle: assert (state_q == StIdle || state_q == StDone);
      WalkCacheFits: assert (32'(wc_entries_i) <= MaxWcEntries);
      NoXOnOutputs: assert (!$isunknown({done_o, mem_req_o}));
    end
  end
`endif

endmodule
