// The C ABI of mmu_ref.h over the reference engine.
#include "mmu_ref.h"

#include <memory>

#include "reference_engine.h"

struct mmu_ref {
  // The walker's memory: the caller's callbacks.
  class Memory final : public mmusim::PteMemory {
   public:
    Memory(mmu_ref_read_fn read, mmu_ref_write_fn write, void* user)
        : read_(read), write_(write), user_(user) {}
    std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time&) override {
      int ok = 1;
      const std::uint64_t value = read_(user_, pa, &ok);
      if (ok == 0) return std::nullopt;
      return value;
    }
    bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time&) override {
      return write_(user_, pa, pte) != 0;
    }

   private:
    mmu_ref_read_fn read_;
    mmu_ref_write_fn write_;
    void* user_;
  };

  mmu_ref(const mmusim::MmuConfig& config, mmu_ref_read_fn read, mmu_ref_write_fn write, void* user)
      : memory(read, write, user), engine(config, memory) {}
  Memory memory;
  mmusim::ReferenceEngine engine;
};

extern "C" {

mmu_ref* mmu_ref_create(unsigned l1_entries, unsigned l1_ways, unsigned l2_entries,
                        unsigned l2_ways, unsigned walk_cache_entries, int svade,
                        mmu_ref_read_fn read, mmu_ref_write_fn write, void* user) {
  using namespace mmusim;
  const bool geometry_ok = l1_entries != 0 && l1_ways != 0 && l1_entries % l1_ways == 0 &&
                           (l2_entries == 0 || (l2_ways != 0 && l2_entries % l2_ways == 0));
  if (!geometry_ok || read == nullptr || write == nullptr) return nullptr;
  MmuConfig config;
  config.l1 = {l1_entries, l1_ways, ReplacementKind::Lru, 1};
  config.l2 = {l2_entries, l2_entries == 0 ? 1 : l2_ways, ReplacementKind::Lru, 1};
  config.walk_cache_entries = walk_cache_entries;
  config.ad_update = svade != 0 ? AdUpdate::Fault : AdUpdate::Hardware;
  return new mmu_ref(config, read, write, user);
}

void mmu_ref_destroy(mmu_ref* ref) { delete ref; }

void mmu_ref_write_satp(mmu_ref* ref, uint64_t satp) { ref->engine.write_satp(satp); }

void mmu_ref_flush(mmu_ref* ref, unsigned kind, uint64_t va, unsigned asid) {
  if (kind > 3) return;
  ref->engine.flush(
      {static_cast<mmusim::mmu_regs::FlushKind>(kind), va, static_cast<std::uint16_t>(asid)});
}

unsigned mmu_ref_translate(mmu_ref* ref, uint64_t va, unsigned kind, int user, int sum, int mxr,
                           uint64_t* pa, unsigned* level, uint64_t* pte, int* tlb_hit) {
  using namespace mmusim;
  if (kind > 2) return static_cast<unsigned>(sv::Cause::LoadAccessFault);
  TranslationRequest req;
  req.va = va;
  req.ctx = {static_cast<AccessKind>(kind), user != 0 ? Privilege::User : Privilege::Supervisor,
             sum != 0, mxr != 0};
  sc_core::sc_time delay;
  const TranslationResult r = ref->engine.translate(req, delay);
  if (pa != nullptr) *pa = r.pa;
  if (level != nullptr) *level = r.level;
  if (pte != nullptr) *pte = r.pte;
  if (tlb_hit != nullptr) *tlb_hit = r.tlb_hit ? 1 : 0;
  return static_cast<unsigned>(r.cause);
}

}  // extern "C"
