// Both trace readers. Input: "L" or "P" (lackey or pages) on the first line, then the
// trace. Bad lines must end in an InputError; a good trace must read the same whole, as
// counted by the check before a run, and streamed (by two processes at their own pace).

#include "fuzz_input.h"
#include "input_error.h"
#include "trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmusim;
  if (size < 2) return 0;
  const TraceFormat format = data[0] == 'L' ? TraceFormat::Lackey : TraceFormat::Pages;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const TraceSource source{format, fuzz::write_file("trace.txt", text),
                           data[0] == 'L' ? std::uint64_t{1} << 38 : kAnyAddress};
  std::vector<Access> whole;
  try {
    whole = read_trace(source);
  } catch (const InputError&) {
    bool refused = false;
    try {
      check_trace(source);
    } catch (const InputError&) {
      refused = true;
    }
    fuzz::require(refused, "check_trace accepts a trace read_trace refuses");
    return 0;
  }
  fuzz::require(check_trace(source) == whole.size(), "check_trace counts differently");
  auto file = std::make_shared<TraceFile>(source, whole.size());
  TraceFileStream first(file), second(file);
  Access a, b;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    fuzz::require(first.next(a) && a.va == whole[i].va && a.size == whole[i].size &&
                      a.kind == whole[i].kind,
                  "the stream differs from the whole trace");
    if (i % 2 == 0) {
      fuzz::require(second.next(b) && b.va == whole[i / 2].va, "a second stream differs");
    }
    fuzz::require(a.size >= 1 && a.size <= kMaxAccessBytes &&
                      (a.va >> 12) == ((a.va + a.size - 1) >> 12),
                  "an access crosses a page");
  }
  fuzz::require(!first.next(a), "the stream goes on past the trace");
  return 0;
}
