// mmu_top built for one configuration, for synthesis (`mmusim synth`, explore/
// hardware_cost.*): the storage parameters are the geometry itself and every
// configuration input is a constant, so that Yosys keeps only the hardware that this
// configuration uses. Replacement: 0 lru, 1 plru, 2 fifo (mmu_pkg::repl_e). No L2 TLB:
// L2Entries = 0. No walk cache: WcEntries = 0.
module mmu_synth #(
  parameter int unsigned L1Entries = 64,
  parameter int unsigned L1Ways    = 4,
  parameter int unsigned L1Repl    = 0,
  parameter int unsigned Split     = 0,
  parameter int unsigned L2Entries = 0,
  parameter int unsigned L2Ways    = 1,
  parameter int unsigned L2Repl    = 0,
  parameter int unsigned WcEntries = 0,
  parameter int unsigned AdFault   = 0,
  parameter int unsigned AsidBits  = 16,
  parameter int unsigned Svnapot   = 0,
  parameter int unsigned Svpbmt    = 0
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic [63:0]          satp_i,
  input  logic                 req_valid_i,
  input  mmu_pkg::xlate_req_t  req_i,
  output logic                 rsp_valid_o,
  output mmu_pkg::xlate_rsp_t  rsp_o,
  input  logic                 flush_i,
  input  mmu_pkg::flush_req_t  flush_req_i,
  output logic                 mem_req_o,
  output logic                 mem_we_o,
  output logic [63:0]          mem_addr_o,
  output logic [63:0]          mem_wdata_o,
  input  logic                 mem_gnt_i,
  input  logic                 mem_rvalid_i,
  input  logic [63:0]          mem_rdata_i,
  input  logic                 mem_err_i
);

  // A TLB that is not there still needs storage of one entry to elaborate; it is never
  // enabled, and synthesis removes it.
  localparam int unsigned L2Storage = L2Entries != 0 ? L2Entries : 1;
  localparam int unsigned L2WaysUsed = L2Entries != 0 ? L2Ways : 1;
  localparam int unsigned WcStorage = WcEntries != 0 ? WcEntries : 1;

  mmu_pkg::tlb_cfg_t l1_cfg, l2_cfg;
  assign l1_cfg.set_bits    = 5'($clog2(L1Entries / L1Ways));
  assign l1_cfg.ways        = 7'(L1Ways);
  assign l1_cfg.replacement = L1Repl == 1 ? mmu_pkg::ReplPlru :
                              L1Repl == 2 ? mmu_pkg::ReplFifo : mmu_pkg::ReplLru;
  assign l2_cfg.set_bits    = 5'($clog2(L2Storage / L2WaysUsed));
  assign l2_cfg.ways        = 7'(L2WaysUsed);
  assign l2_cfg.replacement = L2Repl == 1 ? mmu_pkg::ReplPlru :
                              L2Repl == 2 ? mmu_pkg::ReplFifo : mmu_pkg::ReplLru;

  mmu_top #(
    .L1MaxEntries(L1Entries), .L1MaxWays(L1Ways),
    .L2MaxEntries(L2Storage), .L2MaxWays(L2WaysUsed),
    .MaxWcEntries(WcStorage)
  ) u_mmu (
    .clk_i, .rst_ni,
    .l1_cfg_i(l1_cfg), .split_i(Split != 0), .l2_en_i(L2Entries != 0), .l2_cfg_i(l2_cfg),
    .wc_entries_i(7'(WcEntries)), .ad_fault_i(AdFault != 0),
    .svnapot_i(Svnapot != 0), .svpbmt_i(Svpbmt != 0),
    .asid_mask_i(16'((32'd1 << AsidBits) - 1)),
    .satp_i, .req_valid_i, .req_i, .rsp_valid_o, .rsp_o, .flush_i, .flush_req_i,
    .mem_req_o, .mem_we_o, .mem_addr_o, .mem_wdata_o,
    .mem_gnt_i, .mem_rvalid_i, .mem_rdata_i, .mem_err_i
  );

endmodule
