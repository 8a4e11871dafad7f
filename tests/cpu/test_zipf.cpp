// The zipf sampler: a table up to ZipfSampler::kTableRanks ranks, rejection-inversion
// beyond; both must draw the same distribution.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "uniform.h"
#include "zipf.h"

namespace mmusim {
namespace {

std::vector<double> exact_probabilities(std::uint64_t ranks, double alpha) {
  std::vector<double> p(ranks);
  double sum = 0;
  for (std::uint64_t k = 0; k < ranks; ++k) sum += p[k] = std::pow(double(k + 1), -alpha);
  for (double& x : p) x /= sum;
  return p;
}

// Rank groups [0,1), [1,2), [2,4), [4,8)...: each group's share of the draws is within
// five standard deviations of its probability.
void expect_zipf(const ZipfSampler& sampler, double alpha, std::uint64_t seed) {
  constexpr int kDraws = 200000;
  const std::uint64_t ranks = sampler.ranks();
  const std::vector<double> p = exact_probabilities(ranks, alpha);
  std::vector<int> counts(ranks);
  Xoshiro256 rng(seed);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t rank = sampler(rng);
    ASSERT_LT(rank, ranks);
    ++counts[rank];
  }
  for (std::uint64_t lo = 0, hi = 1; lo < ranks; lo = hi, hi *= 2) {
    double want = 0;
    int got = 0;
    for (std::uint64_t k = lo; k < std::min(hi, ranks); ++k) {
      want += p[k];
      got += counts[k];
    }
    const double sigma = std::sqrt(kDraws * want * (1 - want));
    EXPECT_NEAR(got, kDraws * want, 5 * sigma + 1)
        << "ranks [" << lo << ", " << hi << ") alpha " << alpha;
  }
}

TEST(Zipf, TheTableDrawsTheZipfDistribution) {
  for (const double alpha : {0.5, 0.99, 1.0, 1.5}) expect_zipf(ZipfSampler(1000, alpha), alpha, 1);
}

TEST(Zipf, RejectionInversionDrawsTheSameDistribution) {
  for (const double alpha : {0.5, 0.99, 1.0, 1.5, 3.0}) {
    const ZipfSampler sampler(1000, alpha, /*table_ranks=*/0);
    expect_zipf(sampler, alpha, 2);
  }
  expect_zipf(ZipfSampler(1, 0.99, 0), 0.99, 3);  // one rank: always 0
}

// The table's draw is the inversion of the whole cumulative table: the guide table only
// narrows the search. Checked against a plain search of the same table, draw by draw,
// for one rank (no guide bits), a few, and more ranks than guide buckets.
TEST(Zipf, TheGuideTableFindsTheRankAFullSearchFinds) {
  for (const std::uint64_t ranks :
       {std::uint64_t{1}, std::uint64_t{3}, std::uint64_t{1000}, std::uint64_t{1} << 18}) {
    for (const double alpha : {0.5, 0.99, 1.5}) {
      std::vector<double> cdf(ranks);
      double sum = 0;
      for (std::uint64_t k = 0; k < ranks; ++k) {
        sum += 1.0 / std::pow(double(k + 1), alpha);
        cdf[k] = sum;
      }
      for (double& c : cdf) c /= sum;
      const ZipfSampler sampler(ranks, alpha);
      Xoshiro256 rng(11), replay(11);
      for (int i = 0; i < 100000; ++i) {
        const double u = to_unit_interval(replay());
        const auto want = std::min<std::uint64_t>(
            std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin(), ranks - 1);
        ASSERT_EQ(sampler(rng), want) << ranks << " ranks, alpha " << alpha << ", u " << u;
      }
    }
  }
}

TEST(Zipf, SameSeedSameRanks) {
  const ZipfSampler sampler(ZipfSampler::kTableRanks * 100, 0.99);  // beyond the table
  Xoshiro256 a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t rank = sampler(a);
    ASSERT_EQ(rank, sampler(b));
    ASSERT_LT(rank, sampler.ranks());
  }
}

}  // namespace
}  // namespace mmusim
