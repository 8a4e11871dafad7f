#include "platform.h"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <cstring>
#include <iostream>
#include <sys/resource.h>

#include "engine_factory.h"
#include "library_image.h"
#include "stats.h"
#include "trace_reader.h"
#include "wave_save_file.h"

namespace mmusim {

using nlohmann::json;

namespace {
// The most host memory this process has held (its peak resident set).
std::uint64_t max_resident_kib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);
}

// Per-process seed: distinct streams from one workload seed.
std::uint64_t process_seed(std::uint64_t seed, unsigned pid) {
  return seed * 0x9E3779B97F4A7C15ull + pid + 1;
}
}  // namespace

std::vector<ProcessSpec> Platform::make_processes(const PlatformConfig& config) {
  const WorkloadConfig& w = config.workload;
  if (w.type == WorkloadType::Scenario) return {};  // its processes start as it runs
  // A trace streams from its file, except for the opt oracle: it must see the future.
  std::shared_ptr<const std::vector<Access>> trace;
  std::shared_ptr<TraceFile> trace_file;
  const std::uint64_t user_top = std::uint64_t{1} << (sv::va_bits(config.mode) - 1);
  if (is_trace(w.type)) {
    const TraceSource source{
        w.type == WorkloadType::Lackey ? TraceFormat::Lackey : TraceFormat::Pages, w.path,
        user_top};
    if (config.kernel.replacement == fw::PageReplacementKind::Opt) {
      auto accesses = read_trace(source);
      link_next_uses(accesses);
      trace = std::make_shared<const std::vector<Access>>(std::move(accesses));
    } else {
      trace_file = std::make_shared<TraceFile>(source, check_trace(source));
    }
  }
  const std::uint64_t window = sv::page_round_up(w.footprint);
  std::vector<ProcessSpec> processes;
  for (unsigned pid = 0; pid < w.processes; ++pid) {
    ProcessSpec spec;
    if (trace || trace_file) {
      // Trace replay: every page the trace touches is valid user memory, RWX.
      spec.regions.push_back(
          {"trace", fw::RegionKind::Anonymous, 0, user_top, sv::kPteR | sv::kPteW | sv::kPteX});
      spec.regions.back().huge = w.madvise_huge;
      if (trace) {
        spec.stream = std::make_unique<TraceStream>(trace);
      } else {
        spec.stream = std::make_unique<TraceFileStream>(trace_file);
      }
    } else if (w.type == WorkloadType::Program) {
      fw::ProgramImage image;
      image.text_size = ProgramStream::kTextBytes;
      image.data_size = ProgramStream::kDataBytes;
      spec.regions = fw::standard_layout(image);
      for (fw::Region& r : spec.regions) r.huge = w.madvise_huge && r.kind == fw::RegionKind::Heap;
      for (unsigned lib = 0; lib < config.kernel.libraries.size(); ++lib) {
        spec.libraries.push_back({lib, fw::Layout::kLibraryBase});
      }
      // Processes 2k and 2k+1 share segment k.
      const bool paired = w.shm_size != 0 && (pid ^ 1) < w.processes;
      if (paired) {
        spec.segments.push_back({"shm" + std::to_string(pid / 2), w.shm_size, fw::Layout::kShmBase,
                                 sv::kPteR | sv::kPteW, (pid & 1) != 0});
      }
      spec.stream = std::make_unique<ProgramStream>(w, process_seed(w.seed, pid), paired);
    } else {
      const std::uint64_t base =
          config.mode == sv::Mode::Bare ? kDramBase + pid * window : fw::Layout::kHeapBase;
      const std::uint64_t perms = sv::kPteR | sv::kPteW | (w.fetch_fraction > 0 ? sv::kPteX : 0);
      spec.regions.push_back({"heap", fw::RegionKind::Heap, base, base + w.footprint, perms});
      spec.regions.back().huge = w.madvise_huge;
      spec.stream = std::make_unique<SyntheticStream>(w, base, process_seed(w.seed, pid));
    }
    processes.push_back(std::move(spec));
  }
  return processes;
}

