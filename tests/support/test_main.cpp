// GoogleTest entry for test binaries: libsystemc defines main and calls sc_main, so the
// tests must not link gtest_main. CTest runs each test in its own process
// (gtest_discover_tests), because SystemC elaborates once per process.

#include <cstdlib>
#include <gtest/gtest.h>
#include <systemc>

static const int kNoBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
