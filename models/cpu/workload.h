#pragma once
// What each process of the traffic generator does: a stream of accesses, synthetic
// (sequential, strided, uniform random, zipf) or replayed from a trace.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "access.h"

namespace mmusim {

struct Access {
  std::uint64_t va = 0;
  std::uint32_t size = 8;
  AccessKind kind = AccessKind::Read;
};

enum class WorkloadType { Sequential, Strided, Random, Zipf, Lackey, Pages };
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
  std::string path;  // trace file (lackey, pages)
};

class AccessStream {
 public:
  virtual ~AccessStream() = default;
  // The next access, or false when the stream is over.
  virtual bool next(Access& out) = 0;
  virtual std::uint64_t length() const = 0;
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
  std::uint64_t issued_ = 0;
  std::uint64_t cursor_ = 0;
  std::mt19937_64 rng_;
  std::vector<double> zipf_cdf_;  // over pages, hottest first
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
