#pragma once
// A GTKWave save file per dump (run.gtkw beside run.fst): the signal layout of waves/
// (compiled in), the dump it opens, and a view on the window that matters with the
// primary marker at the fault or mismatch that triggered it.

#include <cstdint>
#include <optional>
#include <string>

namespace mmusim {

enum class WaveLayout { Rtl, Platform };  // waves/mmu_rtl.gtkw, waves/platform.gtkw

struct SaveFileView {
  std::uint64_t start_ps = 0;  // the left edge
  std::uint64_t span_ps = 0;   // how much the window shows (0: GTKWave's default zoom)
  std::optional<std::uint64_t> marker_ps;
};

// Throws std::runtime_error when the file cannot be written.
void write_save_file(const std::string& save_path, const std::string& dump_path, WaveLayout layout,
                     const SaveFileView& view);

}  // namespace mmusim
