#include "hierarchy.h"

namespace mmusim {

SnoopingPort::SnoopingPort(const sc_core::sc_module_name& name, std::vector<Cache*> above,
                           CacheableRange cacheable)
    : sc_core::sc_module(name), above_(std::move(above)), cacheable_(cacheable) {
  target.register_b_transport(this, &SnoopingPort::b_transport);
  target.register_transport_dbg(this, &SnoopingPort::transport_dbg);
}

void SnoopingPort::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (cacheable_.holds(addr, length)) {
    // Nearest the cpu first: its dirty lines are the newest and land in the next level,
    // which hands them on in turn.
    for (Cache* cache : above_) {
      if (trans.is_write()) {
        cache->clean_invalidate(addr, length, delay);
      } else {
        cache->clean(addr, length, delay);
      }
    }
  }
  initiator->b_transport(trans, delay);
}

CacheHierarchy::CacheHierarchy(const sc_core::sc_module_name& name, const HierarchyConfig& config,
                               CacheableRange cacheable, TargetSocket& memory)
    : sc_core::sc_module(name), memory_(memory) {
  Cache* above = nullptr;
  for (unsigned i = 0; i < caches_.size(); ++i) {
    if (config.levels[i].size == 0) continue;
    CacheConfig level = config.levels[i];
    level.level = i;
    caches_[i] = std::make_unique<Cache>(kCacheLevelNames[i], level, cacheable);
    if (above != nullptr) above->next.bind(caches_[i]->target);
    above = caches_[i].get();
  }
  if (above != nullptr) above->next.bind(memory_);
  walker_entry_ = snooped_entry(config.walker_entry, walker_port_, "walker_port", cacheable);
  dma_entry_ = config.snoop_dma
                   ? snooped_entry(CacheLevel::Memory, dma_port_, "dma_port", cacheable)
                   : &memory_;
}

TargetSocket& CacheHierarchy::entry(CacheLevel from) {
  for (auto i = static_cast<unsigned>(from); i < caches_.size(); ++i) {
    if (caches_[i]) return caches_[i]->target;
  }
  return memory_;
}

TargetSocket* CacheHierarchy::snooped_entry(CacheLevel at, std::unique_ptr<SnoopingPort>& port,
                                            const char* name, CacheableRange cacheable) {
  std::vector<Cache*> above;
  for (unsigned i = 0; i < static_cast<unsigned>(at) && i < caches_.size(); ++i) {
    if (caches_[i]) above.push_back(caches_[i].get());
  }
  if (above.empty()) return &entry(at);
  port = std::make_unique<SnoopingPort>(name, std::move(above), cacheable);
  port->initiator.bind(entry(at));
  return &port->target;
}

}  // namespace mmusim
