# One verilated variant of the RTL per bug in bug_list.cmake, each its own library,
# linked into its own small campaign executable (tests/rtl_bugs); nothing else uses them.
foreach(bug ${MMUSIM_RTL_BUG_LIST})
  string(TOLOWER ${bug} name)
  # -Wno-fatal: a bug can leave a signal unused.
  mmusim_add_mmu_rtl(mmusim_rtl_bug_${name} ${CMAKE_CURRENT_SOURCE_DIR} -DMMU_BUG_${bug} -Wno-fatal)
endforeach()

# "Bring your own RTL", tried as a user would: a second RTL directory (ours, copied, with
# a bug defined at the top of its package) verilated the way -DMMUSIM_RTL_DIR=DIR does.
set(example ${CMAKE_BINARY_DIR}/user_rtl_example)
file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/sources.txt example_files)
foreach(f ${example_files})
  # An edit of the RTL copies it again (the build re-runs CMake).
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  file(READ ${CMAKE_CURRENT_SOURCE_DIR}/${f} text)
  if(f STREQUAL "mmu_pkg.sv")
    set(text "`define MMU_BUG_NO_ASID_COMPARE\n${text}")
  endif()
  file(WRITE ${example}/${f} "${text}")
endforeach()
file(COPY ${CMAKE_CURRENT_SOURCE_DIR}/sources.txt DESTINATION ${example})
mmusim_add_mmu_rtl(mmusim_rtl_user_example ${example} -Wno-fatal)
