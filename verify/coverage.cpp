#include "coverage.h"

#include <iomanip>
#include <stdexcept>

namespace mmusim::verify {

namespace {

using sv::Rule;

const char* kind_name(AccessKind k) {
  return k == AccessKind::Read ? "read" : k == AccessKind::Write ? "write" : "fetch";
}
const char* size_name(unsigned size_class) {
  static const char* const kSizes[sv::kPageSizeClasses] = {"4K", "64K", "2M", "1G", "512G", "256T"};
  return kSizes[size_class];
}

// Rules every access kind can meet, and those that belong to one kind.
const Rule kAnyKind[] = {Rule::Invalid,
                         Rule::WriteWithoutRead,
                         Rule::ReservedBits,
                         Rule::NonLeafNPbmt,
                         Rule::PbmtReserved,
                         Rule::NapotReserved,
                         Rule::NonLeafAdu,
                         Rule::NoLeaf,
                         Rule::SupervisorPageFromU,
                         Rule::AccessFault,
                         Rule::MisalignedSuperpage,
                         Rule::NonCanonical,
                         Rule::AccessedClear};
const std::pair<AccessKind, Rule> kKindRules[] = {
    {AccessKind::Read, Rule::NoRead},         {AccessKind::Read, Rule::UserPageFromS},
    {AccessKind::Write, Rule::NoWrite},       {AccessKind::Write, Rule::UserPageFromS},
    {AccessKind::Write, Rule::DirtyClear},    {AccessKind::Fetch, Rule::NoExecute},
    {AccessKind::Fetch, Rule::UserFetchFromS}};

}  // namespace

Coverage::Coverage(const MmuConfig& mmu) {
  for (const AccessKind k : {AccessKind::Read, AccessKind::Write, AccessKind::Fetch}) {
    bins_[std::string("ok.") + kind_name(k)] = 0;
    for (const Rule r : kAnyKind)
      bins_[std::string("fault.") + kind_name(k) + "." + sv::to_string(r)] = 0;
  }
  for (const auto& [k, r] : kKindRules)
    bins_[std::string("fault.") + kind_name(k) + "." + sv::to_string(r)] = 0;
  for (const char* b : {"ok.mxr", "ok.sum", "ad.hw_a", "ad.hw_ad", "ad.hw_d", "edit.flushed",
                        "edit.unflushed", "stale.allowed", "satp.switch", "satp.asid_only",
                        "global.hit", "pbmt.nc", "pbmt.io", "napot.other_pte",
                        "napot.unlike_allowed"}) {
    bins_[b] = 0;
  }
  // What the geometry can do, and no more: a bin it cannot reach would keep a campaign
  // below 100 % for ever.
  const auto victim_bins = [&](const std::string& tlb, unsigned ways) {
    bins_["victim." + tlb + ".first"] = 0;
    if (ways >= 3) bins_["victim." + tlb + ".middle"] = 0;
    if (ways >= 2) bins_["victim." + tlb + ".last"] = 0;
  };
  victim_bins("l1", mmu.l1.ways);
  if (mmu.l2.entries != 0) victim_bins("l2", mmu.l2.ways);
  if (mmu.walk_cache_entries != 0) {
    for (const char* b : {"walk_cache.hit", "walk_cache.miss", "walk_cache.hit.level1",
                          "walk_cache.hit.level2", "walk_cache.hit.level3",
                          "walk_cache.hit.level4"}) {
      bins_[b] = 0;
    }
  }
  for (unsigned size = 0; size < sv::kPageSizeClasses; ++size) {
    for (const char* where : {"l1_hit", "l2_hit", "miss"}) {
      if (mmu.l2.entries == 0 && std::string(where) == "l2_hit") continue;
      bins_[std::string("tlb.") + where + "." + size_name(size)] = 0;
    }
  }
  // Each flush form with each kind of entry it removes or keeps (§4.2.1): the entry it
  // names ("match"), a global one, another ASID's, another page's.
  for (const char* b : {"all.issued",
                        "asid.issued",
                        "va.issued",
                        "va_asid.issued",
                        "all.removed.match",
                        "all.removed.global",
                        "all.removed.other_asid",
                        "all.removed.other_va",
                        "asid.removed.match",
                        "asid.kept.global",
                        "asid.kept.other_asid",
                        "va.removed.match",
                        "va.removed.global",
                        "va.removed.other_asid",
                        "va.kept.other_va",
                        "va.removed.superpage",
                        "va_asid.removed.superpage",
                        "va.removed.napot",
                        "va_asid.removed.napot",
                        "va_asid.removed.match",
                        "va_asid.kept.global",
                        "va_asid.kept.other_asid",
                        "va_asid.kept.other_va"}) {
    // With no ASID bits every entry has the same ASID (§4.1.11).
    if (mmu.asid_bits == 0 && std::string(b).find("other_asid") != std::string::npos) continue;
    bins_[std::string("flush.") + b] = 0;
  }
}

void Coverage::hit(const std::string& bin) {
  const auto it = bins_.find(bin);
  if (it == bins_.end()) throw std::logic_error("coverage: undeclared bin " + bin);
  ++it->second;
}

void Coverage::translation(const TranslationRequest& req, const TranslationResult& r,
                           std::uint16_t asid, const MmuStats& before, const MmuStats& after,
                           const std::vector<PteAccess>& log, const std::vector<WalkStep>& steps) {
  if (r.rule == Rule::Bare) return;
  hit(outcome_bin(req, r));
  if (r.ok()) {
    if (req.ctx.kind == AccessKind::Read && (r.pte & sv::kPteR) == 0) hit("ok.mxr");
    if (req.ctx.priv == Privilege::Supervisor && (r.pte & sv::kPteU) != 0) hit("ok.sum");
    const std::string size = size_name(sv::size_class(r.level, r.napot));
    if (r.pbmt() == sv::Pbmt::Nc) hit("pbmt.nc");
    if (r.pbmt() == sv::Pbmt::Io) hit("pbmt.io");
    if (after.l1.hits > before.l1.hits) {
      hit("tlb.l1_hit." + size);
    } else if (after.l2.hits > before.l2.hits) {
      hit("tlb.l2_hit." + size);
    } else {
      hit("tlb.miss." + size);
    }
    if (r.tlb_hit && (r.pte & sv::kPteG) != 0) hit("global.hit");
  }
  if (after.walk_cache.hits > before.walk_cache.hits) hit("walk_cache.hit");
  for (const WalkStep& step : steps) {
    if (step.from_walk_cache) hit("walk_cache.hit.level" + std::to_string(step.level));
  }
  static const char* const kPositions[] = {"first", "middle", "last"};
  for (unsigned p = 0; p < 3; ++p) {
    if (after.l1.victims[p] > before.l1.victims[p]) hit(std::string("victim.l1.") + kPositions[p]);
    if (after.l2.victims[p] > before.l2.victims[p]) hit(std::string("victim.l2.") + kPositions[p]);
  }
  if (after.walk_cache.misses > before.walk_cache.misses) hit("walk_cache.miss");
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (!log[i].write || i == 0) continue;
    const std::uint64_t added = log[i].value & ~log[i - 1].value;
    hit(added == sv::kPteA ? "ad.hw_a" : added == sv::kPteD ? "ad.hw_d" : "ad.hw_ad");
  }
  // What did the last flush do to an entry that hit before it? The first lookup in the
  // entry's span tells: a hit means it survived (a refill would be a miss first). An
  // entry the spec keeps may still be gone (evicted): only the expected outcome counts.
  for (unsigned size = 0; size < sv::kPageSizeClasses; ++size) {
    const auto it = hit_before_flush_.find({asid, size, req.va >> sv::size_class_shift(size)});
    if (it == hit_before_flush_.end()) continue;
    const bool kept = it->second.find(".kept.") != std::string::npos;
    if (kept == r.tlb_hit) hit("flush." + it->second);
    hit_before_flush_.erase(it);
  }
  if (r.tlb_hit) {
    const unsigned size = r.ok() ? sv::size_class(r.level, r.napot) : 0;
    hit_since_flush_[{asid, size, req.va >> sv::size_class_shift(size)}] = (r.pte & sv::kPteG) != 0;
  }
  // A NAPOT page filled from one of its 16 PTEs, then hit for a VA of another (§5: one
  // entry serves the whole range).
  if (r.ok() && r.napot && !r.tlb_hit)
    napot_filled_from_[{asid, req.va >> sv::kNapotShift}] = sv::vpn(req.va, 0) & 0xF;
  if (r.ok() && r.napot && r.tlb_hit) {
    const auto it = napot_filled_from_.find({asid, req.va >> sv::kNapotShift});
    if (it != napot_filled_from_.end() && it->second != (sv::vpn(req.va, 0) & 0xF)) {
      hit("napot.other_pte");
    }
  }
}

