/* The reference MMU (TLBs + walker + walk cache: the same code as mmusim's) as a C
 * library, to check an MMU against from any testbench. Page tables are read and written
 * through the two callbacks. Plain integers everywhere:
 *   kind: 0 read, 1 write, 2 fetch;  flush kind: 0 all, 1 ASID, 2 VA, 3 VA + ASID;
 *   the return of mmu_ref_translate: 0 translated, else the exception code (12, 13, 15
 *   page faults; 1, 5, 7 access faults).  Example: mmu_ref_tb.sv. */
#ifndef MMUSIM_MMU_REF_H
#define MMUSIM_MMU_REF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mmu_ref mmu_ref;

/* Reads the 8-byte word at pa; sets *ok to 0 when there is no memory there. */
typedef uint64_t (*mmu_ref_read_fn)(void* user, uint64_t pa, int* ok);
/* Writes the word (a hardware A/D update); returns 0 when there is no memory there. */
typedef int (*mmu_ref_write_fn)(void* user, uint64_t pa, uint64_t value);

/* TLB geometry (entries, ways; l2_entries 0 = no L2), walk-cache entries (0 = none),
 * svade: 1 faults on A/D clear, 0 sets them in memory (Svadu); LRU replacement. */
mmu_ref* mmu_ref_create(unsigned l1_entries, unsigned l1_ways, unsigned l2_entries,
                        unsigned l2_ways, unsigned walk_cache_entries, int svade,
                        mmu_ref_read_fn read, mmu_ref_write_fn write, void* user);
void mmu_ref_destroy(mmu_ref* ref);
void mmu_ref_write_satp(mmu_ref* ref, uint64_t satp);
void mmu_ref_flush(mmu_ref* ref, unsigned kind, uint64_t va, unsigned asid);
unsigned mmu_ref_translate(mmu_ref* ref, uint64_t va, unsigned kind, int user, int sum, int mxr,
                           uint64_t* pa, unsigned* level, uint64_t* pte, int* tlb_hit);

#ifdef __cplusplus
}
#endif

#endif
