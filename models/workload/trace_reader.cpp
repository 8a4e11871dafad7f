#include "trace_reader.h"

#include <charconv>

#include "hex.h"
#include "input_error.h"
#include "input_file.h"
#include "sv.h"

namespace mmusim {

namespace {

std::ifstream open_trace(const std::string& path) { return open_input_file(path, "trace file"); }

// Parses all of [begin, end) as an unsigned integer in `base`; false on anything else.
bool parse_number(const char* begin, const char* end, int base, std::uint64_t& out) {
  if (begin == end) return false;
  const auto result = std::from_chars(begin, end, out, base);
  return result.ec == std::errc() && result.ptr == end;
}

void push_split_at_pages(std::vector<Access>& out, Access a) {
  const std::uint64_t room = sv::kPageSize - (a.va & (sv::kPageSize - 1));
  if (a.size > room) {
    out.push_back({a.va, static_cast<std::uint32_t>(room), a.kind});
    a.va += room;
    a.size -= static_cast<std::uint32_t>(room);
  }
  out.push_back(a);
}

std::string not_user_memory(std::uint64_t va, std::uint64_t user_top) {
  return "address " + hex(va) + " cannot be user memory (user addresses are below " +
         hex(user_top) + ")";
}

void parse_lackey_line(const TraceSource& source, std::string& line, std::size_t number,
                       std::vector<Access>& out) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty() || line.rfind("==", 0) == 0) return;
  const std::size_t op_at = line.find_first_not_of(' ');
  if (op_at == std::string::npos) return;
  const char op = line[op_at];
  const std::size_t addr_at = line.find_first_not_of(' ', op_at + 1);
  const std::size_t comma = line.find(',', op_at);
  if (std::string("ILSM").find(op) == std::string::npos || addr_at == std::string::npos ||
      addr_at == op_at + 1 || comma == std::string::npos || comma < addr_at) {
    throw InputError(source.path, number,
                     "expected `I|L|S|M <hex address>,<size>`, got '" + line + "'");
  }
  std::uint64_t va = 0;
  std::uint64_t size = 0;
  if (!parse_number(line.data() + addr_at, line.data() + comma, 16, va)) {
    throw InputError(source.path, number,
                     "bad hex address '" + line.substr(addr_at, comma - addr_at) + "'");
  }
  if (!parse_number(line.data() + comma + 1, line.data() + line.size(), 10, size) || size == 0 ||
      size > kMaxAccessBytes) {
    throw InputError(source.path, number,
                     "bad access size '" + line.substr(comma + 1) + "' (1.." +
                         std::to_string(kMaxAccessBytes) + ")");
  }
  if (va >= source.user_top || size > source.user_top - va) {
    throw InputError(source.path, number, not_user_memory(va, source.user_top));
  }
  const Access a{va, static_cast<std::uint32_t>(size),
                 op == 'I' ? AccessKind::Fetch : op == 'S' ? AccessKind::Write : AccessKind::Read};
  push_split_at_pages(out, a);
  if (op == 'M') push_split_at_pages(out, {va, a.size, AccessKind::Write});
}

void parse_page_line(const TraceSource& source, std::string& line, std::size_t number,
                     std::vector<Access>& out) {
  const std::size_t hash = line.find('#');
  if (hash != std::string::npos) line.resize(hash);
  const std::size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return;
  const std::size_t last = line.find_last_not_of(" \t\r");
  const char* begin = line.data() + first;
  const char* end = line.data() + last + 1;
  int base = 10;
  if (end - begin > 2 && begin[0] == '0' && (begin[1] == 'x' || begin[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  std::uint64_t page = 0;
  if (!parse_number(begin, end, base, page) || page > (~std::uint64_t{0} >> sv::kPageShift)) {
    throw InputError(source.path, number, "expected a page number (decimal or 0x hex), got '" +
                                              line.substr(first, last + 1 - first) + "'");
  }
  if ((page << sv::kPageShift) >= source.user_top) {
    throw InputError(source.path, number, not_user_memory(page << sv::kPageShift, source.user_top));
  }
  out.push_back({page << sv::kPageShift, 8, AccessKind::Read});
}

// Appends the line's accesses (none for a comment or a blank line) to `out`.
void parse_line(const TraceSource& source, std::string& line, std::size_t number,
                std::vector<Access>& out) {
  if (source.format == TraceFormat::Lackey) {
    parse_lackey_line(source, line, number, out);
  } else {
    parse_page_line(source, line, number, out);
  }
}

}  // namespace

std::vector<Access> read_trace(const TraceSource& source) {
  std::ifstream in = open_trace(source.path);
  std::vector<Access> trace;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    parse_line(source, line, number, trace);
  }
  return trace;
}

std::uint64_t check_trace(const TraceSource& source) {
  std::ifstream in = open_trace(source.path);
  std::vector<Access> scratch;
  std::uint64_t accesses = 0;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    scratch.clear();
    parse_line(source, line, number, scratch);
    accesses += scratch.size();
  }
  return accesses;
}

TraceFile::TraceFile(TraceSource source, std::uint64_t accesses)
    : source_(std::move(source)), accesses_(accesses), in_(open_trace(source_.path)) {}

bool TraceFile::read(Position& at, std::size_t want, std::vector<Access>& out) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(at.byte));
  std::string line;
  while (out.size() < want && std::getline(in_, line)) {
    ++at.line;
    at.byte += line.size() + 1;  // getline took the newline too
    parse_line(source_, line, at.line, out);
  }
  return !out.empty();
}

bool TraceFileStream::next(Access& out) {
  if (index_ == buffer_.size()) {
    buffer_.clear();
    index_ = 0;
    if (!file_->read(position_, kBuffered, buffer_)) return false;
  }
  out = buffer_[index_++];
  return true;
}

}  // namespace mmusim
