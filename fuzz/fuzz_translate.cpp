// `mmusim translate`'s image and request readers and the translation behind them.
// Input: satp in hex on the first line, then the image, "--", the requests.

#include <sstream>

#include "config.h"
#include "fuzz_input.h"
#include "input_error.h"
#include "translate_command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmusim;
  const auto parts = fuzz::split_parts(data, size);
  const std::size_t newline = parts[0].find('\n');
  TranslateOptions options;
  options.satp = parts[0].substr(0, newline);
  options.image_path = fuzz::write_file("image.txt", parts[0].substr(newline + 1));
  options.requests_path = fuzz::write_file("requests.txt", parts.size() > 1 ? parts[1] : "");
  static const MmuConfig mmu = make_platform_config(ConfigDocument{}).mmu;
  options.mmu = mmu;
  options.explain = size % 2 == 0;
  std::ostringstream out;
  try {
    run_translate(options, out);
  } catch (const InputError&) {
  }
  return 0;
}
