#include "config_keys.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

#include "did_you_mean.h"

namespace mmusim {

namespace {

using nlohmann::json;

ConfigKey key(std::string path, KeyType type, json value, std::string unit, std::string doc) {
  ConfigKey k;
  k.path = std::move(path);
  k.type = type;
  k.default_value = std::move(value);
  k.unit = std::move(unit);
  k.doc = std::move(doc);
  return k;
}
ConfigKey integer(std::string path, std::uint64_t value, std::uint64_t min, std::uint64_t max,
                  std::string unit, std::string doc) {
  ConfigKey k = key(std::move(path), KeyType::Integer, value, std::move(unit), std::move(doc));
  k.min = min;
  k.max = max;
  return k;
}
ConfigKey size(std::string path, json value, std::string doc) {
  return key(std::move(path), KeyType::Size, std::move(value), "bytes", std::move(doc));
}
ConfigKey time(std::string path, json value, std::string doc) {
  return key(std::move(path), KeyType::Time, std::move(value), "time", std::move(doc));
}
ConfigKey fraction(std::string path, double value, std::string doc) {
  return key(std::move(path), KeyType::Fraction, value, "0..1", std::move(doc));
}
ConfigKey positive(std::string path, double value, std::string doc) {
  return key(std::move(path), KeyType::Positive, value, "> 0", std::move(doc));
}
ConfigKey flag(std::string path, bool value, std::string doc) {
  return key(std::move(path), KeyType::Flag, value, "", std::move(doc));
}
ConfigKey text(std::string path, std::string value, std::string unit, std::string doc) {
  return key(std::move(path), KeyType::Text, std::move(value), std::move(unit), std::move(doc));
}
ConfigKey choice(std::string path, std::string value, std::vector<std::string> choices,
                 std::string doc) {
  ConfigKey k = key(std::move(path), KeyType::Choice, std::move(value), "", std::move(doc));
  k.choices = std::move(choices);
  return k;
}

constexpr std::uint64_t kAny = std::numeric_limits<std::uint64_t>::max();

std::vector<ConfigKey> declare() {
  const std::vector<std::string> policies = {"lru", "plru", "fifo", "random"};
  std::vector<ConfigKey> keys = {
      time("sim.quantum", "1us", "loosely-timed quantum of the cpu's quantum keeper"),
      integer("sim.seed", 1, 0, kAny, "", "seed of model randomness (random TLB replacement)"),
      integer("sim.max_accesses", 0, 0, kAny, "accesses",
              "end the run cleanly after this many accesses, `sim.cut_short` in the stats (0: "
              "no bound; also `--max-accesses N`)"),
      time("sim.max_time", "0s",
           "end the run cleanly at this simulated time (0: no bound; also `--max-sim-time T`)"),
      integer("sim.warmup_accesses", 0, 0, kAny, "accesses",
              "accesses (all processes) before the stats start again from zero, the TLBs, caches "
              "and memory as warm as they got; `sim.warmup` in the stats says when"),
      integer("sim.stats_interval", 0, 0, kAny, "accesses",
              "a snapshot of the stats every this many measured accesses, one JSON line each to "
              "`--intervals FILE` (0: none)"),
      time("sim.stats_interval_time", "0s",
           "a snapshot every this much simulated time as well (0: none)"),

      size("dram.size", "256MiB",
           "DRAM at `0x8000_0000`, 1MiB to 1TiB; storage is sparse (host memory grows with "
           "pages written)"),
      integer("dram.banks", 16, 1, 1024, "banks", "open-row model: address = row : bank : column"),
      size("dram.row_size", "8KiB", "bytes per DRAM row (at least 64)"),
      time("dram.timing.t_cl", "13.33ns",
           "CAS latency (DDR4-2400 CL16): a row hit costs CL + bursts x t_burst"),
      time("dram.timing.t_rcd", "13.33ns", "row activate: added when the bank is idle"),
      time("dram.timing.t_rp", "13.33ns", "precharge: another row open adds tRP + tRCD"),
      time("dram.timing.t_burst", "3.33ns", "per 64-byte burst"),
      time("bus.latency", "1ns", "per bus hop"),
  };
  // The cache hierarchy (models/cache/README.md): one group of keys per level.
  struct Level {
    const char* name;
    const char* size;
    unsigned ways;
    const char* latency;
    const char* what;
  };
  for (const Level& l : {Level{"l1d", "32KiB", 8, "1ns", "private L1 data cache"},
                         Level{"l2", "256KiB", 8, "4ns", "L2 cache"},
                         Level{"llc", "2MiB", 16, "12ns", "last-level cache"}}) {
    const std::string at = std::string("cache.") + l.name;
    keys.push_back(size(at + ".size", l.size,
                        std::string(l.what) + ", write-back and write-allocate (0 = none)"));
    keys.push_back(
        integer(at + ".ways", l.ways, 1, 64, "ways", "size / (ways x line) sets, a power of two"));
    keys.push_back(size(at + ".line", 64, "line size, a power of two from 8B to 4KiB"));
    keys.push_back(time(at + ".latency", l.latency, "per line looked up"));
    keys.push_back(choice(at + ".replacement", "lru", policies, "`plru` needs power-of-two ways"));
  }
  const std::vector<ConfigKey> after_caches = {
      choice("cache.fault_injection", "none", {"none", "skip_dma_snoop"},
             "`skip_dma_snoop`: swap DMA bypasses the caches without cleaning or invalidating "
             "them, to see the integrity checker catch stale data"),

      size("swap.size", "64MiB", "swap device capacity (4 KiB blocks, sparse storage)"),
      choice("swap.preset", "ssd", {"ssd", "disk", "custom"},
             "`ssd` (20 us + 0.5 ns/B), `disk` (5 ms + 10 ns/B) or `custom` "
             "(`swap.command_time`, `swap.byte_time`); see "
             "[models/swap/README.md](models/swap/README.md)"),
      time("swap.command_time", "20us", "`swap.preset=custom`: time per command"),
      time("swap.byte_time", "0.5ns", "`swap.preset=custom`: time per byte moved"),
      fraction("swap.fault_rate", 0,
               "share of commands the device fails on purpose (seeded by `sim.seed`), in one of "
               "`swap.fault_kinds`"),
      text("swap.fault_kinds", "error,timeout,corrupt", "list",
           "the faults `swap.fault_rate` injects, comma-separated: `error` (error status), "
           "`timeout` (no interrupt until aborted), `corrupt` (a read delivers one byte "
           "changed)"),

      choice("mmu.impl", "model", {"model", "rtl", "lockstep"},
             "`model` (C++ reference engine), `rtl` (the verilated RTL), `lockstep` (both, every "
             "translation compared)"),
      choice("mmu.lockstep_injection", "none", {"none", "ad_policy"},
             "`ad_policy`: give the RTL the other A/D policy, to see lockstep catch the "
             "divergence"),
      choice("mmu.mode", "sv39", {"bare", "sv39", "sv48", "sv57"},
             "the MODE the firmware writes to satp"),
      choice("mmu.ad_update", "hw", {"hw", "fault"},
             "`hw` (Svadu: the walker sets A, and D on stores, in the PTE in memory) or `fault` "
             "(Svade: page fault; the firmware sets them)"),
      flag("mmu.svnapot", false,
           "Svnapot: a level-0 leaf with N (PTE bit 63) set and PPN[3:0] = 1000 maps 64 KiB, held "
           "as one TLB entry (off: bit 63 is reserved and faults)"),
      flag("mmu.svpbmt", false,
           "Svpbmt with menvcfg.PBMTE = 1: PTE bits 62:61 give the page's memory type (PMA, NC, "
           "IO; 3 faults) (off: they are reserved and fault)"),
      integer("mmu.asid_bits", 16, 0, 16, "bits",
              "satp ASID bits the mmu implements (WARL: the others read as zero); the firmware "
              "finds out by writing ones and reading back, and recycles ASIDs when they run "
              "out"),
      integer("mmu.tlb.l1.entries", 64, 1, 1 << 16, "entries",
              "L1 TLB entries; entries / ways must be a power of two"),
      integer("mmu.tlb.l1.ways", 4, 1, 1 << 16, "ways", "ways = entries is fully associative"),
      choice("mmu.tlb.l1.replacement", "lru", policies, "`plru` is a tree (power-of-two ways)"),
      flag("mmu.tlb.l1.split", false,
           "separate instruction and data L1 TLBs, each of this geometry"),
      time("mmu.tlb.l1.latency", "0.5ns", "per L1 lookup"),
      integer("mmu.tlb.l2.entries", 512, 0, 1 << 16, "entries",
              "unified L2 TLB, looked up on L1 misses (0 = none)"),
      integer("mmu.tlb.l2.ways", 4, 1, 1 << 16, "ways", "L2 TLB ways"),
      choice("mmu.tlb.l2.replacement", "lru", policies, "L2 TLB replacement"),
      time("mmu.tlb.l2.latency", "2ns", "per L2 lookup"),
      integer("mmu.walk_cache.entries", 16, 0, 1024, "entries", "non-leaf PTE cache (0 = none)"),
      time("mmu.walk_cache.latency", "1ns", "per walk-cache lookup"),
      choice("mmu.walker_path", "l1d", {"l1d", "l2", "llc", "dram"},
             "where the walker's PTE reads and A/D writes enter the cache hierarchy (the "
             "first level present at or below it; the levels above are kept coherent)"),

      time("cpu.access_time", "0.5ns", "the cpu's own time per access"),
      time("cpu.timeslice", "100us", "round-robin slice between processes"),
      time("cpu.spawn_interval", "20us", "process *i* is created at *i* x this"),

      time("firmware.trap_time", "500ns",
           "firmware bookkeeping per trap or system call, on top of its memory traffic"),
      integer("firmware.user_frames", 4096, 0, kAny, "frames",
              "most frames holding user pages (0 = all of DRAM; at least 2 when processes fork "
              "copy-on-write); page-table frames do not count"),
      choice("firmware.replacement", "clock", {"fifo", "clock", "nru", "random", "lru", "opt"},
             "`clock` is second chance on the A bit, `nru` an enhanced clock on A and D, "
             "`random` seeded by `sim.seed`; `lru` and `opt` are **simulator oracles** (see "
             "below)"),
      choice("firmware.fault_injection", "none",
             {"none", "lose_dirty_pages", "skip_flush", "cow_no_copy", "corrupt_pte",
              "napot_own_ad"},
             "firmware bugs put in on purpose, to see the integrity checker catch them "
             "(`cow_no_copy`: a store to a copy-on-write page writes the shared page; "
             "`corrupt_pte`: every 64th PTE mapped has one random bit flipped; "
             "`napot_own_ad`: a NAPOT page's D is read from its own PTE, which a store through "
             "the range's one TLB entry may not have set)"),
      integer("firmware.swap_retries", 3, 0, 16, "retries",
              "swap commands that fail (error status, timeout, bad checksum) are tried this "
              "many more times before the process whose page it is gets killed"),
      time("firmware.swap_timeout", "50ms",
           "how long the swap driver waits for a command's interrupt before it aborts it"),
      flag("firmware.swap_verify", false,
           "check each page read from swap against the device's checksum of the block (512 "
           "loads per page); without it a corrupt read reaches the process"),
      choice("firmware.huge_pages", "never", {"never", "always", "madvise"},
             "huge pages for private writable regions (not stacks): `always`, only those "
             "marked (`madvise`: `workload.madvise_huge`, a scenario's `mmap ... huge`), or "
             "`never`; 2 MiB superpages from aligned runs of free frames, else 4 KiB pages"),
      flag("firmware.huge_pages_1g", false,
           "also 1 GiB superpages, where a region holds an aligned GiB (Sv39/Sv48 level 2)"),
      flag("firmware.huge_pages_collapse", false,
           "promote, as khugepaged does: a fault that leaves every page of an aligned 2 MiB "
           "block mapped, private and exclusive copies the 512 pages into one huge page"),
      flag("firmware.napot", false,
           "Svnapot pages (needs `mmu.svnapot`): a demand-zero fault in a private writable "
           "region maps its aligned 64 KiB range as 16 alike NAPOT PTEs over 16 contiguous "
           "frames (one TLB entry), unfolded into 4 KiB PTEs before any one of them changes"),
      choice("firmware.fork", "cow", {"cow", "copy"},
             "`cow` (share private pages write-protected, copy on the first store) or `copy` "
             "(copy them all at fork time)"),

      choice("workload.type", "program",
             {"sequential", "strided", "random", "zipf", "program", "lackey", "pages", "scenario"},
             "what each process runs (see *Scenarios* and the trace formats below)"),
      integer("workload.processes", 4, 1, 4096, "processes",
              "processes, each in its own address space, running the same workload"),
      integer("workload.accesses", 500000, 1, kAny, "accesses",
              "per process (synthetic types; a trace runs to its end)"),
      size("workload.footprint", "8MiB",
           "bytes of heap each process touches (from VA `0x1000_0000`; for `program` the most "
           "its heap grows to); in bare mode each process gets its own window of DRAM"),
      flag("workload.madvise_huge", false,
           "mark the workload's data (the heap, a trace's address space) for huge pages, "
           "as madvise(MADV_HUGEPAGE) does: what `firmware.huge_pages=madvise` maps huge"),
      size("workload.stride", 64, "bytes between accesses (`strided`)"),
      fraction("workload.mix.read", 0.6, "share of loads; read + write + fetch = 1"),
      fraction("workload.mix.write", 0.3, "share of stores"),
      fraction("workload.mix.fetch", 0.1, "share of instruction fetches"),
      positive("workload.zipf_alpha", 0.99, "P(page of rank k) ~ 1/k^alpha"),
      integer("workload.seed", 1, 0, kAny, "",
              "each process's stream is seeded from this and its pid"),
      text("workload.path", "", "file",
           "trace file for `lackey` and `pages`; the script for `scenario`"),
      integer("workload.forks", 1, 0, 16, "forks",
              "`program`: children each process forks, evenly spread over its run; a child runs "
              "on for half of what its parent has left"),
      size("workload.library_size", "256KiB",
           "`program`: a library of this size in the file store, mapped into every process at "
           "`0x30_0000_0000` (0 = none)"),
      size("workload.shm_size", "64KiB",
           "`program`: a segment of this size shared by processes 2k and 2k+1 at "
           "`0x28_0000_0000` (0 = none)"),

      flag("check.enabled", true,
           "compare every load with the shadow copy of the process's stores"),
  };
  keys.insert(keys.end(), after_caches.begin(), after_caches.end());
  return keys;
}

std::string shown_default(const ConfigKey& key) { return key.default_value.dump(); }

std::string shown_unit(const ConfigKey& key) {
  if (key.type == KeyType::Choice) {
    std::string list;
    for (const auto& c : key.choices) list += (list.empty() ? "" : " | ") + c;
    return list;
  }
  if (key.type == KeyType::Flag) return "true | false";
  if (key.type == KeyType::Integer) {
    if (key.max == kAny && key.min == 0) return key.unit;
    std::string range = std::to_string(key.min) + ".." +
                        (key.max == kAny ? std::string("") : std::to_string(key.max));
    return key.unit.empty() ? range : range + " " + key.unit;
  }
  return key.unit;
}

// Markdown to plain text: no backticks or emphasis; a link "[text](target)" as its text.
std::string plain(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`' || c == '*' || c == '[') continue;
    if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
      i = text.find(')', i);
      if (i == std::string::npos) break;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = declare();
  return keys;
}

const ConfigKey* find_config_key(const std::string& path) {
  static const std::map<std::string, const ConfigKey*> by_path = [] {
    std::map<std::string, const ConfigKey*> m;
    for (const auto& k : config_keys()) m[k.path] = &k;
    return m;
  }();
  const auto it = by_path.find(path);
  return it == by_path.end() ? nullptr : it->second;
}

const ConfigKey& config_key(const std::string& path) {
  const ConfigKey* key = find_config_key(path);
  if (key == nullptr) throw std::logic_error("config key not declared: " + path);
  return *key;
}

std::optional<std::string> nearest_config_key(const std::string& path) {
  std::vector<std::string> paths;
  for (const ConfigKey& key : config_keys()) paths.push_back(key.path);
  return nearest(path, paths);
}

nlohmann::ordered_json default_config() {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& key : config_keys()) {
    nlohmann::ordered_json* at = &doc;
    std::istringstream parts(key.path);
    std::vector<std::string> names;
    for (std::string part; std::getline(parts, part, '.');) names.push_back(part);
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
      if (!at->contains(names[i])) (*at)[names[i]] = nlohmann::ordered_json::object();
      at = &(*at)[names[i]];
    }
    (*at)[names.back()] = key.default_value;
  }
  return doc;
}

std::string config_table_markdown() {
  std::string out = "| key | default | values | meaning |\n| --- | --- | --- | --- |\n";
  // A `|` inside a cell would end it: the choices' separators are escaped.
  const auto cell = [](std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
      text.insert(at, "\\");
    }
    return text;
  };
  for (const auto& key : config_keys()) {
    out += "| `" + key.path + "` | `" + shown_default(key) + "` | " + cell(shown_unit(key)) +
           " | " + key.doc + " |\n";
  }
  return out;
}

bool key_in(const ConfigKey& key, const std::string& key_or_group) {
  return key.path == key_or_group || key.path.rfind(key_or_group + ".", 0) == 0;
}

std::string config_table_text(const std::vector<std::string>& only) {
  std::vector<const ConfigKey*> shown;
  for (const auto& key : config_keys()) {
    bool wanted = only.empty();
    for (const auto& o : only) wanted = wanted || key_in(key, o);
    if (wanted) shown.push_back(&key);
  }
  std::size_t path_width = 0, default_width = 0;
  for (const ConfigKey* k : shown) {
    const ConfigKey& key = *k;
    path_width = std::max(path_width, key.path.size());
    default_width = std::max(default_width, shown_default(key).size());
  }
  std::string out;
  for (const ConfigKey* k : shown) {
    const ConfigKey& key = *k;
    std::string line = key.path;
    line.resize(path_width + 2, ' ');
    line += shown_default(key);
    line.resize(path_width + 2 + default_width + 2, ' ');
    const std::string unit = shown_unit(key);
    out += line + (unit.empty() ? "" : "[" + plain(unit) + "] ") + plain(key.doc) + "\n";
  }
  return out;
}

}  // namespace mmusim