namespace {
std::string stem_of(const std::string& path) { return path.substr(0, path.rfind('.')); }
bool wants_vcd(const std::string& path) {
  return path.size() > 4 && path.substr(path.size() - 4) == ".vcd";
}
// Where the RTL's FST goes: the file itself, or a temporary one converted to VCD at the end.
std::string rtl_fst_path(const std::string& path) {
  return wants_vcd(path) ? stem_of(path) + ".rtl.fst.tmp" : path;
}
}  // namespace

WaveFiles wave_files(const std::string& path) {
  const std::string stem = stem_of(path);
  return {stem + ".gtkw", stem + "_platform.vcd", stem + "_platform.gtkw"};
}

PlatformConfig Platform::with_rtl_waves(PlatformConfig config, const WavesOptions& waves) {
  if (!waves.path.empty() && config.mmu.impl != MmuImpl::Model) {
    config.mmu.rtl_waves = rtl_fst_path(waves.path);
    config.mmu.waves_window = waves.window;
  }
  return config;
}

Platform::Platform(const sc_core::sc_module_name& name, const PlatformConfig& config,
                   const WavesOptions& waves)
    : sc_core::sc_module(name),
      waves_(waves),
      timeline_(waves.timeline.empty() ? nullptr : std::make_unique<Timeline>(waves.timeline)),
      activity_(waves.path.empty() && !timeline_
                    ? nullptr
                    : std::make_unique<ActivityTrace>(
                          waves.path.empty() ? "" : wave_files(waves.path).platform_vcd,
                          waves.window, timeline_.get())),
      config_(with_rtl_waves(config, waves)),
      cpu_("cpu", config.cpu, make_processes(config)),
      mmu_("mmu", config_.mmu, make_engine),
      bus_("bus", config.bus_latency),
      caches_("caches", config.caches, {kDramBase, config.dram.size}, bus_.target),
      dram_("dram", config.dram),
      swap_("swap", config.swap),
      kernel_(cpu_.hal(), config.kernel),
      processes_([this] { return process_counters(); }) {
  cpu_.data.bind(mmu_.cpu_target);
  cpu_.phys.bind(caches_.data_entry());
  mmu_.mem_initiator.bind(caches_.data_entry());
  mmu_.walk_initiator.bind(caches_.walker_entry());
  bus_.attach(dram_.target, "dram", kDramBase, config.dram.size);
  bus_.attach(mmu_.reg_target, "mmu", kMmuRegsBase, mmu_regs::kBlockSize);
  bus_.attach(swap_.regs, "swap", kSwapRegsBase, swap_regs::kRegionSize);
  swap_.dma.bind(caches_.dma_entry());
  mmu_.irq.bind(mmu_irq_);
  swap_.irq.bind(swap_irq_);
  cpu_.irq.bind(swap_irq_);
  cpu_.attach_kernel(kernel_);
  cpu_.set_on_switch([this](fw::Pid pid) { processes_.switched_to(pid); });
  if (config.scenario) cpu_.set_scenario(config.scenario);
  if (config.measurement.active()) {
    MeasurementWindows windows = config.measurement;
    windows.warmup_done = [this](const sc_core::sc_time& now) { end_warmup(now); };
    windows.snapshot = [this](const sc_core::sc_time& now) { write_snapshot(now); };
    cpu_.set_measurement(std::move(windows));
  }
  cpu_.set_activity_trace(activity_.get());
  mmu_.set_activity_trace(activity_.get());
  swap_.set_activity_trace(activity_.get());
  vm_logs_.timeline = timeline_.get();
  if (timeline_) kernel_.set_log(&vm_logs_);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(config.cpu.quantum);
  for (unsigned lib = 0; lib < config.kernel.libraries.size(); ++lib) {
    const fw::LibraryImage& image = config.kernel.libraries[lib];
    const std::uint64_t size = image.size;
    constexpr std::uint64_t kBlockBytes = swap_regs::kBytesPerBlock;
    swap_.preload(image.first_block, (size + kBlockBytes - 1) / kBlockBytes,
                  [lib, size](std::uint64_t block, std::uint8_t* out) {
                    for (std::uint64_t at = 0; at < kBlockBytes; at += 8) {
                      const std::uint64_t offset = block * kBlockBytes + at;
                      const std::uint64_t word = offset < size ? library_word(lib, offset) : 0;
                      std::memcpy(out + at, &word, 8);
                    }
                  });
  }
}

