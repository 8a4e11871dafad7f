#include "config.h"

#include <algorithm>

#include <cmath>
#include <fstream>
#include <sstream>

#include "bits.h"
#include "config_keys.h"
#include "did_you_mean.h"
#include "input_error.h"
#include "input_file.h"
#include "json_locator.h"
#include "tlb_cfg.h"
#include "units.h"

namespace mmusim {

namespace {

using nlohmann::json;

std::size_t line_of_byte(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Deeper than any config needs, shallow enough that nothing downstream pays for it.
constexpr unsigned kMaxDepth = 32;

json parse_json_text(const std::string& text, const std::string& origin) {
  // nlohmann's parser stops at a NUL and ignores the rest: refuse the text instead.
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    throw InputError(origin, line_of_byte(text, nul), "a NUL byte: not a JSON text");
  }
  if (const std::size_t line = line_nested_deeper_than(text, kMaxDepth)) {
    throw InputError(origin, line, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's text starts "[json.exception.parse_error.101] parse error at line L, column C:
    // ..."
    const std::size_t colon = what.find(": ", what.find("column"));
    throw InputError(
        origin, line_of_byte(text, e.byte == 0 ? 0 : e.byte - 1),
        "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::out_of_range& e) {
    // A number too large for a double ("222E22222"): found by fuzz/fuzz_config.cpp, it
    // ended the run with exit 1. nlohmann gives no position for it: name the number.
    std::string what = e.what();
    const std::size_t quote = what.find('\'');
    const std::string number = quote == std::string::npos ? "" : what.substr(quote);
    throw InputError(origin, "invalid JSON: a number too large to represent " + number);
  }
}

// Each key's line, once parse_json_text has accepted the text; a key given twice in one
// object is refused (JSON parsers keep one of them silently).
std::map<std::string, std::size_t> key_lines(const std::string& text, const std::string& origin) {
  KeyLines keys = locate_keys(text);
  if (!keys.duplicate.empty()) {
    throw InputError(origin, keys.duplicate_line,
                     "duplicate key '" + keys.duplicate + "' (also on line " +
                         std::to_string(keys.first_line) + ")");
  }
  return std::move(keys.lines);
}

const char* type_word(const json& v) {
  return v.is_object() ? "an object" : v.is_array() ? "an array" : "a value";
}

}  // namespace

// ---------------------------------------------------------------------------------------
// ConfigDocument

ConfigDocument::ConfigDocument() : json_(json::parse(default_config().dump())) {
  for (const ConfigKey& key : config_keys()) origins_[key.path] = kDefaultOrigin;
}

void ConfigDocument::overlay_file(const std::string& path) {
  const std::string text = read_input_file(path, "config file");
  const json user = parse_json_text(text, path);
  if (!user.is_object()) throw InputError(path, 1, "the config must be a JSON object");
  const auto lines = key_lines(text, path);
  overlay(json_, user, "", lines, path);
}

void ConfigDocument::overlay_assignment(const std::string& assignment, const std::string& origin) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(origin, "expected key.path=value, got '" + assignment + "'");
  }
  // A config is JSON, which is UTF-8: anything else could not be shown in an error or
  // written back to the stats' config (found by fuzz/fuzz_config.cpp).
  try {
    (void)json(assignment).dump();
  } catch (const json::type_error&) {
    const std::string shown = json(assignment).dump(-1, ' ', false, json::error_handler_t::replace);
    throw InputError(origin, "not valid UTF-8: " + shown);
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  if (line_nested_deeper_than(text, kMaxDepth) != 0) {
    throw InputError(
        origin, key + ": the value is nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;  // a bare word: a string
  // Build {"a":{"b":{"c":value}}} and overlay it like a file.
  json nested = value;
  std::istringstream parts(key);
  std::vector<std::string> names;
  for (std::string part; std::getline(parts, part, '.');) {
    if (part.empty()) throw InputError(origin, "empty name in key '" + key + "'");
    names.push_back(part);
  }
  if (key.back() == '.') throw InputError(origin, "empty name in key '" + key + "'");
  for (auto it = names.rbegin(); it != names.rend(); ++it) nested = json{{*it, nested}};
  overlay(json_, nested, "", {}, origin);
}

void ConfigDocument::overlay(json& into, const json& from, const std::string& path,
                             const std::map<std::string, std::size_t>& lines,
                             const std::string& origin) {
  for (const auto& [key, value] : from.items()) {
    const std::string full = path.empty() ? key : path + "." + key;
    const auto line = lines.find(full);
    const std::string here =
        line == lines.end() ? origin : origin + ":" + std::to_string(line->second);
    if (!into.contains(key)) {
      std::vector<std::string> siblings;
      for (const auto& [name, unused] : into.items()) siblings.push_back(name);
      const auto hint = nearest(key, siblings);
      throw InputError(
          here, "unknown key '" + full + "'" +
                    (hint ? " (did you mean '" + (path.empty() ? *hint : path + "." + *hint) + "'?)"
                          : ""));
    }
    json& target = into[key];
    if (target.is_object() != value.is_object()) {
      throw InputError(here, "'" + full + "' must be " + type_word(target));
    }
    if (target.is_object()) {
      overlay(target, value, full, lines, origin);
    } else {
      target = value;
      origins_[full] = here;
    }
  }
}

// "a.b.c" -> "/a/b/c"
std::string ConfigDocument::pointer(const std::string& path) {
  std::string p = "/" + path;
  for (char& c : p) c = c == '.' ? '/' : c;
  return p;
}

nlohmann::ordered_json ConfigDocument::in_declared_order() const {
  nlohmann::ordered_json out = default_config();
  for (const ConfigKey& key : config_keys()) {
    out[nlohmann::ordered_json::json_pointer(pointer(key.path))] = at(key.path);
  }
  return out;
}

const json& ConfigDocument::at(const std::string& path) const {
  return json_.at(json::json_pointer(pointer(path)));
}

std::string ConfigDocument::where(const std::string& path) const {
  const auto it = origins_.find(path);
  return it == origins_.end() ? "config" : it->second;
}

// ---------------------------------------------------------------------------------------
// Units

namespace {

// "13.33ns" -> 13.33 and "ns"; false if the text does not start with a finite number
// >= 0 or the unit is not in `units`.
template <typename Unit>
bool split_quantity(const json& value, const std::map<std::string, Unit>& units, double& number,
                    Unit& unit) {
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  std::size_t used = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  const auto it = units.find(text.substr(used));
  if (it == units.end() || !(number >= 0) || !std::isfinite(number)) return false;
  unit = it->second;
  return true;
}

}  // namespace

bool parse_size(const json& value, std::uint64_t& bytes) {
  if (value.is_number_integer()) {
    if (!value.is_number_unsigned() && value.get<std::int64_t>() < 0) return false;
    bytes = value.get<std::uint64_t>();
    return true;
  }
  return value.is_string() && parse_byte_size(value.get<std::string>(), bytes);
}

bool parse_time(const json& value, sc_core::sc_time& time) {
  if (value.is_number() && value.get<double>() == 0) {
    time = sc_core::SC_ZERO_TIME;
    return true;
  }
  static const std::map<std::string, sc_core::sc_time_unit> kUnits = {{"ps", sc_core::SC_PS},
                                                                      {"ns", sc_core::SC_NS},
                                                                      {"us", sc_core::SC_US},
                                                                      {"ms", sc_core::SC_MS},
                                                                      {"s", sc_core::SC_SEC}};
  double number = 0;
  sc_core::sc_time_unit unit = sc_core::SC_NS;
  if (!split_quantity(value, kUnits, number, unit)) return false;
  time = sc_core::sc_time(number, unit);
  return true;
}

// ---------------------------------------------------------------------------------------
// Typed, validated reads

namespace {

class Reader {
 public:
  explicit Reader(const ConfigDocument& doc) : doc_(doc) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(doc_.where(path), path + ": " + what);
  }
  // A rule across keys: blames the first of them a user set (where its value came
  // from) and names every key with its origin.
  [[noreturn]] void fail_across(const std::vector<std::string>& paths,
                                const std::string& what) const {
    std::string blamed = paths.front();
    for (const auto& p : paths) {
      if (user_set(p)) {
        blamed = p;
        break;
      }
    }
    std::string origins;
    for (const auto& p : paths)
      origins += (origins.empty() ? "" : ", ") + p + " from " + doc_.where(p);
    throw InputError(doc_.where(blamed), blamed + ": " + what + " (" + origins + ")");
  }
  bool user_set(const std::string& path) const {
    return doc_.where(path) != ConfigDocument::kDefaultOrigin;
  }
  // Given a value other than the default's: a config that repeats the defaults (a copy
  // of `mmusim config --json`, the `config` of a --stats file) changes nothing.
  bool changed_from_default(const std::string& path) const {
    return user_set(path) && doc_.at(path) != json(config_key(path).default_value);
  }
  // Each read checks what the key's declaration (config_keys.cpp) says it accepts.
  std::uint64_t integer(const std::string& path) const {
    const ConfigKey& key = declared(path, KeyType::Integer);
    const std::uint64_t min = key.min, max = key.max;
    const json& v = doc_.at(path);
    const bool non_negative =
        v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
    if (!non_negative || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max) {
      fail(path, "must be an integer in " + std::to_string(min) + ".." + std::to_string(max) +
                     ", got " + v.dump());
    }
    return v.get<std::uint64_t>();
  }
  // Sizes and times stop well short of where the arithmetic on them (page counts,
  // address windows, 64-bit picoseconds) could wrap.
  static constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 50;  // 1 PiB
  static constexpr double kMaxSeconds = 1000;
  std::uint64_t size(const std::string& path) const {
    declared(path, KeyType::Size);
    std::uint64_t bytes = 0;
    if (!parse_size(doc_.at(path), bytes)) {
      fail(path, "must be a size in bytes such as 4096 or \"64MiB\", got " + doc_.at(path).dump());
    }
    if (bytes > kMaxBytes) fail(path, "is more than the simulator can represent (at most 1PiB)");
    return bytes;
  }
  sc_core::sc_time time(const std::string& path) const {
    declared(path, KeyType::Time);
    sc_core::sc_time t;
    if (!parse_time(doc_.at(path), t)) {
      fail(path, "must be a time such as \"13.33ns\" or \"1us\", got " + doc_.at(path).dump());
    }
    if (!(t.to_seconds() <= kMaxSeconds)) {
      fail(path, "is more than the simulator can represent (at most 1000s)");
    }
    return t;
  }
  double fraction(const std::string& path) const {
    declared(path, KeyType::Fraction);
    const json& v = doc_.at(path);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
      fail(path, "must be a number in 0..1, got " + v.dump());
    }
    return v.get<double>();
  }
  double positive(const std::string& path) const {
    declared(path, KeyType::Positive);
    const json& v = doc_.at(path);
    if (!v.is_number() || !(v.get<double>() > 0))
      fail(path, "must be a number > 0, got " + v.dump());
    return v.get<double>();
  }
  bool flag(const std::string& path) const {
    declared(path, KeyType::Flag);
    const json& v = doc_.at(path);
    if (!v.is_boolean()) fail(path, "must be true or false, got " + v.dump());
    return v.get<bool>();
  }
  std::string text(const std::string& path) const {
    declared(path, KeyType::Text);
    return string(path);
  }
  std::string choice(const std::string& path) const {
    const ConfigKey& key = declared(path, KeyType::Choice);
    const std::string v = string(path);
    if (std::find(key.choices.begin(), key.choices.end(), v) != key.choices.end()) return v;
    std::string list;
    for (const auto& o : key.choices) list += (list.empty() ? "" : ", ") + o;
    fail(path, "must be one of " + list + ", got \"" + v + "\"");
  }

 private:
  static const ConfigKey& declared(const std::string& path, KeyType type) {
    const ConfigKey& key = config_key(path);
    if (key.type != type) throw std::logic_error(path + " is not read as it is declared");
    return key;
  }
  std::string string(const std::string& path) const {
    const json& v = doc_.at(path);
    if (!v.is_string()) fail(path, "must be a string, got " + v.dump());
    return v.get<std::string>();
  }

  const ConfigDocument& doc_;
};

TlbGeometry read_tlb(const Reader& r, const std::string& path) {
  TlbGeometry g;
  g.entries = static_cast<unsigned>(r.integer(path + ".entries"));
  g.ways = static_cast<unsigned>(r.integer(path + ".ways"));
  const std::string policy = r.choice(path + ".replacement");
  parse_replacement(policy, g.replacement);
  if (g.entries == 0) return g;
  if (g.entries % g.ways != 0 || !is_power_of_two(g.entries / g.ways)) {
    r.fail_across({path + ".entries", path + ".ways"},
                  "entries / ways must be a power of two (entries " + std::to_string(g.entries) +
                      ", ways " + std::to_string(g.ways) +
                      (g.entries < g.ways ? ": fewer entries than ways)" : ")"));
  }
  if (g.replacement == ReplacementKind::Plru && !is_power_of_two(g.ways)) {
    r.fail_across({path + ".replacement", path + ".ways"},
                  "plru needs a power-of-two number of ways, got " + std::to_string(g.ways));
  }
  return g;
}

// What the verilated RTL was built to hold (rtl/tlb_cfg.h) and can do.
void check_rtl_limits(const Reader& r, const MmuConfig& mmu) {
  struct Level {
    const char* path;
    const TlbGeometry* geometry;
    unsigned max_entries;
  };
  const Level tlbs[] = {{"mmu.tlb.l1", &mmu.l1, rtl::kL1MaxEntries},
                        {"mmu.tlb.l2", &mmu.l2, rtl::kL2MaxEntries}};
  for (const auto& [path, g, max_entries] : tlbs) {
    if (g->entries == 0) continue;
    const std::string key = path;
    if (g->replacement == ReplacementKind::Random) {
      r.fail(key + ".replacement", "the RTL TLB has lru, plru and fifo, not random");
    }
    if (g->entries > max_entries) {
      r.fail(key + ".entries", "the RTL TLB holds at most " + std::to_string(max_entries));
    }
    if (g->ways > rtl::kTlbMaxWays) {
      r.fail(key + ".ways",
             "the RTL TLB has at most " + std::to_string(rtl::kTlbMaxWays) + " ways");
    }
  }
  if (mmu.walk_cache_entries > rtl::kMaxWalkCacheEntries) {
    r.fail("mmu.walk_cache.entries",
           "the RTL walk cache holds at most " + std::to_string(rtl::kMaxWalkCacheEntries));
  }
}

void read_caches(const Reader& r, PlatformConfig& c) {
  // The cache's storage is allocated in host memory up front.
  constexpr std::uint64_t kMaxCacheBytes = std::uint64_t{1} << 30;
  for (unsigned i = 0; i < kCacheLevelNames.size(); ++i) {
    const std::string at = std::string("cache.") + kCacheLevelNames[i];
    CacheConfig& level = c.caches.levels[i];
    level.size = r.size(at + ".size");
    level.ways = static_cast<unsigned>(r.integer(at + ".ways"));
    const std::uint64_t line = r.size(at + ".line");
    if (!is_power_of_two(line) || line < 8 || line > 4096) {
      r.fail(at + ".line",
             "must be a power of two from 8 to 4096 bytes, got " + std::to_string(line));
    }
    level.line = static_cast<unsigned>(line);
    level.hit_latency = r.time(at + ".latency");
    parse_replacement(r.choice(at + ".replacement"), level.replacement);
    level.seed = c.seed + i;
    if (level.size == 0) continue;
    if (level.size > kMaxCacheBytes) r.fail(at + ".size", "must be at most 1GiB");
    const std::uint64_t way_bytes = std::uint64_t{level.ways} * level.line;
    if (level.size % way_bytes != 0 || !is_power_of_two(level.size / way_bytes)) {
      r.fail_across({at + ".size", at + ".ways", at + ".line"},
                    "size / (ways x line) must be a power of two (size " +
                        std::to_string(level.size) + ", ways " + std::to_string(level.ways) +
                        ", line " + std::to_string(level.line) + ")");
    }
    if (level.replacement == ReplacementKind::Plru && !is_power_of_two(level.ways)) {
      r.fail_across({at + ".replacement", at + ".ways"},
                    "plru needs a power-of-two number of ways, got " + std::to_string(level.ways));
    }
  }
  const std::string walker_path = r.choice("mmu.walker_path");
  c.caches.walker_entry = walker_path == "l1d"   ? CacheLevel::L1d
                          : walker_path == "l2"  ? CacheLevel::L2
                          : walker_path == "llc" ? CacheLevel::Llc
                                                 : CacheLevel::Memory;
  c.caches.snoop_dma = r.choice("cache.fault_injection") != "skip_dma_snoop";
}

}  // namespace

PlatformConfig make_platform_config(const ConfigDocument& doc) {
  const Reader r(doc);
  PlatformConfig c;
  c.document = doc.merged();
  c.seed = r.integer("sim.seed");

  // mmu
  const std::string impl = r.choice("mmu.impl");
  c.mmu.impl = impl == "rtl"        ? MmuImpl::Rtl
               : impl == "lockstep" ? MmuImpl::Lockstep
                                    : MmuImpl::Model;
  c.mmu.inject_ad_divergence = r.choice("mmu.lockstep_injection") == "ad_policy";
  if (c.mmu.inject_ad_divergence && c.mmu.impl != MmuImpl::Lockstep) {
    r.fail_across({"mmu.lockstep_injection", "mmu.impl"}, "only applies to mmu.impl=lockstep");
  }
  const std::string mode = r.choice("mmu.mode");
  c.mode = mode == "bare"   ? sv::Mode::Bare
           : mode == "sv48" ? sv::Mode::Sv48
           : mode == "sv57" ? sv::Mode::Sv57
                            : sv::Mode::Sv39;
  c.mmu.ad_update = r.choice("mmu.ad_update") == "hw" ? AdUpdate::Hardware : AdUpdate::Fault;
  c.mmu.asid_bits = static_cast<unsigned>(r.integer("mmu.asid_bits"));
  c.mmu.extensions.svnapot = r.flag("mmu.svnapot");
  c.mmu.extensions.svpbmt = r.flag("mmu.svpbmt");
  c.mmu.l1 = read_tlb(r, "mmu.tlb.l1");
  c.mmu.l1.seed = c.seed;
  c.mmu.split_l1 = r.flag("mmu.tlb.l1.split");
  c.mmu.l1_latency = r.time("mmu.tlb.l1.latency");
  c.mmu.l2 = read_tlb(r, "mmu.tlb.l2");
  c.mmu.l2.seed = c.seed;
  c.mmu.l2_latency = r.time("mmu.tlb.l2.latency");
  c.mmu.walk_cache_entries = static_cast<unsigned>(r.integer("mmu.walk_cache.entries"));
  c.mmu.walk_cache_latency = r.time("mmu.walk_cache.latency");
  if (c.mmu.impl != MmuImpl::Model) check_rtl_limits(r, c.mmu);

  // dram, bus
  c.dram.size = r.size("dram.size");
  if (c.dram.size < (std::uint64_t{1} << 20) || c.dram.size % sv::kPageSize != 0 ||
      c.dram.size > (std::uint64_t{1} << 40)) {
    r.fail("dram.size", "must be a multiple of 4KiB from 1MiB to 1TiB");
  }
  c.dram.banks = static_cast<unsigned>(r.integer("dram.banks"));
  c.dram.row_size = r.size("dram.row_size");
  if (c.dram.row_size < 64) r.fail("dram.row_size", "must be at least 64 bytes");
  c.dram.timing.t_cl = r.time("dram.timing.t_cl");
  c.dram.timing.t_rcd = r.time("dram.timing.t_rcd");
  c.dram.timing.t_rp = r.time("dram.timing.t_rp");
  c.dram.timing.t_burst = r.time("dram.timing.t_burst");
  c.bus_latency = r.time("bus.latency");
  read_caches(r, c);

  // swap
  c.swap.size = r.size("swap.size");
  if (c.swap.size % swap_regs::kBytesPerBlock != 0)
    r.fail("swap.size", "must be a multiple of 4KiB");
  const std::string preset = r.choice("swap.preset");
  if (preset == "custom") {
    c.swap.timing.command_time = r.time("swap.command_time");
    c.swap.timing.byte_time = r.time("swap.byte_time");
  } else {
    for (const char* key : {"swap.command_time", "swap.byte_time"}) {
      if (r.changed_from_default(key)) r.fail(key, "is only used with swap.preset=custom");
    }
    c.swap.timing = preset == "ssd" ? SwapTiming::ssd() : SwapTiming::disk();
  }
  c.swap.faults.rate = r.fraction("swap.fault_rate");
  c.swap.faults.seed = c.seed;
  std::istringstream kinds(r.text("swap.fault_kinds"));
  for (std::string kind; std::getline(kinds, kind, ',');) {
    bool* enabled = kind == "error"     ? &c.swap.faults.error
                    : kind == "timeout" ? &c.swap.faults.timeout
                    : kind == "corrupt" ? &c.swap.faults.corrupt
                                        : nullptr;
    if (enabled == nullptr) {
      r.fail(
          "swap.fault_kinds",
          "'" + kind + "' is not a fault kind: a comma-separated list of error, timeout, corrupt");
    }
    *enabled = true;
  }

  // cpu
  c.cpu.access_time = r.time("cpu.access_time");
  c.cpu.timeslice = r.time("cpu.timeslice");
  if (c.cpu.timeslice == sc_core::SC_ZERO_TIME) r.fail("cpu.timeslice", "must be more than 0");
  c.cpu.max_accesses = r.integer("sim.max_accesses");
  c.cpu.max_time = r.time("sim.max_time");
  c.measurement.warmup_accesses = r.integer("sim.warmup_accesses");
  c.measurement.interval_accesses = r.integer("sim.stats_interval");
  c.measurement.interval_time = r.time("sim.stats_interval_time");
  c.cpu.quantum = r.time("sim.quantum");
  if (c.cpu.quantum == sc_core::SC_ZERO_TIME) r.fail("sim.quantum", "must be more than 0");
  c.cpu.spawn_interval = r.time("cpu.spawn_interval");
  c.cpu.check_reads = r.flag("check.enabled");

  // firmware
  const std::uint64_t dram_frames = c.dram.size / sv::kPageSize;
  c.kernel.mode = c.mode;
  c.kernel.dram_base = kDramBase;
  c.kernel.dram_size = c.dram.size;
  c.kernel.mmu_base = kMmuRegsBase;
  c.kernel.swap_base = kSwapRegsBase;
  c.kernel.seed = c.seed;
  fw::parse_page_replacement(r.choice("firmware.replacement"), c.kernel.replacement);
  const std::string injection = r.choice("firmware.fault_injection");
  c.kernel.fault_injection = injection == "lose_dirty_pages" ? fw::FaultInjection::LoseDirtyPages
                             : injection == "skip_flush"     ? fw::FaultInjection::SkipFlush
                             : injection == "cow_no_copy"    ? fw::FaultInjection::CowNoCopy
                             : injection == "corrupt_pte"    ? fw::FaultInjection::CorruptPte
                             : injection == "napot_own_ad"   ? fw::FaultInjection::NapotOwnAd
                                                             : fw::FaultInjection::None;
  c.kernel.swap_io.retries = static_cast<unsigned>(r.integer("firmware.swap_retries"));
  c.kernel.swap_io.timeout_ps = r.time("firmware.swap_timeout").value();
  if (c.kernel.swap_io.timeout_ps == 0) r.fail("firmware.swap_timeout", "must be more than 0");
  c.kernel.swap_io.verify_reads = r.flag("firmware.swap_verify");
  c.kernel.fork = r.choice("firmware.fork") == "cow" ? fw::ForkMode::Cow : fw::ForkMode::Copy;
  const std::string huge = r.choice("firmware.huge_pages");
  c.kernel.huge_pages = huge == "always"    ? fw::HugePages::Always
                        : huge == "madvise" ? fw::HugePages::Madvise
                                            : fw::HugePages::Never;
  c.kernel.huge_pages_1g = r.flag("firmware.huge_pages_1g");
  c.kernel.huge_collapse = r.flag("firmware.huge_pages_collapse");
  c.kernel.napot = r.flag("firmware.napot");
  if (c.kernel.napot && !c.mmu.extensions.svnapot) {
    r.fail_across({"firmware.napot", "mmu.svnapot"}, "NAPOT pages need an mmu with Svnapot");
  }
  c.kernel.user_frames = r.integer("firmware.user_frames");
  if (c.kernel.user_frames > dram_frames) {
    r.fail_across({"firmware.user_frames", "dram.size"}, std::to_string(c.kernel.user_frames) +
                                                             " frames is more than DRAM holds (" +
                                                             std::to_string(dram_frames) + ")");
  }
  c.kernel.trap_cost_ps =
      static_cast<std::uint64_t>(r.time("firmware.trap_time").to_seconds() * 1e12 + 0.5);

  // workload
  WorkloadConfig& w = c.workload;
  parse_workload_type(r.choice("workload.type"), w.type);
  w.processes = static_cast<unsigned>(r.integer("workload.processes"));
  w.accesses = r.integer("workload.accesses");
  // Simulated time is 64-bit picoseconds (2^63 ps is about 10^7 s): keep a run far from it.
  if (static_cast<double>(w.accesses) * w.processes * c.cpu.access_time.to_seconds() > 1e6) {
    r.fail_across({"workload.accesses", "workload.processes", "cpu.access_time"},
                  "the run would take more simulated time than the simulator can count "
                  "(accesses x processes x access time over 10^6 s)");
  }
  w.footprint = r.size("workload.footprint");
  if (w.footprint < 8 || w.footprint % 8 != 0) {
    r.fail("workload.footprint", "must be a multiple of 8 bytes, at least 8");
  }
  w.stride = r.size("workload.stride");
  if (w.stride == 0 || w.stride % 8 != 0)
    r.fail("workload.stride", "must be a multiple of 8 bytes");
  w.read_fraction = r.fraction("workload.mix.read");
  w.write_fraction = r.fraction("workload.mix.write");
  w.fetch_fraction = r.fraction("workload.mix.fetch");
  if (std::abs(w.read_fraction + w.write_fraction + w.fetch_fraction - 1.0) > 1e-9) {
    r.fail_across({"workload.mix.read", "workload.mix.write", "workload.mix.fetch"},
                  "read + write + fetch must add up to 1");
  }
  w.zipf_alpha = r.positive("workload.zipf_alpha");
  w.seed = r.integer("workload.seed");
  w.path = r.text("workload.path");
  w.forks = static_cast<unsigned>(r.integer("workload.forks"));
  w.library_size = r.size("workload.library_size");
  w.shm_size = r.size("workload.shm_size");
  w.madvise_huge = r.flag("workload.madvise_huge");
  for (const char* key : {"workload.library_size", "workload.shm_size"}) {
    if (r.size(key) % sv::kPageSize != 0 || r.size(key) > (std::uint64_t{1} << 30)) {
      r.fail(key, "must be a multiple of 4KiB, at most 1GiB");
    }
  }
  if (c.kernel.replacement == fw::PageReplacementKind::Opt && !is_trace(w.type)) {
    r.fail_across({"firmware.replacement", "workload.type"},
                  "opt needs the future: only trace workloads (lackey, pages) "
                  "have one");
  }
  const bool scenario = w.type == WorkloadType::Scenario;
  if (is_trace(w.type) || w.type == WorkloadType::Program || scenario) {
    if ((is_trace(w.type) || scenario) && w.path.empty()) {
      r.fail_across(
          {"workload.path", "workload.type"},
          std::string("a ") + (scenario ? "scenario" : "trace workload") + " needs a file");
    }
    if (c.mode == sv::Mode::Bare) {
      r.fail_across({"workload.type", "mmu.mode"},
                    std::string(to_string(w.type)) +
                        " needs paging (mmu.mode sv39, sv48 or sv57): its addresses are "
                        "virtual");
    }
  } else if (c.mode == sv::Mode::Bare) {
    const std::uint64_t window = sv::page_round_up(w.footprint);
    if (window > c.dram.size / w.processes) {
      r.fail_across({"workload.footprint", "workload.processes", "dram.size"},
                    "processes x footprint exceeds dram.size (in bare mode each "
                    "process gets its own window of DRAM)");
    }
  } else if (fw::Layout::kHeapBase + w.footprint > fw::Layout::kMmapTop) {
    r.fail("workload.footprint", "must stay below the mmap area at 0x2000000000");
  }

  // The file store sits on the swap device after the swap area: the device grows by it.
  if (w.type == WorkloadType::Program && w.library_size != 0) {
    c.kernel.libraries.push_back({"libc", w.library_size, c.swap.size / swap_regs::kBytesPerBlock});
  }
  if (scenario) {
    c.scenario = std::make_shared<const Scenario>(read_scenario(w.path));
    std::uint64_t block = c.swap.size / swap_regs::kBytesPerBlock;
    for (const auto& [name, size] : c.scenario->libraries) {
      c.kernel.libraries.push_back({name, size, block});
      block += size / swap_regs::kBytesPerBlock;
    }
  }
  // A copy-on-write fault copies the page into a second frame while the first still
  // holds it: with one frame for user pages, making room for the copy evicts the page
  // itself, and the fault comes back until the access gives up (exit 1, "still traps").
  if (c.kernel.fork == fw::ForkMode::Cow && c.kernel.user_frames == 1) {
    const std::string what = "copy-on-write copies a page into a second frame: at least 2, or "
                             "firmware.fork=copy";
    if (c.scenario) {
      const auto& actions = c.scenario->actions;
      const auto fork = std::find_if(actions.begin(), actions.end(), [](const ScenarioAction& a) {
        return a.op == ScenarioAction::Op::Fork;
      });
      if (fork != actions.end()) {
        r.fail_across({"firmware.user_frames", "firmware.fork"},
                      what + "; " + c.scenario->where(*fork) + " forks");
      }
    }
    if (w.type == WorkloadType::Program && w.forks > 0) {
      r.fail_across({"firmware.user_frames", "firmware.fork", "workload.forks"}, what);
    }
  }
  for (const fw::LibraryImage& lib : c.kernel.libraries) {
    c.kernel.file_store_blocks += lib.size / swap_regs::kBytesPerBlock;
  }
  const std::uint64_t swap_area = c.swap.size;
  c.swap.size += c.kernel.file_store_blocks * swap_regs::kBytesPerBlock;

  // Memory plus swap must hold what the synthetic processes touch, or the run is sure
  // to kill processes for lack of memory: refuse it up front.
  if (!is_trace(w.type) && !scenario && c.mode != sv::Mode::Bare) {
    const std::uint64_t per_process =
        w.footprint + (w.type == WorkloadType::Program
                           ? ProgramStream::kTextBytes + ProgramStream::kDataBytes +
                                 ProgramStream::kStackBytes + ProgramStream::kMmapBytes
                           : 0);
    const std::uint64_t user_bytes =
        (c.kernel.user_frames != 0 ? c.kernel.user_frames : dram_frames) * sv::kPageSize;
    // Segments are in swap too. (Forked children share their parents' pages until they
    // write them: what they add is not sure to be needed, so it is not counted.)
    const bool program = w.type == WorkloadType::Program;
    const std::uint64_t needed =
        per_process * w.processes + (program ? w.shm_size * (w.processes / 2) : 0);
    if (needed > user_bytes + swap_area) {
      r.fail_across({"swap.size", "workload.processes", "workload.footprint", "dram.size"},
                    "memory + swap too small: " + std::to_string(w.processes) +
                        " processes touch up to " + std::to_string(needed >> 10) +
                        " KiB, memory for user pages holds " + std::to_string(user_bytes >> 10) +
                        " KiB and swap " + std::to_string(swap_area >> 10) + " KiB");
    }
  }
  return c;
}

ConfigDocument load_config_document(const std::string& config_file,
                                    const std::vector<std::string>& sets) {
  std::vector<Assignment> with_origins;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    with_origins.push_back({sets[i], "--set:" + std::to_string(i + 1)});
  }
  return load_config_document(config_file, with_origins);
}

ConfigDocument load_config_document(const std::string& config_file,
                                    const std::vector<Assignment>& sets) {
  const auto build = [&](const Scenario* scenario) {
    ConfigDocument doc;
    if (!config_file.empty()) doc.overlay_file(config_file);
    if (scenario != nullptr) {
      for (const auto& [assignment, line] : scenario->sets) {
        doc.overlay_assignment(assignment, scenario->path + ":" + std::to_string(line));
      }
    }
    for (const Assignment& set : sets) doc.overlay_assignment(set.text, set.origin);
    return doc;
  };
  ConfigDocument doc = build(nullptr);
  const auto& type = doc.at("workload.type");
  const auto& path = doc.at("workload.path");
  if (type == "scenario" && path.is_string() && !path.get<std::string>().empty()) {
    const Scenario scenario = read_scenario(path.get<std::string>());
    if (!scenario.sets.empty()) doc = build(&scenario);
  }
  return doc;
}

}  // namespace mmusim
