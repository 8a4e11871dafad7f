#pragma once
// A `mmusim translate` image and requests file: how the campaign's shrinker and the QEMU
// cross-check hand a case to the user to replay.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "translation_engine.h"

namespace mmusim::verify {

// "0x1000 w u sum": one line of a requests file.
std::string request_line(const TranslationRequest& r);

struct TranslatePair {
  std::string image, requests;  // the paths written
};

// Writes <prefix>.image.txt (`words`, after `note` as a comment) and
// <prefix>.requests.txt (`requests`, after a comment naming `satp`).
TranslatePair write_translate_pair(const std::string& prefix, const std::string& note,
                                   const std::map<std::uint64_t, std::uint64_t>& words,
                                   std::uint64_t satp,
                                   const std::vector<TranslationRequest>& requests);

// The command that replays it.
std::string translate_command(const TranslatePair& pair, std::uint64_t satp);

}  // namespace mmusim::verify
