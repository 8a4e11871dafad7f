// libsystemc.so brings a main() that calls sc_main(), so it needs one to link. A fuzz
// target's main is libFuzzer's, which calls LLVMFuzzerTestOneInput instead: this is never
// run.
#include <cstdlib>

extern "C" int sc_main(int, char*[]) { std::abort(); }
