// The RTL MMU: L1 TLB (unified, or split into instruction and data), optional L2 TLB,
// and the page-table walker with its walk cache. The RTL twin of models/mmu/
// reference_engine.*: the same lookup order, fills and answers, so that lockstep
// co-simulation can compare them translation by translation.
//
// The request is registered (req_q) at the clock edge that accepts it; the TLBs and the
// walker work from the register. A TLB-hit answer is therefore valid right after that
// edge, and the replacement update or fill it decides is written at the next edge (the
// one that accepts the next request). The shell holds a request until rsp_valid_o.
//
// Translation FSM:
//
//   StIdle --req--> StLookup (req_q <= req_i)
//   StLookup: Bare, non-canonical, or a usable L1 hit --> answer
//             L1 miss --> StL2 (with an L2) --usable L2 hit--> answer, fill L1
//                         StL2 --miss--> start walk --> StWalk
//             L1 miss, no L2 --> start walk --> StWalk --walker done--> answer, fill L1, L2
//   After an answer: the next request is accepted at once (StLookup), else StIdle.
//
// A "usable" entry is one that can answer the access: a store that hits an entry whose
// D bit is clear must walk, so that D gets set in memory (or the store faults).
module mmu_top #(
  parameter int unsigned L1MaxEntries  = 128,  // storage of each L1 TLB
  parameter int unsigned L1MaxWays     = 64,
  parameter int unsigned L2MaxEntries  = 512,  // storage of the L2 TLB
  parameter int unsigned L2MaxWays     = 64,
  parameter int unsigned MaxWcEntries  = 64     // walk-cache storage
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  // Configuration, from the simulator's config: constant while running.
  input  mmu_pkg::tlb_cfg_t     l1_cfg_i,
  input  logic         split_i,       // separate instruction and data L1 TLBs
  input  logic         l2_en_i,
  input  mmu_pkg::tlb_cfg_t     l2_cfg_i,
  input  logic [6:0]   wc_entries_i,  // 0: no walk cache
  input  logic         ad_fault_i,    // Svade (else Svadu)
  input  logic         svnapot_i,     // Svnapot: 64 KiB NAPOT leaves (else PTE bit 63 is reserved)
  input  logic         svpbmt_i,      // Svpbmt, menvcfg.PBMTE (else PTE bits 62:61 are reserved)
  // Ones in the satp ASID bits this MMU implements (ASIDLEN, §4.1.11: the field is WARL;
  // SFENCE.VMA ignores the other bits of rs2 too).
  input  logic [15:0]  asid_mask_i,
  // satp, from the shell's SATP register (only supported modes reach it).
  input  logic [63:0]  satp_i,
  // Translation request and answer, from and to the TLM shell.
  input  logic         req_valid_i,
  input  mmu_pkg::xlate_req_t   req_i,
  output logic         rsp_valid_o,
  output mmu_pkg::xlate_rsp_t   rsp_o,
  // SFENCE.VMA, from the shell's FLUSH_CMD register.
  input  logic         flush_i,
  input  mmu_pkg::flush_req_t   flush_req_i,
  // Walker memory port, served by the shell over TLM.
  output logic         mem_req_o,
  output logic         mem_we_o,
  output logic [63:0]  mem_addr_o,
  output logic [63:0]  mem_wdata_o,
  input  logic         mem_gnt_i,
  input  logic         mem_rvalid_i,
  input  logic [63:0]  mem_rdata_i,
  input  logic         mem_err_i
);

  typedef enum logic [1:0] {
    StIdle,
    StLookup,
    StL2,
    StWalk
  } state_e;

  state_e     state_q, state_next;  // state_next: where the translation goes
  mmu_pkg::xlate_req_t req_q;

  // satp and the configuration, registered: everything below works from registers, and
  // no logic reads an input combinationally (the shell changes satp only between
  // translations, after their updates are written).
  // Reset loads them too, so they hold the configuration from the first edge on. (The
  // two branches are the same on purpose; folding them into one statement, or the
  // fields into one struct, made the verilated model 1.6x slower.)
  logic [63:0] satp_q;
  mmu_pkg::tlb_cfg_t    l1_cfg_q, l2_cfg_q;
  logic        split_q, l2_en_q, ad_fault_q, svnapot_q, svpbmt_q;
  logic [6:0]  wc_entries_q;
  logic [15:0] asid_mask_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin : config_regs
    if (!rst_ni) begin
      satp_q       <= satp_i;
      l1_cfg_q     <= l1_cfg_i;
      l2_cfg_q     <= l2_cfg_i;
      split_q      <= split_i;
      l2_en_q      <= l2_en_i;
      ad_fault_q   <= ad_fault_i;
      svnapot_q    <= svnapot_i;
      svpbmt_q     <= svpbmt_i;
      wc_entries_q <= wc_entries_i;
      asid_mask_q  <= asid_mask_i;
    end else begin
      satp_q       <= satp_i;
      l1_cfg_q     <= l1_cfg_i;
      l2_cfg_q     <= l2_cfg_i;
      split_q      <= split_i;
      l2_en_q      <= l2_en_i;
      ad_fault_q   <= ad_fault_i;
      svnapot_q    <= svnapot_i;
      svpbmt_q     <= svpbmt_i;
      wc_entries_q <= wc_entries_i;
      asid_mask_q  <= asid_mask_i;
    end
  end

  logic [3:0]          mode;
  logic [mmu_pkg::AsidBits-1:0] asid;
  logic [43:0]         root_ppn;
  assign mode     = satp_q[63:60];
  assign asid     = satp_q[59:44] & asid_mask_q;
  assign root_ppn = satp_q[43:0];

  // §4.4.1 / §4.5.1 / §4.6.1: bits 63:VA_BITS must equal bit VA_BITS-1.
  logic canonical;
  always_comb begin : canonical_check
    if (mode == mmu_pkg::ModeSv57) begin
      canonical = req_q.va[63:56] == '0 || req_q.va[63:56] == '1;
    end else if (mode == mmu_pkg::ModeSv48) begin
      canonical = req_q.va[63:47] == '0 || req_q.va[63:47] == '1;
    end else begin
      canonical = req_q.va[63:38] == '0 || req_q.va[63:38] == '1;
    end
  end

  //////////
  // TLBs //
  //////////

  logic       use_l1i;  // this request goes to the instruction-side L1
  logic       l1d_lookup, l1i_lookup, l2_lookup;
  logic       l1d_hit, l1i_hit, l2_hit;
  mmu_pkg::tlb_entry_t l1d_entry, l1i_entry, l2_entry;
  logic       l1d_fill, l1i_fill, l2_fill;
  mmu_pkg::tlb_entry_t fill_entry;

  assign use_l1i = split_q && req_q.kind == mmu_pkg::AccFetch;

  // The flush pulse and its operand, registered: the TLBs and the walker flush at the
  // edge after the pulse, from registers, like everything else (see `state` below).
  logic                flush_q;
  mmu_pkg::flush_req_t flush_req_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin : flush_regs
    if (!rst_ni) begin
      flush_q     <= 1'b0;
      flush_req_q <= '0;
    end else begin
      flush_q     <= flush_i;
      flush_req_q <= flush_req_i;
    end
  end

  // The flush operand with only the implemented ASID bits.
  mmu_pkg::flush_req_t flush_req;
  always_comb begin : flush_asid_mask
    flush_req      = flush_req_q;
    flush_req.asid = flush_req_q.asid & asid_mask_q;
  end

  tlb #(.MaxEntries(L1MaxEntries), .MaxWays(L1MaxWays)) u_l1d (
    .clk_i, .rst_ni, .cfg_i(l1_cfg_q),
    .lookup_i(l1d_lookup), .probe_i(1'b0), .va_i(req_q.va), .asid_i(asid),
    .hit_o(l1d_hit), .entry_o(l1d_entry),
    .fill_i(l1d_fill), .fill_entry_i(fill_entry),
    .flush_i(flush_q), .flush_req_i(flush_req)
  );

  tlb #(.MaxEntries(L1MaxEntries), .MaxWays(L1MaxWays)) u_l1i (
    .clk_i, .rst_ni, .cfg_i(l1_cfg_q),
    .lookup_i(l1i_lookup), .probe_i(1'b0), .va_i(req_q.va), .asid_i(asid),
    .hit_o(l1i_hit), .entry_o(l1i_entry),
    .fill_i(l1i_fill), .fill_entry_i(fill_entry),
    .flush_i(flush_q && split_q), .flush_req_i(flush_req)
  );

  tlb #(.MaxEntries(L2MaxEntries), .MaxWays(L2MaxWays)) u_l2 (
    .clk_i, .rst_ni, .cfg_i(l2_cfg_q),
    .lookup_i(l2_lookup), .probe_i(1'b0), .va_i(req_q.va), .asid_i(asid),
    .hit_o(l2_hit), .entry_o(l2_entry),
    .fill_i(l2_fill), .fill_entry_i(fill_entry),
    .flush_i(flush_q && l2_en_q), .flush_req_i(flush_req)
  );

  ////////////
  // Walker //
  ////////////

  logic        walk_start, walk_done, walk_global, wc_lookup, wc_hit, pte_written;
  mmu_pkg::cause_e      walk_cause;
  logic [63:0] walk_pte;
  logic [mmu_pkg::LevelBits-1:0] walk_level;

  ptw #(.MaxWcEntries(MaxWcEntries)) u_ptw (
    .clk_i, .rst_ni, .wc_entries_i(wc_entries_q), .ad_fault_i(ad_fault_q),
    .svnapot_i(svnapot_q), .svpbmt_i(svpbmt_q),
    .start_i(walk_start), .req_i(req_q), .mode_i(mode), .asid_i(asid), .root_ppn_i(root_ppn),
    .done_o(walk_done), .cause_o(walk_cause), .pte_o(walk_pte), .level_o(walk_level),
    .global_o(walk_global), .wc_lookup_o(wc_lookup), .wc_hit_o(wc_hit),
    .pte_written_o(pte_written),
    .flush_i(flush_q), .flush_req_i(flush_req),
    .mem_req_o, .mem_we_o, .mem_addr_o, .mem_wdata_o,
    .mem_gnt_i, .mem_rvalid_i, .mem_rdata_i, .mem_err_i
  );

  ///////////////
  // Sequencer //
  ///////////////

  // Which TLB is asked depends only on the state and the request (not on any answer),
  // so the lookups and the sequencer below form no combinational loop.
  logic translating;
  assign translating = state_q == StLookup && mode != mmu_pkg::ModeBare && canonical;
  assign l1d_lookup  = translating && !use_l1i;
  assign l1i_lookup  = translating && use_l1i;
  assign l2_lookup   = state_q == StL2;

  // The L1 entry of this request, and the answer from a TLB entry: from the L1 in
  // StLookup, from the L2 in StL2. (Module-level signals, not functions of structs, which
  // Yosys 0.23 cannot read.)
  logic       l1_hit;
  mmu_pkg::tlb_entry_t l1_entry;
  /* verilator lint_off UNUSEDSIGNAL */
  mmu_pkg::tlb_entry_t tlb_entry;  // its level and PTE answer
  /* verilator lint_on UNUSEDSIGNAL */
  logic       tlb_usable;  // the entry can answer: a store to a page with D clear must walk
  mmu_pkg::xlate_rsp_t tlb_answer;
  assign l1_hit    = use_l1i ? l1i_hit : l1d_hit;
  assign l1_entry  = use_l1i ? l1i_entry : l1d_entry;
  assign tlb_entry = state_q == StL2 ? l2_entry : l1_entry;

  always_comb begin : answer_from_tlb
    tlb_usable = (state_q == StL2 ? l2_hit : l1_hit) &&
                 !(req_q.kind == mmu_pkg::AccWrite && !tlb_entry.pte[mmu_pkg::PteD]);
    tlb_answer = '0;
    if (mmu_pkg::leaf_permits(tlb_entry.pte, req_q.kind, req_q.user, req_q.sum, req_q.mxr)) begin
      tlb_answer.pa    = mmu_pkg::leaf_pa(tlb_entry.pte, tlb_entry.level, req_q.va);
      tlb_answer.level = tlb_entry.level;
      tlb_answer.pte   = tlb_entry.pte;
    end else begin
      tlb_answer.cause = mmu_pkg::page_fault(req_q.kind);
    end
  end

  always_comb begin : sequencer
    state_next  = state_q;
    rsp_valid_o = 1'b0;
    rsp_o       = '0;
    l1d_fill    = 1'b0;
    l1i_fill    = 1'b0;
    l2_fill     = 1'b0;
    fill_entry  = '0;
    walk_start  = 1'b0;

    unique case (state_q)
      StIdle: ;

      StLookup: begin
        if (mode == mmu_pkg::ModeBare) begin
          rsp_valid_o = 1'b1;
          rsp_o.pa    = req_q.va;
        end else if (!canonical) begin
          rsp_valid_o = 1'b1;
          rsp_o.cause = mmu_pkg::page_fault(req_q.kind);
        end else if (tlb_usable) begin
          rsp_valid_o     = 1'b1;
          rsp_o           = tlb_answer;
          rsp_o.l1_lookup = 1'b1;
          rsp_o.l1_hit    = 1'b1;
        end else if (l2_en_q) begin
          state_next = StL2;
        end else begin
          walk_start = 1'b1;
          state_next    = StWalk;
        end
      end

      StL2: begin
        if (tlb_usable) begin
          rsp_valid_o     = 1'b1;
          rsp_o           = tlb_answer;
          rsp_o.l1_lookup = 1'b1;
          rsp_o.l2_lookup = 1'b1;
          rsp_o.l2_hit    = 1'b1;
          fill_entry      = l2_entry;
          l1d_fill        = !use_l1i;
          l1i_fill        = use_l1i;
        end else begin
          walk_start = 1'b1;
          state_next    = StWalk;
        end
      end

      StWalk: begin
        if (walk_done) begin
          rsp_valid_o       = 1'b1;
          rsp_o.cause       = walk_cause;
          rsp_o.l1_lookup   = 1'b1;
          rsp_o.l2_lookup   = l2_en_q;
          rsp_o.walked      = 1'b1;
          rsp_o.wc_lookup   = wc_lookup;
          rsp_o.wc_hit      = wc_hit;
          rsp_o.pte_written = pte_written;
          if (walk_cause == mmu_pkg::CauseNone) begin
            // Faults never fill a TLB.
            rsp_o.pa          = mmu_pkg::leaf_pa(walk_pte, walk_level, req_q.va);
            rsp_o.level       = walk_level;
            rsp_o.pte         = walk_pte;
            fill_entry.valid  = 1'b1;
            fill_entry.level  = walk_level;
            fill_entry.global = walk_global;
            fill_entry.asid   = asid;
            fill_entry.vpn    = mmu_pkg::leaf_vpn(req_q.va, walk_level, walk_pte[mmu_pkg::PteN]);
            fill_entry.pte    = walk_pte;
            l1d_fill          = !use_l1i;
            l1i_fill          = use_l1i;
            l2_fill           = l2_en_q;
          end
        end
      end

      default: state_next = StIdle;
    endcase
  end

  // After an answer (or when idle) the next request is accepted at once. The request
  // inputs are read only here, in a clocked block, as every input of the design is: no
  // logic depends on an input combinationally, so a change of the inputs costs the
  // verilated model nothing (it has no input-driven region to evaluate on each eval()).
  logic accept;
  assign accept = rsp_valid_o || state_q == StIdle;

  always_ff @(posedge clk_i or negedge rst_ni) begin : state
    if (!rst_ni) begin
      state_q <= StIdle;
      req_q   <= '0;
    end else if (accept) begin
      state_q <= req_valid_i ? StLookup : StIdle;
      if (req_valid_i) req_q <= req_i;
    end else begin
      state_q <= state_next;
    end
  end

  ////////////////
  // Assertions //
  ////////////////

  // Simulation only: Yosys 0.23 reads no assertion. Checked at every rising edge out of
  // reset, on the values that edge samples (rtl/README.md says why they are immediate).
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin : assertions
    if (rst_ni) begin
      // An answer only for an accepted request, and the request held until it is answered.
      // (An implication is an `if` around its assertion: cheaper in the verilated model.)
      if (rsp_valid_o) AnswerOnlyForARequest: assert (state_q != StIdle);
      if (state_q != StIdle && !rsp_valid_o) begin
        RequestHeldUntilAnswered: assert (req_valid_i && req_i == req_q);
      end
      // A flush comes between translations, after their fills and updates are written.
      if (flush_i) NoFlushDuringATranslation: assert (state_q == StIdle && !req_valid_i);
      SupportedModeOnly: assert (mode == mmu_pkg::ModeBare || mode == mmu_pkg::ModeSv39 ||
                                 mode == mmu_pkg::ModeSv48 || mode == mmu_pkg::ModeSv57);
      if (rsp_valid_o) NoXOnAnswer: assert (!$isunknown(rsp_o));
    end
  end
`endif

endmodule
