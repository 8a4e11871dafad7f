// The config parser with --set overlays, and the checks that turn it into a platform
// config. Input: a config file, then "--", then one --set assignment per line.
// Bad input must end in an InputError; nothing else may escape.

#include "config.h"
#include "fuzz_input.h"
#include "input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmusim;
  const auto parts = fuzz::split_parts(data, size);
  std::vector<std::string> sets;
  if (parts.size() > 1) {
    std::size_t at = 0;
    const std::string& text = parts[1];
    while (at < text.size()) {
      const std::size_t end = text.find('\n', at);
      if (end != at) sets.push_back(text.substr(at, end - at));
      at = end + 1;
    }
  }
  try {
    const ConfigDocument doc = load_config_document(fuzz::write_file("config.json", parts[0]), sets);
    make_platform_config(doc);
  } catch (const InputError&) {
  }
  return 0;
}
