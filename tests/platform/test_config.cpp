// The config: defaults, file and --set overrides, units, and errors that name the key
// and where it was set.

#include <fstream>
#include <gtest/gtest.h>

#include "config.h"
#include "config_keys.h"
#include "input_error.h"
#include "json_locator.h"
#include "temp_file.h"

namespace mmusim {
namespace {

using test::write_temp_file;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

PlatformConfig with_sets(const std::vector<std::string>& sets) {
  ConfigDocument doc;
  for (std::size_t i = 0; i < sets.size(); ++i) doc.overlay_assignment(sets[i], i + 1);
  return make_platform_config(doc);
}

TEST(Config, DefaultsAreValid) {
  const PlatformConfig c = make_platform_config(ConfigDocument{});
  EXPECT_EQ(c.mode, sv::Mode::Sv39);
  EXPECT_EQ(c.mmu.l1.entries, 64u);
  EXPECT_EQ(c.dram.size, std::uint64_t{256} << 20);
  EXPECT_EQ(c.dram.timing.t_cl, sc_core::sc_time(13.33, sc_core::SC_NS));
}

TEST(Config, SetOverridesNumbersStringsAndBooleans) {
  const PlatformConfig c = with_sets(
      {"mmu.tlb.l1.entries=16", "mmu.tlb.l1.ways=16", "mmu.tlb.l1.replacement=plru",
       "mmu.tlb.l1.split=true", "mmu.mode=sv48", "dram.size=\"1GiB\"", "mmu.ad_update=fault"});
  EXPECT_EQ(c.mmu.l1.entries, 16u);
  EXPECT_EQ(c.mmu.l1.ways, 16u);
  EXPECT_EQ(c.mmu.l1.replacement, ReplacementKind::Plru);
  EXPECT_TRUE(c.mmu.split_l1);
  EXPECT_EQ(c.mode, sv::Mode::Sv48);
  EXPECT_EQ(c.dram.size, std::uint64_t{1} << 30);
  EXPECT_EQ(c.mmu.ad_update, AdUpdate::Fault);
}

TEST(Config, FileOverridesAndSetWinsOverFile) {
  const auto path =
      write_temp_file("c1.json", R"({"workload": {"type": "random", "processes": 3}})");
  ConfigDocument doc;
  doc.overlay_file(path);
  doc.overlay_assignment("workload.processes=5", 1);
  const PlatformConfig c = make_platform_config(doc);
  EXPECT_EQ(c.workload.type, WorkloadType::Random);
  EXPECT_EQ(c.workload.processes, 5u);
}

TEST(Config, UnknownKeyInAFileNamesFileLineAndKey) {
  const auto path = write_temp_file(
      "c2.json", "{\n  \"mmu\": {\n    \"tlb\": {\n      \"l3\": {}\n    }\n  }\n}\n");
  ConfigDocument doc;
  const std::string e = error_of([&] { doc.overlay_file(path); });
  EXPECT_EQ(e, path + ":4: unknown key 'mmu.tlb.l3' (did you mean 'mmu.tlb.l1'?)");
}

TEST(Config, BadValueInAFileNamesItsLine) {
  const auto path = write_temp_file(
      "c3.json", "{\n\"mmu\": {\"tlb\": {\"l1\": {\n  \"replacement\": \"mru\"}}}}\n");
  const std::string e = error_of([&] {
    ConfigDocument doc;
    doc.overlay_file(path);
    make_platform_config(doc);
  });
  EXPECT_EQ(e.rfind(path + ":3: mmu.tlb.l1.replacement: must be one of lru, plru, fifo, random", 0),
            0u)
      << e;
}

TEST(Config, JsonSyntaxErrorNamesTheLine) {
  const auto path = write_temp_file("c4.json", "{\n  \"sim\": {\n    \"seed\": 1,\n  }\n}\n");
  const std::string e = error_of([&] { ConfigDocument().overlay_file(path); });
  EXPECT_EQ(e.rfind(path + ":4: invalid JSON", 0), 0u) << e;
}

TEST(Config, SetErrorsNameTheSetAndTheKey) {
  EXPECT_EQ(error_of([] {
              with_sets({"mmu.mode=sv39", "mmu.tlb.l1.entriez=4"});
            }),
            "--set:2: unknown key 'mmu.tlb.l1.entriez' (did you mean 'mmu.tlb.l1.entries'?)");
  EXPECT_EQ(error_of([] { with_sets({"mmu.mode"}); }),
            "--set:1: expected key.path=value, got 'mmu.mode'");
  EXPECT_EQ(error_of([] { with_sets({"mmu=3"}); }), "--set:1: 'mmu' must be an object");
  EXPECT_NE(
      error_of([] { with_sets({"mmu.mode=sv64"}); }).find("--set:1: mmu.mode: must be one of"),
      std::string::npos);
}

// Found by fuzz_config: the error message's dump of the value threw, and the run ended
// with exit 1 and a JSON library exception instead of exit 2.
TEST(Config, ASetThatIsNotUtf8IsRefusedNamingTheSet) {
  const std::string e = error_of([] { with_sets({"mmu.mode=sv39", "mmu.tlb.l1.entries=\xd8v48"}); });
  EXPECT_EQ(e.rfind("--set:2: not valid UTF-8: ", 0), 0u) << e;
}

// Found by fuzz_config: the parser stopped at a NUL and accepted the text; the key
// locator then scanned past it and popped an empty stack (a segmentation fault).
TEST(Config, AConfigWithANulByteIsRefusedAtItsLine) {
  const std::string path = write_temp_file(
      "nul.json", std::string("{\"mmu\": {\"mode\": \"sv48\"}}\n\0}}]]\n", 28));
  EXPECT_EQ(error_of([&] { ConfigDocument().overlay_file(path); }),
            path + ":2: a NUL byte: not a JSON text");
}

// Found by fuzz_config: nlohmann reports this as out_of_range, not parse_error, and it
// escaped as an exit 1.
TEST(Config, ANumberTooLargeForADoubleIsBadInput) {
  const std::string path = write_temp_file("huge.json", "{\"sim\": {\"seed\": 222E22222}}\n");
  EXPECT_EQ(error_of([&] { ConfigDocument().overlay_file(path); }),
            path + ": invalid JSON: a number too large to represent '222E22222'");
}

TEST(Config, ARuleAcrossKeysBlamesTheValueTheUserGaveAndNamesBothOrigins) {
  const std::string ways = error_of([] { with_sets({"mmu.tlb.l1.entries=48"}); });
  EXPECT_EQ(ways.rfind("--set:1: mmu.tlb.l1.entries: entries / ways must be a power of two", 0), 0u)
      << ways;
  EXPECT_NE(ways.find("mmu.tlb.l1.entries from --set:1, mmu.tlb.l1.ways from default)"),
            std::string::npos)
      << ways;
  EXPECT_NE(error_of([] { with_sets({"mmu.tlb.l1.entries=2"}); })
                .find("(entries 2, ways 4: fewer entries than ways)"),
            std::string::npos);
  const std::string swap = error_of([] { with_sets({"workload.processes=64"}); });
  EXPECT_EQ(swap.rfind("--set:1: workload.processes: memory + swap too small", 0), 0u) << swap;
  EXPECT_NE(swap.find("swap.size from default"), std::string::npos) << swap;
}

TEST(Config, DuplicateKeysAndDeepNestingAreRefusedAtTheirLine) {
  const std::string dup = test::write_temp_file(
      "dup.json", "{\n \"mmu\": {\"mode\": \"sv39\",\n  \"mode\": \"sv48\"}\n}\n");
  EXPECT_EQ(error_of([&] {
              ConfigDocument doc;
              doc.overlay_file(dup);
            }),
            dup + ":3: duplicate key 'mmu.mode' (also on line 2)");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100000, '}');
  const std::string path = test::write_temp_file("deep.json", deep);
  EXPECT_EQ(error_of([&] {
              ConfigDocument doc;
              doc.overlay_file(path);
            }),
            path + ":1: nested deeper than 32 levels");
  EXPECT_NE(error_of([] {
              with_sets({"mmu.mode=" + std::string(100, '[')});
            }).find("--set:1: mmu.mode: the value is nested deeper than 32 levels"),
            std::string::npos);
}

TEST(Config, ValuesBeyondWhatTheSimulatorCanRepresentAreRefused) {
  EXPECT_EQ(error_of([] { with_sets({"workload.footprint=18446744073709551608"}); }),
            "--set:1: workload.footprint: is more than the simulator can represent (at most 1PiB)");
  EXPECT_EQ(error_of([] { with_sets({"cpu.access_time=1e10s"}); }),
            "--set:1: cpu.access_time: is more than the simulator can represent (at most 1000s)");
  EXPECT_EQ(error_of([] { with_sets({"workload.accesses=18446744073709551615"}); })
                .rfind("--set:1: workload.accesses: the run would take more simulated time", 0),
            0u);
}

TEST(Config, CrossChecksNameTheKey) {
  EXPECT_NE(error_of([] {
              with_sets({"mmu.tlb.l1.entries=48", "mmu.tlb.l1.ways=4"});
            }).find("mmu.tlb.l1.entries: entries / ways must be a power of two"),
            std::string::npos);
  EXPECT_NE(
      error_of([] {
        with_sets({"mmu.tlb.l1.entries=24", "mmu.tlb.l1.ways=3", "mmu.tlb.l1.replacement=plru"});
      }).find("power"),
      std::string::npos);
  EXPECT_NE(error_of([] {
              with_sets({"firmware.user_frames=100000"});
            }).find("firmware.user_frames: 100000 frames is more than DRAM holds (65536)"),
            std::string::npos);
  // One frame for user pages and copy-on-write: the copy's frame evicts the page it copies,
  // and the fault repeated until the run failed ("still traps after 8 handled faults").
  EXPECT_EQ(error_of([] { with_sets({"firmware.user_frames=1"}); }),
            "--set:1: firmware.user_frames: copy-on-write copies a page into a second frame: at "
            "least 2, or firmware.fork=copy (firmware.user_frames from --set:1, firmware.fork "
            "from default, workload.forks from default)");
  EXPECT_EQ(error_of([] { with_sets({"firmware.user_frames=1", "workload.forks=0"}); }), "(no error)");
  EXPECT_EQ(error_of([] { with_sets({"firmware.user_frames=1", "firmware.fork=copy"}); }),
            "(no error)");
  EXPECT_NE(error_of([] { with_sets({"workload.mix.read=0.5"}); }).find("add up to 1"),
            std::string::npos);
  EXPECT_NE(error_of([] { with_sets({"workload.type=lackey"}); }).find("workload.path"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              with_sets({"mmu.mode=bare", "workload.type=pages", "workload.path=/tmp/x"});
            }).find("needs paging"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              with_sets({"mmu.mode=bare", "workload.type=zipf", "workload.footprint=\"128MiB\""});
            }).find("exceeds dram.size"),
            std::string::npos);
  EXPECT_NE(error_of([] { with_sets({"dram.size=\"12KiB\""}); }).find("dram.size"),
            std::string::npos);
  EXPECT_NE(error_of([] { with_sets({"cpu.timeslice=\"10 parsecs\""}); }).find("must be a time"),
            std::string::npos);
}