RunResult Platform::run(bool show_progress) {
  cpu_.set_progress(show_progress);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  sc_core::sc_start();
  const double host_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // CPU time of this process: unlike wall time, not inflated when a shared machine's
  // other tenants take the core, so benchmarks compare rates by it.
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;

  finish_waves();

  RunResult result;
  result.failure = cpu_.failure();
  result.failure_time = cpu_.failure_time();
  if (result.failure.empty()) result.failure = unexpected_kills();
  json& s = result.stats;
  s = gather_stats(sc_core::sc_time_stamp());
  // The host's rates count every access the run made, warm-up included.
  const auto all = static_cast<double>(cpu_.completed_accesses());
  s["host"] = {{"seconds", host_seconds},
               {"accesses_per_second", all / host_seconds},
               {"cpu_seconds", cpu_seconds},
               {"accesses_per_cpu_second", all / cpu_seconds},
               {"max_rss_kib", max_resident_kib()}};
  s["config"] = config_.document;
  return result;
}

json Platform::gather_stats(const sc_core::sc_time& now) const {
  json s;
  const CpuStats& cpu = cpu_.stats();
  s["sim"] = {{"accesses", cpu.accesses}, {"time_ps", (now - measured_from_).value()}};
  if (config_.measurement.warmup_accesses != 0) {
    s["sim"]["warmup"] = {{"accesses", config_.measurement.warmup_accesses},
                          {"time_ps", measured_from_.value()},
                          {"completed", warmup_completed_}};
  }
  if (!cpu.cut_short.empty()) s["sim"]["cut_short"] = cpu.cut_short;  // by --max-accesses ...
  s["sim"]["breakdown"] = time_breakdown(cpu, mmu_.stats(), mmu_.path_stats());
  s["cpu"] = to_json(cpu);
  s.update(to_json(mmu_.stats(), cpu.accesses));
  s["walker"]["by_source"] = walks_by_source(mmu_.path_stats());
  s["tlb"]["hits_by_page_size"] = tlb_hits_by_page_size(mmu_.path_stats());
  if (const AccessPathStats& path = mmu_.path_stats();
      path.sinval_vma + path.sfence_w_inval + path.sfence_inval_ir != 0) {
    s["svinval"] = {{"sinval_vma", path.sinval_vma},
                    {"sfence_w_inval", path.sfence_w_inval},
                    {"sfence_inval_ir", path.sfence_inval_ir}};
  }
  s["vm"] = to_json(kernel_.stats());
  s["vm"]["swap_io"] = to_json(kernel_.swap_io_stats());
  if (config_.kernel.napot) {
    const fw::KernelStats& k = kernel_.stats();
    s["vm"]["napot"] = {{"mapped", k.napot_mapped},
                        {"fallbacks", k.napot_fallbacks},
                        {"unfolds", k.napot_unfolds}};
  }
  s["vm"]["replacement"] = std::string(fw::to_string(config_.kernel.replacement)) +
                           (fw::is_oracle(config_.kernel.replacement) ? " (simulator oracle)" : "");
  s["vm"]["resident_frames"] = cpu.resident_frames;
  s["check"] = {{"enabled", config_.cpu.check_reads},
                {"reads_verified", cpu.reads_verified},
                {"mismatches", cpu.mismatches}};
  s["swap"] = to_json(swap_.stats());
  json caches = json::object();
  for (unsigned i = 0; i < kCacheLevelNames.size(); ++i) {
    const Cache* level = caches_.level(static_cast<CacheLevel>(i));
    if (level != nullptr) caches[kCacheLevelNames[i]] = to_json(level->stats(), cpu.accesses);
  }
  if (!caches.empty()) s["cache"] = caches;
  s["dram"] = to_json(dram_.stats());
  json processes = json::object();
  for (const auto& [pid, counters] : processes_.totals()) {
    processes[std::to_string(pid)] = to_json(counters);
  }
  s["process"] = processes;
  return s;
}

ProcessCounters Platform::process_counters() const {
  const MmuStats& mmu = mmu_.stats();
  const fw::KernelStats& vm = kernel_.stats();
  ProcessCounters c;
  c.accesses = cpu_.stats().accesses;
  c.page_faults = vm.page_faults;
  c.major_faults = vm.major_faults;
  c.cow_faults = vm.cow_faults;
  c.tlb_misses = mmu.l1.misses;
  c.walks = mmu.walks;
  c.time_ps = static_cast<std::uint64_t>((cpu_.now() - measured_from_).value());
  return c;
}

