#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include "host_pages.h"
#include "sparse_pages.h"

namespace mmusim {
namespace {

bool all_zero(const std::uint8_t* page) {
  return std::all_of(page, page + host_pages::kBytes, [](std::uint8_t b) { return b == 0; });
}

// More pages than one 2 MiB chunk holds, so the pool maps a second chunk.
constexpr unsigned kPages = 600;

TEST(HostPages, NewPagesAreZeroDistinctAndApart) {
  std::vector<HostPage> pages;
  std::set<const std::uint8_t*> seen;
  for (unsigned i = 0; i < kPages; ++i) {
    pages.push_back(make_host_page());
    ASSERT_TRUE(all_zero(pages.back().get())) << "page " << i;
    EXPECT_TRUE(seen.insert(pages.back().get()).second) << "page " << i << " handed out twice";
    std::memset(pages.back().get(), static_cast<int>(i % 255 + 1), host_pages::kBytes);
  }
  for (unsigned i = 0; i < kPages; ++i) {  // no page's writes reached another
    const std::uint8_t* p = pages[i].get();
    const auto want = static_cast<std::uint8_t>(i % 255 + 1);
    EXPECT_TRUE(std::all_of(p, p + host_pages::kBytes, [&](std::uint8_t b) { return b == want; }))
        << "page " << i;
  }
}

TEST(HostPages, APageGivenBackComesBackZero) {
  std::vector<HostPage> pages;
  for (unsigned i = 0; i < kPages; ++i) {
    pages.push_back(make_host_page());
    std::memset(pages.back().get(), 0xa5, host_pages::kBytes);
  }
  pages.clear();
  for (unsigned i = 0; i < kPages; ++i) {
    pages.push_back(make_host_page());
    ASSERT_TRUE(all_zero(pages.back().get())) << "page " << i << " kept a previous owner's bytes";
  }
}

TEST(HostPages, AnErasedSparsePageReadsAsNeverMadeThenZero) {
  SparsePages store(1024);
  std::memset(store.make(7), 0x5a, SparsePages::kPageBytes);
  store.erase(7);
  EXPECT_EQ(store.find(7), nullptr);
  bool made = false;
  ASSERT_TRUE(all_zero(store.make(7, &made)));
  EXPECT_TRUE(made);
}

}  // namespace
}  // namespace mmusim