std::string Coverage::outcome_bin(const TranslationRequest& req, const TranslationResult& r) {
  const std::string kind = kind_name(req.ctx.kind);
  return r.ok() ? "ok." + kind : "fault." + kind + "." + sv::to_string(r.rule);
}

void Coverage::flush(const FlushRequest& req) {
  using mmu_regs::FlushKind;
  const std::string form = mmu_regs::to_string(req.kind);
  hit("flush." + form + ".issued");
  hit_before_flush_.clear();
  for (const auto& [key, global] : hit_since_flush_) {
    const auto& [asid, size, vpn] = key;
    const bool same_va = (req.va >> sv::size_class_shift(size)) == vpn;
    const bool same_asid = asid == req.asid;
    // Why the flush should remove or keep it, in the spec's order of the operands.
    const bool by_va = req.kind == FlushKind::Va || req.kind == FlushKind::VaAsid;
    const bool by_asid = req.kind == FlushKind::Asid || req.kind == FlushKind::VaAsid;
    std::string why = "match";
    bool removed = true;
    if (by_va && !same_va) {
      why = "other_va", removed = false;
    } else if (by_asid && global) {
      why = "global", removed = false;
    } else if (by_asid && !same_asid) {
      why = "other_asid", removed = false;
    } else if (!by_asid && global) {
      why = "global";
    } else if (!by_asid && !same_asid) {
      why = "other_asid";
    } else if (!by_va && !by_asid && !same_va) {
      why = "other_va";
    }
    // A VA form removing a superpage that holds the VA: the case a walker-side shortcut
    // (probing only the 4 KiB set) gets wrong.
    if (by_va && removed && why == "match" && size > 0) why = size == 1 ? "napot" : "superpage";
    hit_before_flush_[key] = form + (removed ? ".removed." : ".kept.") + why;
  }
  hit_since_flush_.clear();
}

