#pragma once
// What each process of the traffic generator does: a stream of accesses, synthetic
// (sequential, strided, uniform random, zipf) or replayed from a trace.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access.h"
#include "xoshiro.h"
#include "zipf.h"

namespace mmusim {

// What a process asks for next: a memory access, or a system call that changes its
// address space (the argument travels in `va`).
enum class StreamOp : std::uint8_t { Access, Brk, Mmap, Munmap, Fork };

constexpr std::uint64_t kNoNextUse = ~std::uint64_t{0};
// The largest single access (trace replay splits accesses at page boundaries).
constexpr std::uint32_t kMaxAccessBytes = 4096;

struct Access {
  std::uint64_t va = 0;
  std::uint32_t size = 8;
  AccessKind kind = AccessKind::Read;
  StreamOp op = StreamOp::Access;
  // Trace replay: position in the trace of the next access to the same page
  // (kNoNextUse if none), for the opt oracle.
  std::uint64_t next_use = kNoNextUse;
};

// Fills in next_use for every access of a trace.
void link_next_uses(std::vector<Access>& trace);

enum class WorkloadType { Sequential, Strided, Random, Zipf, Program, Lackey, Pages, Scenario };
bool parse_workload_type(const std::string& name, WorkloadType& out);
const char* to_string(WorkloadType type);
inline bool is_trace(WorkloadType t) { return t == WorkloadType::Lackey || t == WorkloadType::Pages; }

struct WorkloadConfig {
  WorkloadType type = WorkloadType::Zipf;
  unsigned processes = 1;
  std::uint64_t accesses = 1'000'000;  // per process (synthetic types)
  std::uint64_t footprint = std::uint64_t{16} << 20;  // bytes touched per process
  std::uint64_t stride = 64;       // bytes (strided)
  double read_fraction = 0.7;      // the rest of the mix, in order
  double write_fraction = 0.3;
  double fetch_fraction = 0.0;
  double zipf_alpha = 0.99;
  std::uint64_t seed = 1;
  std::string path;  // trace file (lackey, pages) or scenario
  // program: sharing
  unsigned forks = 0;                // children each process forks, spread over its run
  std::uint64_t library_size = 0;    // one library mapped into every process (0: none)
  std::uint64_t shm_size = 0;        // a segment shared by processes 2k and 2k+1 (0: none)
  bool madvise_huge = false;  // the data region is marked for huge pages (fw::Region::huge)
};

class AccessStream {
 public:
  virtual ~AccessStream() = default;
  // The next access, or false when the stream is over.
  virtual bool next(Access& out) = 0;
  // Memory accesses the stream will make (for progress reports).
  virtual std::uint64_t length() const = 0;
  // The kernel's answer to the system call last returned by next() (nullopt: refused).
  virtual void on_syscall_result(std::optional<std::uint64_t> /*result*/) {}
  // A forked child's stream: where this one is now, on its own random sequence
  // (`seed`). Only streams that fork make one.
  virtual std::unique_ptr<AccessStream> fork_child(std::uint64_t /*seed*/) const { return nullptr; }
};

// Synthetic accesses of 8 bytes, 8-byte aligned, within [base, base + footprint).
class SyntheticStream final : public AccessStream {
 public:
  SyntheticStream(const WorkloadConfig& config, std::uint64_t base, std::uint64_t seed);
  bool next(Access& out) override;
  std::uint64_t length() const override { return config_.accesses; }

 private:
  std::uint64_t next_offset();
  AccessKind next_kind();

  WorkloadConfig config_;
  std::uint64_t base_;
  std::uint64_t span_;  // bytes of whole words in the footprint
  // A draw's top 53 bits below these: a fetch, else below the second a write (uniform.h).
  std::uint64_t fetch_below_;
  std::uint64_t write_below_;
  std::uint64_t issued_ = 0;
  std::uint64_t cursor_ = 0;
  Xoshiro256 rng_;
  std::optional<ZipfSampler> zipf_;  // over pages, hottest first
};

// A program with a realistic address space (fw::standard_layout): instruction fetches
// walk the text, loads and stores go to the data segment, a call stack that grows and
// shrinks, a heap grown (and now and then shrunk) with brk, and short-lived anonymous
// mmap regions. Heap accesses are zipf-distributed over the heap's pages. `footprint`
// is the largest the heap gets. With sharing configured it also fetches from and reads
// a library, uses a shared segment (when `shares_segment`), and forks children that
// run on from the fork with their own random sequence, for half of what their parent
// has left (and fork no further).
class ProgramStream final : public AccessStream {
 public:
  ProgramStream(const WorkloadConfig& config, std::uint64_t seed, bool shares_segment = false);
  bool next(Access& out) override;
  std::uint64_t length() const override { return config_.accesses - issued_; }
  void on_syscall_result(std::optional<std::uint64_t> result) override;
  std::unique_ptr<AccessStream> fork_child(std::uint64_t seed) const override;

  static constexpr std::uint64_t kTextBytes = 64 << 10;
  static constexpr std::uint64_t kDataBytes = 64 << 10;
  static constexpr std::uint64_t kStackBytes = 256 << 10;  // deepest the call stack goes
  static constexpr std::uint64_t kMmapBytes = 256 << 10;

 private:
  bool next_syscall(Access& out);
  std::uint64_t data_address(std::uint64_t base, std::uint64_t bytes);
  AccessKind data_kind();

  WorkloadConfig config_;
  Xoshiro256 rng_;
  ZipfSampler heap_pages_;  // zipf over the largest heap's pages
  std::uint64_t issued_ = 0;
  std::uint64_t considered_ = ~std::uint64_t{0};  // the issued_ whose system calls were decided
  std::uint64_t pc_ = 0;
  std::uint64_t stack_depth_ = 0;
  std::uint64_t heap_end_ = 0;     // the brk the kernel last granted
  std::uint64_t mmap_start_ = 0;   // 0: no mapping
  StreamOp pending_ = StreamOp::Access;
  bool shares_segment_ = false;
  unsigned forks_done_ = 0;
};

// Replays a parsed trace, shared read-only by every process that runs it.
class TraceStream final : public AccessStream {
 public:
  explicit TraceStream(std::shared_ptr<const std::vector<Access>> trace) : trace_(std::move(trace)) {}
  bool next(Access& out) override;
  std::uint64_t length() const override { return trace_->size(); }

 private:
  std::shared_ptr<const std::vector<Access>> trace_;
  std::size_t index_ = 0;
};

}  // namespace mmusim
