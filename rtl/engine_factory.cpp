#include "engine_factory.h"

#include "lockstep_engine.h"
#include "reference_engine.h"
#include "rtl_engine.h"

namespace mmusim {

std::unique_ptr<TranslationEngine> make_engine(const MmuConfig& config, PteMemory& memory) {
  switch (config.impl) {
    case MmuImpl::Model: return std::make_unique<ReferenceEngine>(config, memory);
    case MmuImpl::Rtl: return std::make_unique<RtlEngine>(config, memory);
    case MmuImpl::Lockstep:
      return std::make_unique<LockstepEngine>(config, memory, config.inject_ad_divergence);
  }
  return nullptr;
}

}  // namespace mmusim
