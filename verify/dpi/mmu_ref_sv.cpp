// DPI-C glue between a SystemVerilog testbench and mmu_ref.h: the reference reads and
// writes page tables through the testbench's exported mmu_ref_tb_read/mmu_ref_tb_write,
// called in the scope that created it.
#include <svdpi.h>

#include "Vmmu_ref_tb__Dpi.h"
#include "mmu_ref.h"

namespace {

uint64_t read_word(void* scope, uint64_t pa, int* ok) {
  svSetScope(static_cast<svScope>(scope));
  int found = 0;
  const auto value = mmu_ref_tb_read(pa, &found);
  *ok = found;
  return value;
}

int write_word(void* scope, uint64_t pa, uint64_t value) {
  svSetScope(static_cast<svScope>(scope));
  return mmu_ref_tb_write(pa, value);
}

}  // namespace

void* mmu_ref_sv_create(unsigned l1_entries, unsigned l1_ways, unsigned l2_entries,
                        unsigned l2_ways, unsigned wc_entries, int svade) {
  return mmu_ref_create(l1_entries, l1_ways, l2_entries, l2_ways, wc_entries, svade, read_word,
                        write_word, svGetScope());
}

void mmu_ref_sv_write_satp(void* ref, unsigned long long satp) {
  mmu_ref_write_satp(static_cast<mmu_ref*>(ref), satp);
}

unsigned mmu_ref_sv_translate(void* ref, unsigned long long va, unsigned kind, int user, int sum,
                              int mxr, unsigned long long* pa, unsigned* level, int* tlb_hit) {
  uint64_t pa_out = 0;
  uint64_t pte = 0;
  const unsigned cause = mmu_ref_translate(static_cast<mmu_ref*>(ref), va, kind, user, sum, mxr,
                                           &pa_out, level, &pte, tlb_hit);
  *pa = pa_out;
  return cause;
}