void Platform::end_warmup(const sc_core::sc_time& now) {
  measured_from_ = now;
  warmup_completed_ = true;
  cpu_.restart_stats();
  mmu_.restart_stats();
  kernel_.restart_stats();
  caches_.restart_stats();
  dram_.restart_stats();
  swap_.restart_stats();
  processes_.restart();
}

void Platform::write_intervals_to(const std::string& path) {
  intervals_ = std::make_unique<std::ofstream>(path);
  if (!*intervals_) throw std::runtime_error("cannot write " + path);
}

// Cumulative since the measurement began: a line's counters include the lines before.
void Platform::write_snapshot(const sc_core::sc_time& now) {
  if (!intervals_) return;
  json line = gather_stats(now);
  line["snapshot"] = snapshots_++;
  *intervals_ << line.dump() << '\n';
}

// A segmentation fault is the workload's own doing (a trace touching a hole, a scenario
// that says `=> segfault`); a process the kernel had to kill for want of memory or after
// an I/O error means the simulated system failed, and the run says so (exit status 1).
std::string Platform::unexpected_kills() const {
  std::size_t count = 0;
  const fw::KillReport* first = nullptr;
  // With swap.fault_rate the I/O errors are asked for: a process killed after its retries
  // ran out is the firmware doing its job (the integrity checker still checks the rest).
  const bool io_errors_injected = config_.swap.faults.rate > 0;
  for (const fw::KillReport& k : kernel_.kills()) {
    if (k.kind == fw::KillKind::Segfault) continue;
    if (k.kind == fw::KillKind::IoError && io_errors_injected) continue;
    if (first == nullptr) first = &k;
    ++count;
  }
  if (first == nullptr) return "";
  return std::to_string(count) + " process(es) killed by the kernel (first: pid " +
         std::to_string(first->pid) + ", " + first->reason + ")";
}

void Platform::set_vm_log(fw::VmLog* log) {
  vm_logs_.user = log;
  kernel_.set_log(log != nullptr || timeline_ ? &vm_logs_ : nullptr);
}

void Platform::finish_waves() {
  mmu_.finish();
  if (!activity_) return;
  activity_->close();
  if (timeline_) {
    timeline_->close();
    if (const std::uint64_t at = timeline_->stopped_at_ps()) {
      std::cerr << "mmusim: the timeline holds its first " << Timeline::kMaxEvents
                << " events, up to " << at / 1000000
                << " us of simulated time; bound the run (--max-sim-time, --max-accesses) "
                   "for a shorter one\n";
    }
  }
  if (waves_.path.empty()) return;
  const bool rtl = !config_.mmu.rtl_waves.empty();
  if (wants_vcd(waves_.path) && rtl) {
    const std::string command =
        "fst2vcd -f '" + config_.mmu.rtl_waves + "' -o '" + waves_.path + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("fst2vcd could not convert " + config_.mmu.rtl_waves);
    }
    std::remove(config_.mmu.rtl_waves.c_str());
  }
  // Save files that open on what matters: the fault or mismatch under the marker.
  const WaveWindow& window = activity_->window();
  std::optional<std::uint64_t> marker = waves_.marker_ps;
  if (window.triggered()) marker = window.from_ps;
  const WaveFiles files = wave_files(waves_.path);
  const std::uint64_t first = activity_->first_ps(), last = activity_->last_ps();
  write_save_file(files.platform_save, files.platform_vcd, WaveLayout::Platform,
                  {first, std::max<std::uint64_t>(last - first, 1000), marker});
  if (rtl) {
    // An RTL translation takes tens of evaluations, 1 ps each: a few hundred ps show it.
    constexpr std::uint64_t kRtlSpanPs = 400, kRtlLeadPs = 40;
    const std::uint64_t at = marker.value_or(first);
    write_save_file(files.rtl_save, waves_.path, WaveLayout::Rtl,
                    {at > kRtlLeadPs ? at - kRtlLeadPs : 0, kRtlSpanPs, marker});
  }
}

}  // namespace mmusim
