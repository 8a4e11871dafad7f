// A campaign against one RTL variant with a bug put in on purpose (rtl/bugs.cmake):
// exits 0 when `mmusim verify`'s checks catch it within the budget, printing the seed,
// the operation, both answers and the coverage bin of the failing translation, and the
// failure shrunk; exits 1 (a bug in the campaign) when they do not.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "campaign.h"
#include "shrink.h"
#include "rtl_engine.h"

// No SystemC banner: a static initialiser runs before libsystemc's main.
static const int kNoBanner = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

int sc_main(int argc, char* argv[]) {
  using namespace mmusim;
  const std::string name = argc > 1 ? argv[1] : "?";
  const std::uint64_t seeds = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200;
  const MmuConfig mmu = verify::campaign_geometry();
  const verify::DutFactory rtl = [](const MmuConfig& c, PteMemory& m) {
    return std::make_unique<RtlEngine>(c, m);
  };
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    verify::Coverage coverage(mmu);
    const verify::Case c = verify::generate_case(seed, 2000, mmu.asid_bits);
    if (const auto failure = verify::run_case(c, mmu, rtl, coverage)) {
      std::cout << "bug " << name << " caught: seed " << failure->seed << ", operation "
                << failure->operation << ": " << failure->what << '\n';
      const verify::Shrunk s = verify::shrink(c, *failure, mmu, rtl);
      std::cout << "shrunk to " << s.c.operations.size() << " operations and " << s.c.memory.size()
                << " memory words: " << s.failure.what << '\n';
      if (argc > 3) {  // the RTL's waves of the 20 operations up to the failure
        MmuConfig traced = mmu;
        traced.rtl_waves = argv[3];
        traced.waves_window.from_ps =
            (failure->operation > 20 ? failure->operation - 20 : 0) * verify::kOperationTimePs;
        traced.waves_window.to_ps = (failure->operation + 1) * verify::kOperationTimePs;
        verify::Coverage again(mmu);
        if (!verify::run_case(c, traced, rtl, again)) return 1;  // the failure must recur
        std::ifstream fst(argv[3], std::ios::binary | std::ios::ate);
        std::cout << "waves: " << argv[3] << ", " << fst.tellg() << " bytes\n";
        if (!fst || fst.tellg() <= 0) return 1;
      }
      return 0;
    }
  }
  std::cout << "bug " << name << " NOT caught in " << seeds << " seeds\n";
  return 1;
}
