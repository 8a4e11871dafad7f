#pragma once
// Ranks drawn with P(rank k) ~ 1 / k^alpha over n ranks (rank 0 the most popular), for
// the zipf and program workloads. Up to kTableRanks ranks, by inversion of the exact
// cumulative table, one draw per rank, searched from a guide table (Chen and Asau); the
// table is built once per (n, alpha) and shared by every stream that asks for it
// (processes, forked children). Beyond that, by rejection-inversion (Hörmann and
// Derflinger, "Rejection-inversion to generate variates from monotone discrete
// distributions", 1996): the same distribution in constant memory, a draw or a few per
// rank. Host memory so stays bounded whatever workload.footprint is.

#include <cstdint>
#include <memory>
#include <vector>

#include "xoshiro.h"

namespace mmusim {

class ZipfSampler {
 public:
  // 2^20 ranks: a 4 GiB footprint of 4 KiB pages, an 8 MiB table.
  static constexpr std::uint64_t kTableRanks = std::uint64_t{1} << 20;

  // table_ranks: the most ranks drawn from a table (tests lower it).
  ZipfSampler(std::uint64_t ranks, double alpha, std::uint64_t table_ranks = kTableRanks);
  std::uint64_t operator()(Xoshiro256& rng) const;
  std::uint64_t ranks() const { return ranks_; }

 private:
  double integral(double x) const;          // H(x), the integral of x^-alpha (up to a constant)
  double integral_inverse(double y) const;  // H^-1
  double density(double x) const;           // x^-alpha

  std::uint64_t ranks_;
  double alpha_;
  // The cumulative probabilities of ranks 0..n-1, and where the search for a draw u
  // starts and ends: with u in [j, j + 1) / 2^guide_bits, the first rank whose cumulative
  // probability exceeds u lies in [guide[j], guide[j + 1]], as it does for the bucket's
  // ends. A draw so bisects a few ranks instead of the whole table.
  struct Table {
    std::vector<double> cdf;
    unsigned guide_bits = 0;
    std::vector<std::uint32_t> guide;  // 2^guide_bits + 1 entries
  };
  static std::shared_ptr<const Table> make_table(std::uint64_t ranks, double alpha);
  // One table per (ranks, alpha), kept while some sampler holds it.
  static std::shared_ptr<const Table> shared_table(std::uint64_t ranks, double alpha);
  std::shared_ptr<const Table> table_;  // null beyond kTableRanks
  // Rejection-inversion's constants.
  double integral_first_ = 0;  // H(1.5) - 1
  double integral_last_ = 0;   // H(n + 0.5)
  double squeeze_ = 0;         // ranks this close below their x are accepted at once
};

}  // namespace mmusim
