#pragma once
// Functional coverage of the MMU, as named bins: which rule decided each translation,
// crossed with the access kind where the rule depends on it; TLB hits by level and page
// size; where in its set each TLB's replacement victim sat; the walk cache's hits by the
// level of the pointer they gave; hardware A/D updates; the four flush forms and whether an entry
// a flush should remove (or keep) was removed (or kept); page-table edits with and
// without their flush, and stale answers the spec allows. Every bin is declared up
// front, so bins never hit can be listed by name; counts merge across seeds and runs.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "mmu_config.h"
#include "translation_engine.h"
#include "walker.h"

namespace mmusim::verify {

class Coverage {
 public:
  // The bins `mmu`'s geometry can reach (victims in the middle of a set need three ways,
  // L2 bins an L2, walk-cache bins a walk cache, other-ASID bins an ASID bit).
  explicit Coverage(const MmuConfig& mmu);

  // One translation as the reference engine answered it; `before`/`after` are its
  // stats around the call, `log` its PTE accesses, `steps` its walk.
  void translation(const TranslationRequest& req, const TranslationResult& result,
                   std::uint16_t asid, const MmuStats& before, const MmuStats& after,
                   const std::vector<PteAccess>& log, const std::vector<WalkStep>& steps);
  void flush(const FlushRequest& req);
  // The bin a translation's outcome falls in: ok.<kind> or fault.<kind>.<rule>.
  static std::string outcome_bin(const TranslationRequest& req, const TranslationResult& result);
  void satp(bool same_tables);
  void edit(bool flushed);
  void stale_answer();
  // An answer through another PTE of an unlike NAPOT group, which the spec allows.
  void napot_answer();

  // Adds another run's counts (a coverage.json object); unknown bins are an error.
  void merge(const nlohmann::json& counts);
  nlohmann::json to_json() const;
  std::vector<std::string> missed() const;
  double percent() const;
  // A table: each group of bins, how many were hit, and the bins never hit.
  void print(std::ostream& out) const;

 private:
  void hit(const std::string& bin);
  std::map<std::string, std::uint64_t> bins_;
  // TLB entries that hit, as (ASID, page-size class, VA >> its shift): since the last
  // flush; and before it, with what the flush should have done to each (until a lookup
  // in their span shows what it did).
  using EntryKey = std::tuple<std::uint16_t, unsigned, std::uint64_t>;
  std::map<EntryKey, bool> hit_since_flush_;          // -> global
  std::map<EntryKey, std::string> hit_before_flush_;  // -> "<form>.<removed|kept>.<why>"
  // NAPOT pages walked, as (ASID, VA >> 16): which of the 16 PTEs the walk read.
  std::map<std::pair<std::uint16_t, std::uint64_t>, unsigned> napot_filled_from_;
};

}  // namespace mmusim::verify
