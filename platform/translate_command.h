#pragma once
// `mmusim translate`: the golden translation service verification engineers script
// against. Page tables come from a memory image, requests from a file; one JSON object
// per request goes to `out`, through the same translation engine the platform uses.

#include <cstdint>
#include <iosfwd>
#include <string>

#include "config.h"

namespace mmusim {

struct TranslateOptions {
  std::string satp;  // hex, with or without 0x
  std::string image_path;
  std::string requests_path;
  MmuConfig mmu;  // from the config and --set; --ad overrides mmu.ad_update
  // After each answer, the reference model's account of it: TLB lookups, each level's
  // PTE address, value and bits, and the rule that decided, with its spec section.
  bool explain = false;
};

// Throws InputError on a malformed image or request file.
void run_translate(const TranslateOptions& options, std::ostream& out);

}  // namespace mmusim
