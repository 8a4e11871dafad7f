#include "workload.h"

#include <algorithm>
#include <unordered_map>

#include "address_space.h"
#include "sv.h"
#include "uniform.h"

namespace mmusim {

namespace {
constexpr WorkloadType kAllTypes[] = {WorkloadType::Sequential, WorkloadType::Strided,
                                      WorkloadType::Random,     WorkloadType::Zipf,
                                      WorkloadType::Program,    WorkloadType::Lackey,
                                      WorkloadType::Pages,      WorkloadType::Scenario};
constexpr std::uint64_t kWord = 8;

}  // namespace

void link_next_uses(std::vector<Access>& trace) {
  std::unordered_map<std::uint64_t, std::uint64_t> next_of_page;
  for (std::size_t i = trace.size(); i-- > 0;) {
    const std::uint64_t page = trace[i].va >> sv::kPageShift;
    const auto it = next_of_page.find(page);
    trace[i].next_use = it == next_of_page.end() ? kNoNextUse : it->second;
    next_of_page[page] = i;
  }
}

const char* to_string(WorkloadType type) {
  switch (type) {
    case WorkloadType::Sequential: return "sequential";
    case WorkloadType::Strided: return "strided";
    case WorkloadType::Random: return "random";
    case WorkloadType::Zipf: return "zipf";
    case WorkloadType::Program: return "program";
    case WorkloadType::Lackey: return "lackey";
    case WorkloadType::Pages: return "pages";
    case WorkloadType::Scenario: return "scenario";
  }
  return "?";
}

bool parse_workload_type(const std::string& name, WorkloadType& out) {
  for (auto t : kAllTypes) {
    if (name == to_string(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

SyntheticStream::SyntheticStream(const WorkloadConfig& config, std::uint64_t base,
                                 std::uint64_t seed)
    : config_(config),
      base_(base),
      span_(config.footprint / kWord * kWord),
      fetch_below_(unit_threshold(config.fetch_fraction)),
      write_below_(unit_threshold(config.fetch_fraction + config.write_fraction)),
      rng_(seed) {
  // Rank 1, the most popular page, is the lowest page of the footprint.
  if (config.type == WorkloadType::Zipf) {
    zipf_.emplace(config.footprint / sv::kPageSize, config.zipf_alpha);
  }
}

std::uint64_t SyntheticStream::next_offset() {
  const std::uint64_t words = span_ / kWord;
  switch (config_.type) {
    case WorkloadType::Sequential: {
      const std::uint64_t offset = cursor_;
      cursor_ += kWord;
      if (cursor_ == span_) cursor_ = 0;  // a division per access showed in profiles
      return offset;
    }
    case WorkloadType::Strided: {
      const std::uint64_t offset = cursor_;
      cursor_ = (cursor_ + config_.stride) % span_;
      return offset;
    }
    case WorkloadType::Random: return scale_to_range(rng_(), words) * kWord;
    case WorkloadType::Zipf: {
      const std::uint64_t page = (*zipf_)(rng_);
      const std::uint64_t words_per_page = std::min(sv::kPageSize, config_.footprint) / kWord;
      return page * sv::kPageSize + scale_to_range(rng_(), words_per_page) * kWord;
    }
    default: return 0;
  }
}

AccessKind SyntheticStream::next_kind() {
  const std::uint64_t u = rng_() >> 11;
  if (u < fetch_below_) return AccessKind::Fetch;
  if (u < write_below_) return AccessKind::Write;
  return AccessKind::Read;
}

bool SyntheticStream::next(Access& out) {
  if (issued_ == config_.accesses) return false;
  ++issued_;
  out.va = base_ + next_offset();
  out.size = kWord;
  out.kind = next_kind();
  return true;
}

// --- program ----------------------------------------------------------------------------

namespace {
constexpr std::uint64_t kBrkEvery = 8192;     // accesses between heap resizes
constexpr std::uint64_t kMmapEvery = 32768;   // accesses between mmap / munmap
constexpr std::uint64_t kMmapPhase = 4096;
}  // namespace

ProgramStream::ProgramStream(const WorkloadConfig& config, std::uint64_t seed,
                             bool shares_segment)
    : config_(config),
      rng_(seed),
      heap_pages_(config.footprint / sv::kPageSize, config.zipf_alpha),
      shares_segment_(shares_segment && config.shm_size != 0) {}

std::unique_ptr<AccessStream> ProgramStream::fork_child(std::uint64_t seed) const {
  auto child = std::make_unique<ProgramStream>(*this);
  child->rng_.seed(seed);
  child->forks_done_ = config_.forks;
  child->config_.accesses = issued_ + (config_.accesses - issued_) / 2;
  child->pending_ = StreamOp::Access;
  return child;
}

// System calls at fixed points of the stream: brk every kBrkEvery accesses, mmap or
// munmap every kMmapEvery.
bool ProgramStream::next_syscall(Access& out) {
  using fw::Layout;
  // One look per access count (and none while a call's result is outstanding).
  if (pending_ != StreamOp::Access || considered_ == issued_) return false;
  considered_ = issued_;
  // Fork i happens (i + 1) / (forks + 1) of the way through.
  if (forks_done_ < config_.forks &&
      issued_ >= config_.accesses / (config_.forks + 1) * (forks_done_ + 1)) {
    ++forks_done_;
    out = Access{0, 0, AccessKind::Read, StreamOp::Fork};
    pending_ = StreamOp::Fork;
    return true;
  }
  const std::uint64_t heap_max = Layout::kHeapBase + config_.footprint;
  if (issued_ % kBrkEvery == 0) {
    // Grow by an eighth of the footprint; at the top, shrink by a quarter now and then.
    const std::uint64_t step = std::max<std::uint64_t>(sv::kPageSize, config_.footprint / 8);
    std::uint64_t target = std::min(heap_max, std::max(heap_end_, Layout::kHeapBase) + step);
    if (heap_end_ == heap_max && (issued_ / kBrkEvery) % 4 == 3) target = heap_end_ - 2 * step;
    if (target != heap_end_) {
      out = Access{target, 0, AccessKind::Read, StreamOp::Brk};
      pending_ = StreamOp::Brk;
      return true;
    }
  }
  if (issued_ % kMmapEvery == kMmapPhase) {
    if (mmap_start_ == 0) {
      out = Access{kMmapBytes, 0, AccessKind::Read, StreamOp::Mmap};
      pending_ = StreamOp::Mmap;
    } else {
      out = Access{mmap_start_, 0, AccessKind::Read, StreamOp::Munmap};
      pending_ = StreamOp::Munmap;
      mmap_start_ = 0;
    }
    return true;
  }
  return false;
}

void ProgramStream::on_syscall_result(std::optional<std::uint64_t> result) {
  if (pending_ == StreamOp::Brk && result) heap_end_ = *result;
  if (pending_ == StreamOp::Mmap && result) mmap_start_ = *result;
  pending_ = StreamOp::Access;
}

AccessKind ProgramStream::data_kind() {
  const double data = config_.read_fraction + config_.write_fraction;
  const double u = to_unit_interval(rng_()) * (data > 0 ? data : 1);
  return u < config_.write_fraction ? AccessKind::Write : AccessKind::Read;
}

std::uint64_t ProgramStream::data_address(std::uint64_t base, std::uint64_t bytes) {
  return base + scale_to_range(rng_(), bytes / kWord) * kWord;
}

bool ProgramStream::next(Access& out) {
  using fw::Layout;
  if (issued_ >= config_.accesses) return false;
  if (next_syscall(out)) return true;
  ++issued_;
  out = Access{};
  const double u = to_unit_interval(rng_());
  if (u < config_.fetch_fraction) {
    // Straight-line code with a branch to anywhere in the text one time in 16; a
    // quarter of the code runs in the library.
    pc_ = (rng_() % 16 == 0) ? scale_to_range(rng_(), kTextBytes / 4) * 4 : (pc_ + 4) % kTextBytes;
    out.size = 4;
    out.kind = AccessKind::Fetch;
    if (config_.library_size != 0 && rng_() % 4 == 0) {
      out.va = Layout::kLibraryBase + scale_to_range(rng_(), config_.library_size / 4) * 4;
    } else {
      out.va = Layout::kTextBase + pc_;
    }
    return true;
  }
  const double where = to_unit_interval(rng_());
  if (config_.library_size != 0 && where < 0.03) {  // the library's read-only data
    out.kind = AccessKind::Read;
    out.va = data_address(Layout::kLibraryBase, config_.library_size);
    return true;
  }
  out.kind = data_kind();
  if (shares_segment_ && where < 0.08) {
    out.va = data_address(Layout::kShmBase, config_.shm_size);
    return true;
  }
  const std::uint64_t heap_bytes = heap_end_ > Layout::kHeapBase ? heap_end_ - Layout::kHeapBase : 0;
  if (where < 0.15 || heap_bytes == 0) {
    // The call stack: calls and returns move the top by a frame at a time.
    const std::uint64_t frame = 64;
    if (rng_() % 2 == 0) {
      stack_depth_ = std::min(stack_depth_ + frame, kStackBytes - frame);
    } else {
      stack_depth_ = stack_depth_ >= frame ? stack_depth_ - frame : 0;
    }
    out.va = Layout::kStackTop - frame - stack_depth_ + scale_to_range(rng_(), frame / kWord) * kWord;
  } else if (where < 0.25) {
    out.va = data_address(Layout::kTextBase + kTextBytes, kDataBytes);
  } else if (where < 0.35 && mmap_start_ != 0) {
    out.va = data_address(mmap_start_, kMmapBytes);
  } else {
    const std::uint64_t pages = heap_bytes / sv::kPageSize;
    const std::uint64_t page = heap_pages_(rng_) % pages;
    out.va = data_address(Layout::kHeapBase + page * sv::kPageSize, sv::kPageSize);
  }
  return true;
}

// --- trace ------------------------------------------------------------------------------

bool TraceStream::next(Access& out) {
  if (index_ == trace_->size()) return false;
  out = (*trace_)[index_++];
  return true;
}

}  // namespace mmusim
