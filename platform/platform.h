#pragma once
// The top level: builds cpu, mmu, bus, dram and the firmware from a PlatformConfig,
// wires them, runs the simulation and gathers the stats.
//
//   cpu.data --> mmu.cpu_target   mmu.mem_initiator --> caches --> bus --> dram      (0x8000_0000)
//   cpu.phys ------------------------------------------> caches --> bus --> mmu regs  (0x1000_0000)
//                                 mmu.walk_initiator --> caches (at mmu.walker_path)
//   swap.dma -------------------------------------> (snoop caches) bus --> swap regs (0x1000_1000)
//   swap.irq --> cpu.irq (the firmware waits on it for swap I/O)

#include <fstream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <systemc>

#include "bus.h"
#include "config.h"
#include "cpu.h"
#include "dram.h"
#include "hierarchy.h"
#include "activity_trace.h"
#include "kernel.h"
#include "mmu.h"
#include "process_accounting.h"
#include "swap_device.h"

namespace mmusim {

struct RunResult {
  nlohmann::json stats;
  std::string failure;  // non-empty: the run found a failure (exit status 1)
  sc_core::sc_time failure_time;
};

// Waveforms of a run (see README, "Waveforms"): `path` ends in .fst or .vcd; the RTL's
// signals go there (with mmu.impl rtl or lockstep), the platform's to <stem>_platform.vcd.
struct WavesOptions {
  std::string path;  // "": none
  WaveWindow window;
  // Where the save files put the primary marker (a mismatch found by an earlier run);
  // a trigger that fires puts it where it fired.
  std::optional<std::uint64_t> marker_ps;
  std::string timeline;  // --timeline FILE.json (trace-event format); "": none
};

// The files a run with --waves PATH writes beside PATH (the RTL's dump itself).
struct WaveFiles {
  std::string rtl_save;       // <stem>.gtkw
  std::string platform_vcd;   // <stem>_platform.vcd
  std::string platform_save;  // <stem>_platform.gtkw
};
WaveFiles wave_files(const std::string& path);

class Platform final : public sc_core::sc_module {
 public:
  Platform(const sc_core::sc_module_name& name, const PlatformConfig& config,
           const WavesOptions& waves = {});
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Runs to completion; call once per process (SystemC elaborates once).
  RunResult run(bool show_progress);

  // Every virtual-memory event to `log` (see vm_log.h; null: none), and to the timeline.
  void set_vm_log(fw::VmLog* log);
  // The stats snapshots of sim.stats_interval*, one JSON object per line, go to `path`.
  void write_intervals_to(const std::string& path);

  Dram& dram() { return dram_; }
  Mmu& mmu() { return mmu_; }
  Bus& bus() { return bus_; }

 private:
  static std::vector<ProcessSpec> make_processes(const PlatformConfig& config);
  // Every model's stats as of `now` (simulated), measured from the end of any warm-up.
  nlohmann::json gather_stats(const sc_core::sc_time& now) const;
  void end_warmup(const sc_core::sc_time& now);
  ProcessCounters process_counters() const;  // what ProcessAccounting samples
  void write_snapshot(const sc_core::sc_time& now);
  static PlatformConfig with_rtl_waves(PlatformConfig config, const WavesOptions& waves);
  void finish_waves();
  std::string unexpected_kills() const;

  // The kernel's events go to the user's log and to the timeline, either or both.
  class VmLogs final : public fw::VmLog {
   public:
    void event(std::uint64_t time_ps, fw::Pid pid, std::uint64_t va,
               const std::string& what) override {
      if (user != nullptr) user->event(time_ps, pid, va, what);
      if (timeline != nullptr) timeline->vm_event(time_ps, pid, va, what);
    }
    fw::VmLog* user = nullptr;
    Timeline* timeline = nullptr;
  };

  WavesOptions waves_;
  std::unique_ptr<Timeline> timeline_;
  std::unique_ptr<ActivityTrace> activity_;
  VmLogs vm_logs_;
  PlatformConfig config_;
  Cpu cpu_;
  Mmu mmu_;
  Bus bus_;
  CacheHierarchy caches_;
  Dram dram_;
  SwapDevice swap_;
  fw::Kernel kernel_;
  ProcessAccounting processes_;
  sc_core::sc_time measured_from_ = sc_core::SC_ZERO_TIME;  // the warm-up's end
  bool warmup_completed_ = false;
  std::unique_ptr<std::ofstream> intervals_;
  std::uint64_t snapshots_ = 0;
  sc_core::sc_signal<bool> mmu_irq_{"mmu_irq"};
  // Raised by the device's thread, cleared by the register write in the cpu's thread.
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> swap_irq_{"swap_irq"};
};

}  // namespace mmusim
