#pragma once
// Translations and walks in words, for checkers' failure reports (lockstep, verify):
// one form, so that every report reads the same.

#include <cstdint>
#include <string>
#include <vector>

#include "translation_engine.h"

namespace mmusim {

// "write of VA 0x1000 (U, SUM) under satp 0x8000..."
std::string describe(const TranslationRequest& req, std::uint64_t satp);
// "pa 0x80004234 level 0 pte 0x200010d7, TLB miss" or "fault load_page_fault, TLB hit",
// with the rule when the engine names one that is not a translation.
std::string describe(const TranslationResult& r);
// "[read 0x80000000=0x20000401, write ...]"
std::string describe(const std::vector<PteAccess>& log);
// Whether two engines gave the same answer in all they report: cause, TLB hit, and for
// a translation its PA, level and leaf PTE.
bool same_answer(const TranslationResult& a, const TranslationResult& b);

}  // namespace mmusim
