#pragma once
// What an access is, independent of SystemC: shared by the cpu, the mmu and the firmware.

#include <cstdint>

namespace mmusim {

enum class AccessKind : std::uint8_t { Read, Write, Fetch };
enum class Privilege : std::uint8_t { User, Supervisor };

const char* to_string(AccessKind kind);

}  // namespace mmusim
