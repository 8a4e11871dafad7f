// Trace readers: lackey and page-number formats, splitting, and their error reports.

#include <fstream>
#include <gtest/gtest.h>

#include "input_error.h"
#include "temp_file.h"
#include "trace_reader.h"

namespace mmusim {
namespace {

using test::write_temp_file;

// Expects an InputError whose message starts with "path:line:".
// The readers with their default user range, as callables.
std::vector<Access> lackey(const std::string& path) { return read_lackey_trace(path); }
std::vector<Access> pages(const std::string& path) { return read_page_trace(path); }

template <typename F>
void expect_error_at(F read, const std::string& path, std::size_t line, const std::string& part) {
  try {
    read(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ":" + std::to_string(line) + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find(part), std::string::npos) << msg;
  }
}

TEST(LackeyTrace, ParsesEveryKindAndSkipsValgrindLines) {
  const auto path = write_temp_file("lackey.txt",
                               "==123== Lackey, an example Valgrind tool\n"
                               "I  04001000,3\n"
                               " L 1ffefffd78,8\n"
                               " S 04022e70,4\n"
                               " M 0403a4d8,2\n"
                               "==123== \n");
  const auto t = read_lackey_trace(path);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].va, 0x04001000u);
  EXPECT_EQ(t[0].kind, AccessKind::Fetch);
  EXPECT_EQ(t[0].size, 3u);
  EXPECT_EQ(t[1].va, 0x1ffefffd78u);
  EXPECT_EQ(t[1].kind, AccessKind::Read);
  EXPECT_EQ(t[2].kind, AccessKind::Write);
  // M = a load then a store of the same bytes.
  EXPECT_EQ(t[3].kind, AccessKind::Read);
  EXPECT_EQ(t[4].kind, AccessKind::Write);
  EXPECT_EQ(t[4].va, 0x0403a4d8u);
  EXPECT_EQ(t[4].size, 2u);
}

TEST(LackeyTrace, AccessCrossingAPageIsSplitInTwo) {
  const auto t = read_lackey_trace(write_temp_file("cross.txt", " L 1ffc,8\n M 2ffe,4\n"));
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(t[0].va, 0x1ffcu);
  EXPECT_EQ(t[0].size, 4u);
  EXPECT_EQ(t[1].va, 0x2000u);
  EXPECT_EQ(t[1].size, 4u);
  EXPECT_EQ(t[2].va, 0x2ffeu);
  EXPECT_EQ(t[2].size, 2u);
  EXPECT_EQ(t[2].kind, AccessKind::Read);
  EXPECT_EQ(t[3].va, 0x3000u);
  EXPECT_EQ(t[4].va, 0x2ffeu);
  EXPECT_EQ(t[4].kind, AccessKind::Write);
  EXPECT_EQ(t[5].va, 0x3000u);
  EXPECT_EQ(t[5].size, 2u);
}

TEST(LackeyTrace, ErrorsNameFileAndLine) {
  expect_error_at(lackey, write_temp_file("bad1.txt", "I  04001000,3\n X 1000,8\n"), 2,
                  "expected");
  expect_error_at(lackey, write_temp_file("bad2.txt", " L 10g0,8\n"), 1, "bad hex address");
  expect_error_at(lackey, write_temp_file("bad3.txt", "\n\n L 1000,0\n"), 3, "bad access size");
  expect_error_at(lackey, write_temp_file("bad4.txt", " L 1000\n"), 1, "expected");
  expect_error_at(lackey, write_temp_file("bad5.txt", " L 1000,99999\n"), 1, "size");
  expect_error_at(lackey, write_temp_file("bad6.txt", " L 11112222333344445,8\n"), 1,
                  "bad hex address");
}

TEST(LackeyTrace, MissingFileIsAnInputError) {
  EXPECT_THROW(read_lackey_trace("/nonexistent/trace"), InputError);
}

TEST(PageTrace, DecimalHexCommentsAndBlankLines) {
  const auto t = read_page_trace(write_temp_file("pages.txt", "# a reference string\n1\n0x10\n\n  7  # hot\n"));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].va, 0x1000u);
  EXPECT_EQ(t[1].va, 0x10000u);
  EXPECT_EQ(t[2].va, 0x7000u);
  EXPECT_EQ(t[2].kind, AccessKind::Read);
}

