#pragma once
// Host memory for the simulated data, in 4 KiB pages: DRAM's and the swap device's
// storage, and the integrity checker's shadow. A run touches tens of thousands of them.
// Each from the heap was a first touch of fresh host memory, a page fault apiece, and
// the data then spread over as many host TLB entries (perf on `paging`: 6 % in
// `_int_malloc` and the kernel's fault path, the loads of the data itself the largest
// single cost). Here they come from 2 MiB chunks the kernel may back with transparent
// huge pages (madvise), handed out in order, so the pages in use stay dense and host
// memory still grows with the pages made: at most one chunk more.
//
// One pool per process, not thread-safe: a simulation runs in one thread (SystemC
// elaborates once per process). Under AddressSanitizer the pages come from the heap, so
// that a run off a page's end is still reported.

#include <cstdint>
#include <memory>

namespace mmusim {

namespace host_pages {

inline constexpr std::uint64_t kBytes = 4096;

// A zero-filled page. Throws std::bad_alloc when the host has no memory left.
std::uint8_t* allocate();
// Gives a page back for reuse (nullptr: nothing).
void release(std::uint8_t* page) noexcept;

}  // namespace host_pages

struct HostPageRelease {
  void operator()(std::uint8_t* page) const noexcept { host_pages::release(page); }
};
// A page of host_pages, given back when dropped.
using HostPage = std::unique_ptr<std::uint8_t[], HostPageRelease>;

inline HostPage make_host_page() { return HostPage(host_pages::allocate()); }

}  // namespace mmusim
