#include "reference_engine.h"

namespace mmusim {

namespace {
TlbGeometry seeded(TlbGeometry g, std::uint64_t salt) {
  g.seed ^= salt;  // distinct random streams per TLB
  return g;
}
}  // namespace

ReferenceEngine::ReferenceEngine(const MmuConfig& config, PteMemory& memory)
    : config_(config),
      asid_mask_(sv::asid_mask(config.asid_bits)),
      l1_(config.l1),
      l1i_(config.split_l1 ? std::make_unique<Tlb>(seeded(config.l1, 0x11)) : nullptr),
      l2_(config.l2.entries != 0 ? std::make_unique<Tlb>(seeded(config.l2, 0x22)) : nullptr),
      walk_cache_(config.walk_cache_entries != 0
                      ? std::make_unique<WalkCache>(config.walk_cache_entries)
                      : nullptr),
      l1_for_fetch_{&l1_, l1i_ ? l1i_.get() : &l1_},
      walker_(memory, config, walk_cache_.get(), stats_) {
  stats_.split_l1 = config.split_l1;
  stats_.has_l2 = l2_ != nullptr;
  stats_.has_walk_cache = walk_cache_ != nullptr;
}

void ReferenceEngine::write_satp(std::uint64_t raw) {
  auto decoded = sv::Satp::decode(raw);
  // §4.1.11: a write with an unsupported MODE has no effect at all; ASID is WARL, and
  // only the implemented bits are kept.
  decoded.asid &= asid_mask_;
  if (sv::is_supported(decoded.mode)) satp_ = decoded;
  forget_repeated_hit();  // it hit in the old address space
}

void ReferenceEngine::flush(const FlushRequest& request) {
  // §4.2.1: bits of rs2 beyond ASIDLEN are ignored.
  FlushRequest req = request;
  req.asid &= asid_mask_;
  ++stats_.flushes;
  forget_repeated_hit();
  l1_.flush(req);
  if (l1i_) l1i_->flush(req);
  if (l2_) l2_->flush(req);
  if (walk_cache_) walk_cache_->flush(req);
}

bool ReferenceEngine::usable(const TlbEntry* e, const TranslationRequest& req) {
  return e != nullptr && !(req.ctx.kind == AccessKind::Write && (e->pte & sv::kPteD) == 0);
}

TranslationResult ReferenceEngine::fault(sv::Cause cause, sv::Rule rule) {
  ++stats_.faults_by_cause[static_cast<unsigned>(cause)];
  TranslationResult r;
  r.cause = cause;
  r.rule = rule;
  return r;
}

TranslationResult ReferenceEngine::refused_by_entry(const TranslationRequest& req,
                                                    sv::Rule permission) {
  auto r = fault(sv::page_fault_cause(req.ctx.kind), permission);
  r.tlb_hit = true;
  return r;
}

// (inline: a TLB hit, what nearly every translation is)
inline TranslationResult ReferenceEngine::from_permitting_entry(const TlbEntry& e,
                                                                std::uint64_t va) {
  TranslationResult r;
  r.pa = leaf_physical_address(e.pte, e.level, e.napot, va);
  r.level = e.level;
  r.napot = e.napot;
  r.pte = e.pte;
  r.tlb_hit = true;
  return r;
}

inline TranslationResult ReferenceEngine::from_entry(const TlbEntry& e,
                                                     const TranslationRequest& req) {
  const sv::Rule permission = sv::permission_rule(e.pte, req.ctx);
  if (permission != sv::Rule::Translated) return refused_by_entry(req, permission);
  return from_permitting_entry(e, req.va);
}

// Most translations repeat the last one's L1 hit, on a page that allows the access:
// translate() answers those as translate_in_full() would (the hit changes no
// replacement state, D is set for a store) in a few instructions, and Bare mode too.
// The first repeat asks the TLB (Tlb::repeat_hit); the ones after it, while nothing
// else touches the TLBs, are answered from what that one noted (repeated_).
TranslationResult ReferenceEngine::translate(const TranslationRequest& req,
                                             sc_core::sc_time& delay) {
  if (satp_.mode == sv::Mode::Bare) {
    ++stats_.translations;
    TranslationResult r;
    r.pa = req.va;
    r.rule = sv::Rule::Bare;
    return r;
  }
  const bool fetch = req.ctx.kind == AccessKind::Fetch;
  const unsigned context = sv::leaf_needs_index(req.ctx);
  if ((repeated_.contexts >> context & 1) == 0 ||
      (req.va >> repeated_.shift) != repeated_.va_page) {
    const TlbEntry* e = sv::is_canonical(req.va, satp_.mode)
                            ? l1_for_fetch_[fetch]->repeat_hit(req.va, satp_.asid)
                            : nullptr;
    if (e == nullptr || !sv::leaf_needs(req.ctx).met_by(e->pte)) {
      return translate_in_full(req, delay);
    }
    remember_repeated_hit(*e, req.va, context);
  }
  ++stats_.translations;
  delay += config_.l1_latency;
  record_l1(true, fetch);
  TranslationResult r = repeated_.result;
  r.pa |= req.va & ((std::uint64_t{1} << repeated_.shift) - 1);
  return r;
}

void ReferenceEngine::remember_repeated_hit(const TlbEntry& e, std::uint64_t va,
                                            unsigned context) {
  if (repeated_.contexts == 0 || repeated_.entry != &e) {
    repeated_.contexts = 0;
    repeated_.shift = e.shift();
    repeated_.va_page = va >> repeated_.shift;
    repeated_.entry = &e;
    repeated_.result = from_permitting_entry(e, va & ~((std::uint64_t{1} << repeated_.shift) - 1));
  }
  repeated_.contexts |= std::uint32_t{1} << context;
}

TranslationResult ReferenceEngine::translate_in_full(const TranslationRequest& req,
                                                     sc_core::sc_time& delay) {
  forget_repeated_hit();  // the lookup below, or a fill, changes what it relied on
  ++stats_.translations;
  if (!sv::is_canonical(req.va, satp_.mode)) {
    return fault(sv::page_fault_cause(req.ctx.kind), sv::Rule::NonCanonical);
  }

  const bool fetch = req.ctx.kind == AccessKind::Fetch;
  Tlb& l1 = *l1_for_fetch_[fetch];
  delay += config_.l1_latency;
  const TlbEntry* e = l1.lookup(req.va, satp_.asid);
  const bool l1_hit = usable(e, req);
  record_l1(l1_hit, fetch);
  if (l1_hit) return from_entry(*e, req);
  return translate_l1_miss(req, l1, delay);
}

// Kept apart from translate(): what every access does stays small enough to inline.
TranslationResult ReferenceEngine::translate_l1_miss(const TranslationRequest& req, Tlb& l1,
                                                     sc_core::sc_time& delay) {
  if (l2_) {
    delay += config_.l2_latency;
    const TlbEntry* e2 = l2_->lookup(req.va, satp_.asid);
    const bool l2_hit = usable(e2, req);
    stats_.l2.record(l2_hit);
    if (l2_hit) {
      const TlbEntry entry = *e2;
      stats_.l1.record_victim(l1.fill(entry), l1.ways());
      return from_entry(entry, req);
    }
  }

  ++stats_.walks;
  const sc_core::sc_time start = delay;
  const WalkOutcome walked = walker_.walk(satp_, req, delay);
  stats_.walk_latency.record(delay - start);
  if (walked.cause != sv::Cause::None) {  // never fill
    TranslationResult r = fault(walked.cause, walked.rule);
    r.walk_cache_hit = walker_.last_walk_hit_cache();
    return r;
  }

  TlbEntry entry;
  entry.vpn = req.va >> sv::leaf_shift(walked.level, walked.napot);
  entry.pte = walked.pte;
  entry.asid = satp_.asid;
  entry.level = static_cast<std::uint8_t>(walked.level);
  entry.napot = walked.napot;
  entry.global = walked.global;
  stats_.l1.record_victim(l1.fill(entry), l1.ways());
  if (l2_) stats_.l2.record_victim(l2_->fill(entry), l2_->ways());
  TranslationResult r;
  r.pa = leaf_physical_address(walked.pte, walked.level, walked.napot, req.va);
  r.level = walked.level;
  r.napot = walked.napot;
  r.pte = walked.pte;
  r.walk_cache_hit = walker_.last_walk_hit_cache();
  return r;
}

}  // namespace mmusim
