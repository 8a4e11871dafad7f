#pragma once
// Where the QEMU cross-check puts things in the virt machine's RAM, shared by the host
// side and (through the request list's header) the harness, harness.S.

#include <cstdint>

namespace mmusim::verify::qemu {

constexpr std::uint64_t kRamBase = 0x8000'0000;  // virt: RAM starts here; the harness too
constexpr std::uint64_t kRamBytes = std::uint64_t{256} << 20;  // qemu -m 256M
constexpr std::uint64_t kRequests = 0x8010'0000;               // harness.S's REQUESTS
constexpr std::uint64_t kRequestsBytes = std::uint64_t{1} << 20;
// Every word (its PA << 32) | ecall: loads return their PA, fetches trap back.
constexpr std::uint64_t kArena = 0x8020'0000;  // 2 MiB aligned, so a 2 MiB page maps it
constexpr std::uint64_t kArenaBytes = std::uint64_t{2} << 20;
constexpr std::uint64_t kTables = 0x8040'0000;  // every case's page tables
constexpr std::uint64_t kTablesBytes = std::uint64_t{4} << 20;
constexpr std::uint64_t kCopyOffset = kTablesBytes;  // the pristine copy the harness diffs
constexpr std::uint64_t kEcall = 0x73;
constexpr std::uint64_t kStoreValue = 0x5a5a'5a5a'0000'0000;

// The request list: a header of 8 words, then 5 words per request.
constexpr unsigned kHeaderWords = 8;   // -, count, arena, arena bytes, copy offset, store value
constexpr unsigned kRequestWords = 5;  // satp, va, flags, first and end table address
constexpr std::uint64_t kFlagSupervisor = 4, kFlagSum = 8, kFlagMxr = 16;  // | kind (0 r, 1 w, 2 x)

constexpr std::uint64_t arena_word(std::uint64_t pa) { return pa << 32 | kEcall; }
constexpr bool in_arena(std::uint64_t pa) { return pa >= kArena && pa < kArena + kArenaBytes; }

}  // namespace mmusim::verify::qemu
