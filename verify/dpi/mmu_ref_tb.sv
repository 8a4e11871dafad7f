// A testbench as a user would write one: this project's RTL MMU (mmu_top) checked against
// the reference model, called through DPI-C (mmu_ref.h, glued in mmu_ref_sv.cpp), on page
// tables the testbench keeps in its own memory. Every permission x privilege x SUM x MXR
// combination on a set of leaves (4 KiB and 2 MiB, U and S, R/W/X, A/D clear, invalid,
// reserved bits, a misaligned superpage, a non-canonical VA) is translated by both; the
// answers (cause, PA, level, TLB hit) must agree.
module mmu_ref_tb (
  input  logic        clk_i,
  input  logic        rst_ni,
  output logic        done_o,
  output logic [31:0] checked_o,
  output logic [31:0] errors_o
);
  import mmu_pkg::*;

  import "DPI-C" context function chandle mmu_ref_sv_create(
      int unsigned l1_entries, int unsigned l1_ways, int unsigned l2_entries,
      int unsigned l2_ways, int unsigned wc_entries, int svade);
  import "DPI-C" context function void mmu_ref_sv_write_satp(chandle ref_model, longint unsigned satp);
  import "DPI-C" context function int unsigned mmu_ref_sv_translate(
      chandle ref_model, longint unsigned va, int unsigned kind, int user, int sum, int mxr,
      output longint unsigned pa, output int unsigned level, output int tlb_hit);
  export "DPI-C" function mmu_ref_tb_read;
  export "DPI-C" function mmu_ref_tb_write;

  localparam logic [63:0] Satp    = {4'd8, 16'd1, 44'h80000};  // Sv39, ASID 1, root 0x80000000
  localparam int unsigned NumVas  = 9;
  localparam int unsigned NumReqs = NumVas * 3 * 2 * 2 * 2;  // x kind x priv x SUM x MXR

  // Physical memory: 64-bit words; nothing below 0x80000000 or from 0x81000000 on. The
  // RTL and the reference each walk a copy of their own, so that neither sees the other's
  // A/D updates.
  longint unsigned mem [longint unsigned];
  longint unsigned ref_mem [longint unsigned];

  function automatic logic in_memory(longint unsigned pa);
    return pa >= 64'h8000_0000 && pa < 64'h8100_0000;
  endfunction
  function automatic longint unsigned mmu_ref_tb_read(longint unsigned pa, output int ok);
    ok = int'(in_memory(pa));
    return ref_mem.exists(pa) ? ref_mem[pa] : 64'd0;
  endfunction
  function automatic int mmu_ref_tb_write(longint unsigned pa, longint unsigned value);
    if (!in_memory(pa)) return 0;
    ref_mem[pa] = value;
    return 1;
  endfunction
  function automatic void put(longint unsigned pa, longint unsigned value);
    mem[pa]     = value;
    ref_mem[pa] = value;
  endfunction

  logic [63:0] vas [NumVas];
  chandle      ref_model;
  initial begin : tables
    // Sv39: root 0x80000000 -> level-1 table 0x80001000 -> level-0 table 0x80002000.
    put(64'h8000_0000, 64'h2000_0401);
    put(64'h8000_1000, 64'h2000_0801);
    put(64'h8000_1008, 64'h2400_00cf);                  // 0x200000: 2 MiB S RWX A D
    put(64'h8000_1010, 64'h2400_04cf);                  // 0x400000: misaligned 2 MiB
    put(64'h8000_2008, 64'h2000_10d7);                  // 0x1000: U RW A D
    put(64'h8000_2010, 64'h2000_1413);                  // 0x2000: U R, A and D clear
    put(64'h8000_2018, 64'h2000_1859);                  // 0x3000: U X A
    put(64'h8000_2020, 64'h2000_1cc7);                  // 0x4000: S RW A D
    put(64'h8000_2030, 64'h2000_20d7 | (64'd1 << 54));  // 0x6000: reserved bit 54
    vas = '{64'h1008, 64'h2010, 64'h3000, 64'h4000, 64'h5000, 64'h6000, 64'h20_0010,
            64'h40_0010, 64'h40_0000_0000};
    // +reference_svade gives the reference the other A/D policy than the RTL: a
    // difference put there on purpose, to see the checks fail.
    ref_model = mmu_ref_sv_create(16, 4, 32, 4, 4, $test$plusargs("reference_svade") ? 1 : 0);
    mmu_ref_sv_write_satp(ref_model, Satp);
  end

  // Request n: VA n / 24, then kind, privilege, SUM and MXR.
  function automatic xlate_req_t request(logic [31:0] n);
    xlate_req_t r;
    r.va   = vas[n / 24];
    r.kind = access_e'((n / 8) % 3);
    r.user = n[2];
    r.sum  = n[1];
    r.mxr  = n[0];
    return r;
  endfunction

  // The request answered is idx_q's; in the cycle of its answer the port already shows
  // the next one, which the edge that takes the answer accepts (as RtlEngine drives it).
  logic [31:0] idx_q, port_idx;
  logic        rsp_valid;
  xlate_req_t  req, answered;
  assign port_idx = idx_q + 32'(rsp_valid);
  assign req      = request(port_idx);
  assign answered = request(idx_q);

  logic       mem_req, mem_we, mem_rvalid_q;
  xlate_rsp_t rsp;
  logic [63:0] mem_addr, mem_wdata, mem_rdata_q;
  logic        mem_err_q;

  mmu_top u_dut (
    .clk_i, .rst_ni,
    .l1_cfg_i('{set_bits: 5'd2, ways: 7'd4, replacement: ReplLru}), .split_i(1'b0),
    .l2_en_i(1'b1), .l2_cfg_i('{set_bits: 5'd3, ways: 7'd4, replacement: ReplLru}),
    .wc_entries_i(7'd4), .ad_fault_i(1'b0), .svnapot_i(1'b0), .svpbmt_i(1'b0),
    .asid_mask_i(16'hffff), .satp_i(Satp),
    .req_valid_i(port_idx < NumReqs), .req_i(req), .rsp_valid_o(rsp_valid), .rsp_o(rsp),
    .flush_i(1'b0), .flush_req_i('0),
    .mem_req_o(mem_req), .mem_we_o(mem_we), .mem_addr_o(mem_addr), .mem_wdata_o(mem_wdata),
    // A request is granted in the cycle it appears and answered in the next one.
    .mem_gnt_i(mem_req), .mem_rvalid_i(mem_rvalid_q), .mem_rdata_i(mem_rdata_q),
    .mem_err_i(mem_err_q)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin : memory_port
    if (!rst_ni) begin
      mem_rvalid_q <= 1'b0;
      mem_rdata_q  <= '0;
      mem_err_q    <= 1'b0;
    end else begin
      mem_rvalid_q <= mem_req;
      if (mem_req) begin
        mem_rdata_q <= mem.exists(mem_addr) ? mem[mem_addr] : 64'd0;
        mem_err_q   <= !in_memory(mem_addr);
        if (mem_we && in_memory(mem_addr)) mem[mem_addr] = mem_wdata;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin : check
    if (!rst_ni) begin
      idx_q     <= '0;
      done_o    <= 1'b0;
      checked_o <= '0;
      errors_o  <= '0;
    end else if (rsp_valid && !done_o) begin
      longint unsigned pa;
      int unsigned     level;
      int unsigned     cause;
      int              tlb_hit;
      cause = mmu_ref_sv_translate(ref_model, answered.va, int'(answered.kind),
                                   int'(answered.user), int'(answered.sum), int'(answered.mxr),
                                   pa, level, tlb_hit);
      if (cause != int'(rsp.cause) || (cause == 0 && (pa != rsp.pa || level != int'(rsp.level))) ||
          (tlb_hit != 0) != (rsp.l1_hit || rsp.l2_hit)) begin
        $write("MISMATCH request %0d: va %h kind %0d user %0d sum %0d mxr %0d: ", idx_q,
               answered.va, answered.kind, answered.user, answered.sum, answered.mxr);
        $display("rtl cause %0d pa %h level %0d TLB hit %0d, reference cause %0d pa %h level %0d TLB hit %0d",
                 rsp.cause, rsp.pa, rsp.level, rsp.l1_hit || rsp.l2_hit, cause, pa, level,
                 tlb_hit);
        errors_o <= errors_o + 1;
      end
      checked_o <= checked_o + 1;
      idx_q     <= idx_q + 1;
      done_o    <= idx_q + 1 == NumReqs;
    end
  end
endmodule
