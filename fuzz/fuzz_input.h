#pragma once
// Helpers shared by the fuzz targets: the input split into parts, written to files the
// readers under test open as a user's would, and a check that stops the fuzzer.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace mmusim::fuzz {

// The parts of `data` between lines holding only "--".
inline std::vector<std::string> split_parts(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts(1);
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    if (line == "--") {
      parts.emplace_back();
    } else {
      parts.back() += line + "\n";
    }
    at = end + 1;
  }
  return parts;
}

// A file of this process's own (fuzzers may run side by side), rewritten per input.
inline std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/mmusim_fuzz_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

// A property the target checks failed: abort, so libFuzzer saves the input.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
  }
}

}  // namespace mmusim::fuzz
