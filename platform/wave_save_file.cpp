#include "wave_save_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mmusim {

extern const char* const kRtlWaveLayout;       // waves/mmu_rtl.gtkw
extern const char* const kPlatformWaveLayout;  // waves/platform.gtkw

namespace {

constexpr unsigned kWidthPixels = 1600, kHeightPixels = 1000;
constexpr unsigned kNamedMarkers = 26;  // GTKWave's A-Z

}  // namespace

void write_save_file(const std::string& save_path, const std::string& dump_path, WaveLayout layout,
                     const SaveFileView& view) {
  std::ofstream out(save_path);
  const std::string dump = std::filesystem::absolute(dump_path).string();
  out << "[*] Written by mmusim for " << dump << ": gtkwave " << save_path << '\n';
  out << "[dumpfile] \"" << dump << "\"\n";
  out << "[savefile] \"" << std::filesystem::absolute(save_path).string() << "\"\n";
  out << "[size] " << kWidthPixels << ' ' << kHeightPixels << '\n';
  out << "[timestart] " << view.start_ps << '\n';
  // The zoom line, then the primary marker and the named ones (-1: none). GTKWave 3.3's
  // window shows about 5 * 2^-zoom time units across (measured at this size, 1 ps units).
  const double zoom = -std::log2(std::max(5.0, static_cast<double>(view.span_ps)) / 5.0);
  out << '*' << std::fixed << zoom << ' '
      << (view.marker_ps ? static_cast<long long>(*view.marker_ps) : -1LL);
  for (unsigned i = 0; i < kNamedMarkers; ++i) out << " -1";
  out << '\n';
  // The layout, less its own comments and start time.
  std::istringstream body(layout == WaveLayout::Rtl ? kRtlWaveLayout : kPlatformWaveLayout);
  for (std::string line; std::getline(body, line);) {
    if (line.rfind("[*]", 0) == 0 || line.rfind("[timestart]", 0) == 0) continue;
    out << line << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + save_path);
}

}  // namespace mmusim
