#pragma once
// Builds the translation engine mmu.impl asks for: the reference model, the verilated
// RTL, or both in lockstep.

#include <memory>

#include "mmu_config.h"
#include "translation_engine.h"

namespace mmusim {

std::unique_ptr<TranslationEngine> make_engine(const MmuConfig& config, PteMemory& memory);

}  // namespace mmusim