TEST(PageTrace, ErrorsNameFileAndLine) {
  expect_error_at(pages, write_temp_file("pbad1.txt", "1\n2\nthree\n"), 3, "page number");
  expect_error_at(pages, write_temp_file("pbad2.txt", "0x\n"), 1, "page number");
  expect_error_at(pages, write_temp_file("pbad3.txt", "-4\n"), 1, "page number");
  expect_error_at(pages, write_temp_file("pbad4.txt", "0x10000000000000\n"), 1, "page number");
}

TEST(LackeyTrace, WindowsLineEndsAreAccepted) {
  const auto t = read_lackey_trace(write_temp_file("crlf.txt", "I  04001000,3\r\n L 1ff0,8\r\n"));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].size, 8u);
}

TEST(LackeyTrace, AnAddressThatCannotBeUserMemoryIsRefusedAtItsLine) {
  const std::uint64_t sv39_user_top = std::uint64_t{1} << 38;
  expect_error_at([&](const std::string& p) { return read_lackey_trace(p, sv39_user_top); },
                  write_temp_file("kernel.txt", " L 1000,8\n L ffffffffff600000,8\n"), 2,
                  "cannot be user memory");
  expect_error_at([&](const std::string& p) { return read_lackey_trace(p, sv39_user_top); },
                  write_temp_file("edge.txt", " L 3ffffffffc,8\n"), 1, "cannot be user memory");
  expect_error_at([&](const std::string& p) { return read_page_trace(p, sv39_user_top); },
                  write_temp_file("pages_high.txt", "1\n0x4000000\n"), 2, "cannot be user memory");
}

}  // namespace
}  // namespace mmusim

namespace mmusim {
namespace {

bool same(const Access& a, const Access& b) {
  return a.va == b.va && a.size == b.size && a.kind == b.kind;
}

// Streaming gives what reading whole gives, for each of several processes reading one
// file at their own pace, across buffer refills.
TEST(TraceStreaming, EveryProcessReplaysTheWholeTraceFromOneFile) {
  std::string text = "==1== valgrind\r\n";
  for (int i = 0; i < 10000; ++i) {
    text += (i % 3 == 0 ? "I  " : i % 3 == 1 ? " L " : " M ");
    text += (i % 7 == 0 ? "4000ffc" : std::to_string(100000 + i * 24)) + ",8\r\n";
  }
  const TraceSource source{TraceFormat::Lackey, test::write_temp_file("stream.lackey", text),
                           kAnyAddress};
  const std::vector<Access> whole = read_trace(source);
  ASSERT_EQ(check_trace(source), whole.size());
  auto file = std::make_shared<TraceFile>(source, whole.size());
  TraceFileStream a(file), b(file);
  EXPECT_EQ(a.length(), whole.size());
  std::size_t at_a = 0, at_b = 0;
  Access got;
  // a runs three accesses for every one of b's, then b runs to the end alone.
  while (at_a < whole.size()) {
    for (int k = 0; k < 3 && at_a < whole.size(); ++k) {
      ASSERT_TRUE(a.next(got));
      ASSERT_TRUE(same(got, whole[at_a++])) << at_a;
    }
    ASSERT_TRUE(b.next(got));
    ASSERT_TRUE(same(got, whole[at_b++])) << at_b;
  }
  EXPECT_FALSE(a.next(got));
  while (b.next(got)) ASSERT_TRUE(same(got, whole[at_b++]));
  EXPECT_EQ(at_b, whole.size());
}

TEST(TraceStreaming, ABadLineIsFoundBeforeTheRunAtItsLine) {
  const std::string path = test::write_temp_file("stream_bad.txt", "1\n2\n# c\nx3\n");
  EXPECT_THROW(
      {
        try {
          check_trace({TraceFormat::Pages, path, kAnyAddress});
        } catch (const InputError& e) {
          EXPECT_EQ(std::string(e.what()).find(path + ":4: "), 0u) << e.what();
          throw;
        }
      },
      InputError);
}

}  // namespace
}  // namespace mmusim