void Coverage::satp(bool same_tables) { hit(same_tables ? "satp.asid_only" : "satp.switch"); }
void Coverage::edit(bool flushed) { hit(flushed ? "edit.flushed" : "edit.unflushed"); }
void Coverage::stale_answer() { hit("stale.allowed"); }
void Coverage::napot_answer() { hit("napot.unlike_allowed"); }

void Coverage::merge(const nlohmann::json& counts) {
  for (const auto& [bin, count] : counts.items()) {
    const auto it = bins_.find(bin);
    if (it == bins_.end() || !count.is_number_unsigned()) {
      throw std::invalid_argument("unknown coverage bin '" + bin +
                                  "' (coverage merges across runs of the same mmu keys)");
    }
    it->second += count.get<std::uint64_t>();
  }
}

nlohmann::json Coverage::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [bin, count] : bins_) out[bin] = count;
  return out;
}

std::vector<std::string> Coverage::missed() const {
  std::vector<std::string> out;
  for (const auto& [bin, count] : bins_) {
    if (count == 0) out.push_back(bin);
  }
  return out;
}

double Coverage::percent() const {
  return 100.0 * static_cast<double>(bins_.size() - missed().size()) /
         static_cast<double>(bins_.size());
}

void Coverage::print(std::ostream& out) const {
  std::map<std::string, std::pair<unsigned, unsigned>> groups;  // group -> (hit, all)
  for (const auto& [bin, count] : bins_) {
    auto& g = groups[bin.substr(0, bin.find('.'))];
    g.first += count != 0;
    ++g.second;
  }
  out << "coverage  " << std::fixed << std::setprecision(1) << percent() << "% of " << bins_.size()
      << " bins\n";
  for (const auto& [group, n] : groups) {
    out << "  " << std::left << std::setw(12) << group << std::right << std::setw(4) << n.first
        << " / " << n.second << '\n';
  }
  const auto never = missed();
  if (!never.empty()) {
    out << "  never hit:";
    for (const auto& bin : never) out << ' ' << bin;
    out << '\n';
  }
}

}  // namespace mmusim::verify
