#include "zipf.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "bits.h"
#include "uniform.h"

namespace mmusim {

namespace {

// Guide buckets: one per rank up to 2^16 (a 256 KiB guide for the largest table).
constexpr unsigned kMaxGuideBits = 16;

// log(1 + x) / x and (e^x - 1) / x, both 1 at x = 0: they keep H and its inverse exact
// near alpha = 1, where (x^(1 - alpha) - 1) / (1 - alpha) becomes log(x).
double log1p_over(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x / 2; }
double expm1_over(double x) { return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x / 2; }

}  // namespace

std::shared_ptr<const ZipfSampler::Table> ZipfSampler::make_table(std::uint64_t ranks,
                                                                  double alpha) {
  auto table = std::make_shared<Table>();
  std::vector<double>& cdf = table->cdf;
  cdf.resize(ranks);
  double sum = 0;
  for (std::uint64_t k = 0; k < ranks; ++k) {
    sum += 1.0 / std::pow(static_cast<double>(k + 1), alpha);
    cdf[k] = sum;
  }
  for (double& c : cdf) c /= sum;
  table->guide_bits = std::min(log2_ceil(ranks), kMaxGuideBits);
  const std::uint64_t buckets = std::uint64_t{1} << table->guide_bits;
  table->guide.resize(buckets + 1);
  for (std::uint64_t j = 0; j <= buckets; ++j) {
    // j / buckets is exact (a power of two), as u is: the bucket's ends are exact.
    const double start = std::ldexp(static_cast<double>(j), -static_cast<int>(table->guide_bits));
    table->guide[j] =
        static_cast<std::uint32_t>(std::upper_bound(cdf.begin(), cdf.end(), start) - cdf.begin());
  }
  return table;
}

std::shared_ptr<const ZipfSampler::Table> ZipfSampler::shared_table(std::uint64_t ranks,
                                                                    double alpha) {
  static std::map<std::pair<std::uint64_t, double>, std::weak_ptr<const Table>> tables;
  auto& slot = tables[{ranks, alpha}];
  auto table = slot.lock();
  if (!table) {
    table = make_table(ranks, alpha);
    slot = table;
  }
  return table;
}

ZipfSampler::ZipfSampler(std::uint64_t ranks, double alpha, std::uint64_t table_ranks)
    : ranks_(std::max<std::uint64_t>(1, ranks)), alpha_(alpha) {
  if (ranks_ <= table_ranks) {
    table_ = shared_table(ranks_, alpha_);
    return;
  }
  integral_first_ = integral(1.5) - 1;
  integral_last_ = integral(static_cast<double>(ranks_) + 0.5);
  squeeze_ = 2 - integral_inverse(integral(2.5) - density(2));
}

double ZipfSampler::density(double x) const { return std::pow(x, -alpha_); }

double ZipfSampler::integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over((1 - alpha_) * log_x) * log_x;
}

double ZipfSampler::integral_inverse(double y) const {
  return std::exp(log1p_over((1 - alpha_) * y) * y);
}

std::uint64_t ZipfSampler::operator()(Xoshiro256& rng) const {
  if (table_) {
    const std::vector<double>& cdf = table_->cdf;
    const std::uint64_t random = rng();
    const double u = to_unit_interval(random);
    const std::uint64_t bucket = unit_bucket(random, table_->guide_bits);
    const auto first = cdf.begin() + table_->guide[bucket];
    const auto last = cdf.begin() + table_->guide[bucket + 1];
    const auto rank = static_cast<std::uint64_t>(std::upper_bound(first, last, u) - cdf.begin());
    return std::min<std::uint64_t>(rank, cdf.size() - 1);
  }
  // Ranks are 1-based here. An x drawn under the hat H' over [0.5, n + 0.5] rounds to
  // rank k; it is kept when it falls under the histogram of P(k) (Hörmann-Derflinger).
  for (;;) {
    const double y = integral_last_ + to_unit_interval(rng()) * (integral_first_ - integral_last_);
    const double x = integral_inverse(y);
    const auto k = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(x + 0.5), 1, ranks_);
    const double kd = static_cast<double>(k);
    if (kd - x <= squeeze_ || y >= integral(kd + 0.5) - density(kd)) return k - 1;
  }
}

}  // namespace mmusim
