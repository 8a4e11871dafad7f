#include "trace_reader.h"

#include <charconv>
#include <fstream>

#include "hex.h"
#include "input_error.h"
#include "sv.h"

namespace mmusim {

namespace {


std::ifstream open_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open trace file");
  return in;
}

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

}  // namespace

std::vector<Access> read_lackey_trace(const std::string& path, std::uint64_t user_top) {
  std::ifstream in = open_trace(path);
  std::vector<Access> trace;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("==", 0) == 0) continue;
    const std::size_t op_at = line.find_first_not_of(' ');
    if (op_at == std::string::npos) continue;
    const char op = line[op_at];
    const std::size_t addr_at = line.find_first_not_of(' ', op_at + 1);
    const std::size_t comma = line.find(',', op_at);
    if (std::string("ILSM").find(op) == std::string::npos || addr_at == std::string::npos ||
        addr_at == op_at + 1 || comma == std::string::npos || comma < addr_at) {
      throw InputError(path, number, "expected `I|L|S|M <hex address>,<size>`, got '" + line + "'");
    }
    std::uint64_t va = 0;
    std::uint64_t size = 0;
    if (!parse_number(line.data() + addr_at, line.data() + comma, 16, va)) {
      throw InputError(path, number, "bad hex address '" + line.substr(addr_at, comma - addr_at) + "'");
    }
    if (!parse_number(line.data() + comma + 1, line.data() + line.size(), 10, size) ||
        size == 0 || size > kMaxAccessBytes) {
      throw InputError(path, number,
                       "bad access size '" + line.substr(comma + 1) + "' (1.." +
                           std::to_string(kMaxAccessBytes) + ")");
    }
    if (va >= user_top || size > user_top - va) {
      throw InputError(path, number, not_user_memory(va, user_top));
    }
    const Access a{va, static_cast<std::uint32_t>(size),
                   op == 'I' ? AccessKind::Fetch : op == 'S' ? AccessKind::Write : AccessKind::Read};
    push_split_at_pages(trace, a);
    if (op == 'M') push_split_at_pages(trace, {va, a.size, AccessKind::Write});
  }
  return trace;
}

std::vector<Access> read_page_trace(const std::string& path, std::uint64_t user_top) {
  std::ifstream in = open_trace(path);
  std::vector<Access> trace;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
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
      throw InputError(path, number, "expected a page number (decimal or 0x hex), got '" +
                                         line.substr(first, last + 1 - first) + "'");
    }
    if ((page << sv::kPageShift) >= user_top) {
      throw InputError(path, number, not_user_memory(page << sv::kPageShift, user_top));
    }
    trace.push_back({page << sv::kPageShift, 8, AccessKind::Read});
  }
  return trace;
}

}  // namespace mmusim
