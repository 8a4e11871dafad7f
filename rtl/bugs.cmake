# One verilated variant of the RTL per bug in bug_list.cmake, each its own library,
# linked into its own small campaign executable (tests/rtl_bugs); nothing else uses them.
foreach(bug ${MMUSIM_RTL_BUG_LIST})
  string(TOLOWER ${bug} name)
  add_library(mmusim_rtl_bug_${name} STATIC rtl_engine.cpp tlb_cfg.cpp)
  verilate(mmusim_rtl_bug_${name}
    SOURCES ${RTL_SOURCES}
    TOP_MODULE mmu_top
    PREFIX Vmmu_top
    TRACE_FST
    # -Wno-fatal: a bug can leave a signal unused.
    VERILATOR_ARGS ${RTL_VERILATOR_ARGS} ${RTL_PARAMS} -DMMU_BUG_${bug} -Wno-fatal
    OPT_FAST -O2)
  target_include_directories(mmusim_rtl_bug_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(mmusim_rtl_bug_${name} PUBLIC mmusim_mmu)
  target_compile_options(mmusim_rtl_bug_${name} PRIVATE -Wno-unused-parameter)
endforeach()
