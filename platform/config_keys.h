#pragma once
// Every config key, declared once: its type, default, unit and meaning (gem5 declares its
// parameters the same way). The embedded default config, the checks the typed reads make,
// `mmusim config` and the README's table all come from this one list, so none can drift
// from another.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mmusim {

enum class KeyType { Integer, Size, Time, Fraction, Positive, Flag, Text, Choice };

struct ConfigKey {
  std::string path;  // "mmu.tlb.l1.entries"
  KeyType type = KeyType::Text;
  nlohmann::json default_value;  // as a config file writes it: 64, "8MiB", "1us"
  std::string unit;              // "entries", "bytes", "time"; empty where none applies
  std::string doc;               // one line, Markdown
  std::uint64_t min = 0;         // Integer: the range the key accepts
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::string> choices;  // Choice: the values the key accepts
};

// In the order `mmusim config` and the README list them.
const std::vector<ConfigKey>& config_keys();
// The declaration of `path`; std::logic_error if there is none (a reader asking for a key
// nobody declared is a bug, not bad input).
const ConfigKey& config_key(const std::string& path);
// The declaration of `path`, or null; and for an undeclared one, the declared key it
// most likely means ("did you mean").
const ConfigKey* find_config_key(const std::string& path);
std::optional<std::string> nearest_config_key(const std::string& path);

// The defaults as one nested document; ordered as declared for printing.
nlohmann::ordered_json default_config();
// The README's configuration table (Markdown) and `mmusim config`'s listing (plain text).
// The text listing takes the keys or groups to show ("mmu.tlb" shows mmu.tlb.*).
std::string config_table_markdown();
std::string config_table_text(const std::vector<std::string>& only = {});
bool key_in(const ConfigKey& key, const std::string& key_or_group);

}  // namespace mmusim
