#pragma once
// Readers for the traces the traffic generator replays. A trace is checked whole before
// the run (a malformed line is an InputError, `file:line: what`, before the simulation
// starts), in constant memory; then each process streams it from the file as it runs,
// so a trace of any length replays in flat memory. Only the opt oracle, which must know
// the future, holds a whole trace in memory (read_trace + link_next_uses).
//
// Formats:
// - Lackey: valgrind --tool=lackey --trace-mem=yes output: `I addr,size` (fetch), ` L`
//   (load), ` S` (store), ` M` (modify = a load then a store); addresses hex without 0x,
//   sizes decimal. Lines starting with `==` (valgrind's own messages) are skipped;
//   Windows line ends are accepted. An access that crosses a 4 KiB page boundary becomes
//   two accesses, one per page.
// - Pages: one virtual page number per line (decimal, or hex with 0x); each is an 8-byte
//   read of VA = page * 4096. Blank lines and `#` comments are skipped.
// Both refuse an access that reaches `user_top` or beyond: it cannot be user memory (the
// lower half of the address space, 2^38 under Sv39).

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "workload.h"

namespace mmusim {

enum class TraceFormat { Lackey, Pages };
constexpr std::uint64_t kAnyAddress = ~std::uint64_t{0};

struct TraceSource {
  TraceFormat format = TraceFormat::Pages;
  std::string path;
  std::uint64_t user_top = kAnyAddress;
};

// Reads the whole trace into memory.
std::vector<Access> read_trace(const TraceSource& source);
inline std::vector<Access> read_lackey_trace(const std::string& path,
                                             std::uint64_t user_top = kAnyAddress) {
  return read_trace({TraceFormat::Lackey, path, user_top});
}
inline std::vector<Access> read_page_trace(const std::string& path,
                                           std::uint64_t user_top = kAnyAddress) {
  return read_trace({TraceFormat::Pages, path, user_top});
}

// Checks every line without keeping any; returns how many accesses the trace makes.
std::uint64_t check_trace(const TraceSource& source);

// One open file that every process replaying the trace reads from, each at its own
// position (so 4096 processes need one file descriptor, not 4096).
class TraceFile {
 public:
  // The trace must have passed check_trace: it has `accesses` accesses.
  TraceFile(TraceSource source, std::uint64_t accesses);
  std::uint64_t accesses() const { return accesses_; }
  struct Position {
    std::uint64_t byte = 0;
    std::size_t line = 0;
  };
  // Parses lines from `at` on until `out` holds at least `want` accesses or the trace
  // ends; moves `at` past them. False once there is nothing more.
  bool read(Position& at, std::size_t want, std::vector<Access>& out);

 private:
  TraceSource source_;
  std::uint64_t accesses_;
  std::ifstream in_;
};

// A process's replay of a TraceFile, a buffer of accesses at a time.
class TraceFileStream final : public AccessStream {
 public:
  explicit TraceFileStream(std::shared_ptr<TraceFile> file) : file_(std::move(file)) {}
  bool next(Access& out) override;
  std::uint64_t length() const override { return file_->accesses(); }

 private:
  static constexpr std::size_t kBuffered = 4096;
  std::shared_ptr<TraceFile> file_;
  TraceFile::Position position_;
  std::vector<Access> buffer_;
  std::size_t index_ = 0;
};

}  // namespace mmusim
