#pragma once
// Physical memory for a verification case: 64-bit words in a DRAM window (anything not
// written reads zero); a read outside the window fails (the walker's access fault).
// Every PTE access is logged, so two engines' walks can be compared access by access.

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "translation_engine.h"

namespace mmusim::verify {

constexpr std::uint64_t kDramBase = 0x8000'0000;
constexpr std::uint64_t kDramBytes = std::uint64_t{64} << 20;

class VerifyMemory final : public PteMemory {
 public:
  using Words = std::unordered_map<std::uint64_t, std::uint64_t>;
  explicit VerifyMemory(Words words) : words_(std::move(words)) {}

  std::optional<std::uint64_t> read_pte(std::uint64_t pa, sc_core::sc_time&) override {
    if (!in_dram(pa)) {
      log.push_back({false, pa, 0, false});
      return std::nullopt;
    }
    const auto it = words_.find(pa);
    const std::uint64_t value = it == words_.end() ? 0 : it->second;
    log.push_back({false, pa, value, true});
    return value;
  }
  bool write_pte(std::uint64_t pa, std::uint64_t pte, sc_core::sc_time&) override {
    const bool ok = in_dram(pa);
    if (ok) words_[pa] = pte;
    log.push_back({true, pa, pte, ok});
    return ok;
  }
  // A store by software (a page-table edit): not logged.
  void store(std::uint64_t pa, std::uint64_t value) { words_[pa] = value; }
  std::uint64_t word(std::uint64_t pa) const {
    const auto it = words_.find(pa);
    return it == words_.end() ? 0 : it->second;
  }
  const Words& words() const { return words_; }

  std::vector<PteAccess> log;  // cleared by the caller per translation

 private:
  static bool in_dram(std::uint64_t pa) { return pa >= kDramBase && pa < kDramBase + kDramBytes; }
  Words words_;
};

}  // namespace mmusim::verify
