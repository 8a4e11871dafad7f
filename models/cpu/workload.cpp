#include "workload.h"

#include <algorithm>
#include <cmath>

#include "replacement.h"  // scale_to_range, to_unit_interval
#include "sv.h"

namespace mmusim {

namespace {
constexpr WorkloadType kAllTypes[] = {WorkloadType::Sequential, WorkloadType::Strided,
                                      WorkloadType::Random,     WorkloadType::Zipf,
                                      WorkloadType::Lackey,     WorkloadType::Pages};
constexpr std::uint64_t kWord = 8;
}  // namespace

const char* to_string(WorkloadType type) {
  switch (type) {
    case WorkloadType::Sequential: return "sequential";
    case WorkloadType::Strided: return "strided";
    case WorkloadType::Random: return "random";
    case WorkloadType::Zipf: return "zipf";
    case WorkloadType::Lackey: return "lackey";
    case WorkloadType::Pages: return "pages";
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
    : config_(config), base_(base), rng_(seed) {
  if (config.type == WorkloadType::Zipf) {
    // P(rank k) ∝ 1 / k^alpha over the footprint's pages; rank 1 is the lowest page.
    const std::uint64_t pages = std::max<std::uint64_t>(1, config.footprint / sv::kPageSize);
    zipf_cdf_.resize(pages);
    double sum = 0;
    for (std::uint64_t k = 0; k < pages; ++k) {
      sum += 1.0 / std::pow(static_cast<double>(k + 1), config.zipf_alpha);
      zipf_cdf_[k] = sum;
    }
    for (double& c : zipf_cdf_) c /= sum;
  }
}

std::uint64_t SyntheticStream::next_offset() {
  const std::uint64_t words = config_.footprint / kWord;
  switch (config_.type) {
    case WorkloadType::Sequential: {
      const std::uint64_t offset = cursor_;
      cursor_ = (cursor_ + kWord) % (words * kWord);
      return offset;
    }
    case WorkloadType::Strided: {
      const std::uint64_t offset = cursor_;
      cursor_ = (cursor_ + config_.stride) % (words * kWord);
      return offset;
    }
    case WorkloadType::Random: return scale_to_range(rng_(), words) * kWord;
    case WorkloadType::Zipf: {
      const double u = to_unit_interval(rng_());
      const auto rank = static_cast<std::uint64_t>(
          std::upper_bound(zipf_cdf_.begin(), zipf_cdf_.end(), u) - zipf_cdf_.begin());
      const std::uint64_t page = std::min<std::uint64_t>(rank, zipf_cdf_.size() - 1);
      const std::uint64_t words_per_page = std::min(sv::kPageSize, config_.footprint) / kWord;
      return page * sv::kPageSize + scale_to_range(rng_(), words_per_page) * kWord;
    }
    default: return 0;
  }
}

AccessKind SyntheticStream::next_kind() {
  const double u = to_unit_interval(rng_());
  if (u < config_.fetch_fraction) return AccessKind::Fetch;
  if (u < config_.fetch_fraction + config_.write_fraction) return AccessKind::Write;
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

bool TraceStream::next(Access& out) {
  if (index_ == trace_->size()) return false;
  out = (*trace_)[index_++];
  return true;
}

}  // namespace mmusim
