# Bugs put into the RTL on purpose, each behind a define (`MMU_BUG_<NAME>` in the .sv
# files), to show that `mmusim verify` catches every one: rtl/bugs.cmake builds one
# variant per bug, tests/CMakeLists.txt one test per variant.
set(MMUSIM_RTL_BUG_LIST
  SUM_IGNORED                 # S-mode loads and stores reach U pages without SUM
  NO_ASID_COMPARE             # a TLB lookup matches entries of every ASID
  ASID_FLUSH_DROPS_GLOBAL     # SFENCE.VMA by ASID removes global entries too
  VA_FLUSH_MISSES_SUPERPAGES  # SFENCE.VMA by VA removes only 4 KiB entries
  SUPERPAGE_OFFSET            # a superpage's physical address keeps only 12 offset bits
  RESERVED_IGNORED            # PTE bits 63:54 do not fault
  MISALIGNED_OK               # a misaligned superpage translates
  NO_A_UPDATE                 # the hardware A/D update does not set A
  NO_D_ON_STORE               # the hardware A/D update does not set D on a store
  STALE_WALK_CACHE)           # SFENCE.VMA leaves the walk cache as it is