TEST(Units, SizesAndTimes) {
  std::uint64_t bytes = 0;
  EXPECT_TRUE(parse_size("64MiB", bytes));
  EXPECT_EQ(bytes, std::uint64_t{64} << 20);
  EXPECT_TRUE(parse_size(4096, bytes));
  EXPECT_EQ(bytes, 4096u);
  EXPECT_TRUE(parse_size("1.5KiB", bytes));
  EXPECT_EQ(bytes, 1536u);
  EXPECT_FALSE(parse_size("64 furlongs", bytes));
  EXPECT_FALSE(parse_size(-1, bytes));
  EXPECT_FALSE(parse_size("0.3B", bytes));
  sc_core::sc_time t;
  EXPECT_TRUE(parse_time("13.33ns", t));
  EXPECT_EQ(t, sc_core::sc_time(13.33, sc_core::SC_NS));
  EXPECT_TRUE(parse_time("1us", t));
  EXPECT_EQ(t, sc_core::sc_time(1, sc_core::SC_US));
  EXPECT_TRUE(parse_time(0, t));
  EXPECT_FALSE(parse_time(5, t));  // a number needs a unit unless it is zero
  EXPECT_FALSE(parse_time("-1ns", t));
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

// Every declared key is read and checked: a value of the wrong kind is refused, naming
// the key and the --set that gave it. (A key read but not declared throws logic_error.)
TEST(ConfigKeys, EveryDeclaredKeyIsReadAndChecked) {
  for (const ConfigKey& key : config_keys()) {
    const std::string wrong = key.type == KeyType::Flag ? "\"yes\"" : "true";
    const std::string e = error_of([&] { with_sets({key.path + "=" + wrong}); });
    EXPECT_EQ(e.rfind("--set:1: " + key.path + ": ", 0), 0u) << key.path << ": " << e;
  }
}

TEST(ConfigKeys, RangesAndChoicesComeFromTheDeclaration) {
  for (const ConfigKey& key : config_keys()) {
    if (key.type == KeyType::Integer && key.max != std::numeric_limits<std::uint64_t>::max()) {
      const std::string e =
          error_of([&] { with_sets({key.path + "=" + std::to_string(key.max + 1)}); });
      EXPECT_NE(e.find(key.path + ": must be an integer in " + std::to_string(key.min) + ".." +
                       std::to_string(key.max)),
                std::string::npos)
          << e;
    }
    if (key.type == KeyType::Choice) {
      const std::string e = error_of([&] { with_sets({key.path + "=nonsense"}); });
      EXPECT_NE(e.find(key.path + ": must be one of " + key.choices.front()), std::string::npos)
          << e;
    }
  }
}

TEST(ConfigKeys, TheDefaultsAreTheDeclaredOnes) {
  const ConfigDocument doc;
  for (const ConfigKey& key : config_keys()) {
    EXPECT_EQ(doc.at(key.path), nlohmann::json(key.default_value)) << key.path;
    EXPECT_EQ(doc.where(key.path), ConfigDocument::kDefaultOrigin) << key.path;
  }
}

// The README's table is generated from the declarations: this fails when someone edits
// one and not the other.
TEST(ConfigKeys, TheReadmeTableIsTheDeclaredOne) {
  std::ifstream in(std::string(MMUSIM_SOURCE_DIR) + "/README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string begin = "mmusim config --markdown` from platform/config_keys.cpp";
  const std::size_t from = readme.find('\n', readme.find(begin));
  const std::size_t to = readme.find("<!-- end of config table -->");
  ASSERT_NE(readme.find(begin), std::string::npos);
  ASSERT_NE(to, std::string::npos);
  EXPECT_TRUE(readme.substr(from + 1, to - from - 1) == config_table_markdown())
      << "README.md's config table differs from the declarations: replace it with the output "
         "of `build/bin/mmusim config --markdown`";
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

TEST(JsonLocator, UnbalancedClosesPastTheEndDoNotUnderflow) {
  EXPECT_EQ(locate_keys("}}]{\"a\": 1}}]").lines.at("a"), 1u);
}

}  // namespace
}  // namespace mmusim
