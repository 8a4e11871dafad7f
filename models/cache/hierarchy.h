#pragma once
// The caches between the cpu side and the bus, each level optional, and where each kind
// of requester enters them (models/cache/README.md):
//
//   mmu (translated accesses) --+
//   firmware (physical)  -------+--> l1d --> l2 --> llc --> bus --> dram
//   walker (PTEs) --------- at mmu.walker_path, the levels above it snooped
//   swap DMA --------------- at the bus, every level snooped
//
// An agent that enters below a level first makes that level coherent for the lines it
// touches: a read has the dirty lines written back, a write has them written back and
// dropped. Without any level every requester binds straight to the bus.

#include <array>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "cache.h"

namespace mmusim {

enum class CacheLevel { L1d, L2, Llc, Memory };
constexpr std::array<const char*, 3> kCacheLevelNames = {"l1d", "l2", "llc"};
static_assert(kCacheLevelNames.size() == PteTraffic::kMaxCacheLevels);

struct HierarchyConfig {
  std::array<CacheConfig, 3> levels;  // l1d, l2, llc; size 0: absent
  CacheLevel walker_entry = CacheLevel::L1d;
  // false only to show the integrity checker catching what it breaks
  // (cache.fault_injection=skip_dma_snoop).
  bool snoop_dma = true;
};

using TargetSocket = tlm::tlm_base_target_socket_b<>;

// Makes the levels above an entry point coherent for each request, then passes it on.
class SnoopingPort final : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SnoopingPort> target{"target"};
  tlm_utils::simple_initiator_socket<SnoopingPort> initiator{"initiator"};

  SnoopingPort(const sc_core::sc_module_name& name, std::vector<Cache*> above,
               CacheableRange cacheable);
  SnoopingPort(const SnoopingPort&) = delete;
  SnoopingPort& operator=(const SnoopingPort&) = delete;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // Debug access goes on below without consulting the levels above (it may miss a
  // dirty line there; the data path's debug access, through l1d, sees every copy).
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return initiator->transport_dbg(trans);
  }

  const std::vector<Cache*> above_;  // nearest the cpu first
  const CacheableRange cacheable_;
};

class CacheHierarchy final : public sc_core::sc_module {
 public:
  CacheHierarchy(const sc_core::sc_module_name& name, const HierarchyConfig& config,
                 CacheableRange cacheable, TargetSocket& memory);
  CacheHierarchy(const CacheHierarchy&) = delete;
  CacheHierarchy& operator=(const CacheHierarchy&) = delete;

  // Where the cpu's translated accesses and the firmware's physical ones enter.
  TargetSocket& data_entry() { return entry(CacheLevel::L1d); }
  // Where the page-table walker's PTE reads and A/D writes enter.
  TargetSocket& walker_entry() { return *walker_entry_; }
  // Where device DMA enters: the bus, once the caches hold nothing newer than memory.
  TargetSocket& dma_entry() { return *dma_entry_; }

  void restart_stats() {
    for (auto& cache : caches_) {
      if (cache) cache->restart_stats();
    }
  }
  // The level, or null when it is absent.
  const Cache* level(CacheLevel which) const { return caches_[static_cast<unsigned>(which)].get(); }

 private:
  // The first level present at or below `from` (memory when none is).
  TargetSocket& entry(CacheLevel from);
  // Binds an agent entering at `at` to it through a port snooping every level above.
  TargetSocket* snooped_entry(CacheLevel at, std::unique_ptr<SnoopingPort>& port,
                              const char* name, CacheableRange cacheable);

  std::array<std::unique_ptr<Cache>, 3> caches_;
  TargetSocket& memory_;
  std::unique_ptr<SnoopingPort> walker_port_;
  std::unique_ptr<SnoopingPort> dma_port_;
  TargetSocket* walker_entry_ = nullptr;
  TargetSocket* dma_entry_ = nullptr;
};

}  // namespace mmusim
