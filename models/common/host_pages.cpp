#include "host_pages.h"

#include <sys/mman.h>

#include <cstring>
#include <new>
#include <vector>

namespace mmusim::host_pages {

#if defined(__SANITIZE_ADDRESS__)

std::uint8_t* allocate() { return new std::uint8_t[kBytes](); }
void release(std::uint8_t* page) noexcept { delete[] page; }

#else

namespace {

constexpr std::uint64_t kChunkBytes = std::uint64_t{2} << 20;  // one x86-64 huge page

class Pool {
 public:
  std::uint8_t* allocate() {
    if (!released_.empty()) {  // held before: it still has its last owner's bytes
      std::uint8_t* page = released_.back();
      released_.pop_back();
      std::memset(page, 0, kBytes);
      return page;
    }
    if (next_ == end_) add_chunk();
    std::uint8_t* page = next_;  // never touched: the kernel gives it zero-filled
    next_ += kBytes;
    return page;
  }
  void release(std::uint8_t* page) { released_.push_back(page); }

 private:
  // A huge page backs only a range aligned to its size: map a chunk's worth more and
  // give back what lies outside the aligned chunk.
  void add_chunk() {
    const std::size_t mapped = 2 * kChunkBytes;
    void* const got =
        mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (got == MAP_FAILED) throw std::bad_alloc();
    auto* const base = static_cast<std::uint8_t*>(got);
    const auto address = reinterpret_cast<std::uintptr_t>(base);
    std::uint8_t* const chunk = base + ((kChunkBytes - address % kChunkBytes) % kChunkBytes);
    if (chunk != base) munmap(base, static_cast<std::size_t>(chunk - base));
    std::uint8_t* const tail = chunk + kChunkBytes;
    if (tail != base + mapped) munmap(tail, static_cast<std::size_t>(base + mapped - tail));
    // Advice only: where the host has transparent huge pages off, 4 KiB pages serve.
    madvise(chunk, kChunkBytes, MADV_HUGEPAGE);
    next_ = chunk;
    end_ = tail;
  }

  std::uint8_t* next_ = nullptr;  // the current chunk's first page not yet handed out
  std::uint8_t* end_ = nullptr;
  std::vector<std::uint8_t*> released_;
};

// Never destroyed: pages may be given back by objects destroyed after it would be.
Pool& pool() {
  static Pool* const the_pool = new Pool;
  return *the_pool;
}

}  // namespace

std::uint8_t* allocate() { return pool().allocate(); }

void release(std::uint8_t* page) noexcept {
  if (page == nullptr) return;
  try {
    pool().release(page);
  } catch (const std::bad_alloc&) {
    // No room to note it for reuse: the page stays mapped, unused, until the process ends.
  }
}

#endif

}  // namespace mmusim::host_pages
