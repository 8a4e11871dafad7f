#include "scenario.h"

#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "input_error.h"
#include "input_file.h"
#include "sv.h"
#include "units.h"

namespace mmusim {

namespace {

using Op = ScenarioAction::Op;
using Expect = ScenarioAction::Expect;

// One line being read: its words and where it is, for errors.
class Line {
 public:
  Line(const std::string& path, std::size_t number, const std::string& text)
      : path_(path), number_(number) {
    std::istringstream words(text.substr(0, text.find('#')));
    for (std::string w; words >> w;) words_.push_back(w);
  }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_, number_, what); }
  bool empty() const { return words_.empty(); }
  std::size_t size() const { return words_.size(); }
  const std::string& operator[](std::size_t i) const { return words_.at(i); }
  void need(std::size_t count, const char* usage) const {
    if (words_.size() != count) fail(std::string("expected `") + usage + "`");
  }
  // Strips a trailing `=> outcome` (accesses) and returns it.
  Expect take_outcome() {
    if (words_.size() < 2 || words_[words_.size() - 2] != "=>") return Expect::Complete;
    const std::string what = words_.back();
    words_.resize(words_.size() - 2);
    if (what == "ok") return Expect::Ok;
    if (what == "fault") return Expect::Fault;
    if (what == "segfault") return Expect::Segfault;
    fail("unknown outcome '" + what + "' (ok, fault or segfault)");
  }
  std::uint64_t number(std::size_t i, const char* what) const {
    const std::string& w = (*this)[i];
    std::uint64_t out = 0;
    const bool hex = w.rfind("0x", 0) == 0 || w.rfind("0X", 0) == 0;
    const char* begin = w.data() + (hex ? 2 : 0);
    const auto r = std::from_chars(begin, w.data() + w.size(), out, hex ? 16 : 10);
    if (begin == w.data() + w.size() || r.ec != std::errc() || r.ptr != w.data() + w.size()) {
      fail(std::string("bad ") + what + " '" + w + "'");
    }
    return out;
  }
  std::uint64_t address(std::size_t i, bool& kernel_relative) const {
    const std::string& w = (*this)[i];
    kernel_relative = w.rfind("kernel+", 0) == 0;
    if (!kernel_relative) {
      if (w.rfind("0x", 0) != 0) fail("an address is hex (0x...) or kernel+0x..., got '" + w + "'");
      return number(i, "address");
    }
    Line rest(path_, number_, w.substr(7));
    if (rest.empty() || rest[0].rfind("0x", 0) != 0) fail("expected kernel+0x..., got '" + w + "'");
    return rest.number(0, "kernel offset");
  }
  std::uint64_t size_at(std::size_t i) const {
    std::uint64_t bytes = 0;
    if (!parse_byte_size((*this)[i], bytes) || bytes == 0 || bytes % sv::kPageSize != 0 ||
        bytes > (std::uint64_t{1} << 40)) {
      fail("bad size '" + (*this)[i] + "' (a multiple of 4KiB such as 16KiB, at most 1TiB)");
    }
    return bytes;
  }
  std::uint64_t perms(std::size_t i) const {
    std::uint64_t p = 0;
    for (const char c : (*this)[i]) {
      const std::uint64_t bit = c == 'r'   ? sv::kPteR
                                : c == 'w' ? sv::kPteW
                                : c == 'x' ? sv::kPteX
                                           : 0;
      if (bit == 0 || (p & bit) != 0)
        fail("permissions are some of r, w, x, got '" + (*this)[i] + "'");
      p |= bit;
    }
    return p;
  }

 private:
  std::string path_;
  std::size_t number_;
  std::vector<std::string> words_;
};

bool page_aligned(std::uint64_t x) { return x % sv::kPageSize == 0; }

// What the checker knows about names while reading, so that every mistake is found
// before anything runs.
struct Names {
  struct Process {
    bool alive = true;
    std::string why_dead;
    std::set<std::string> attached;
    bool has_heap = false;
  };
  std::map<std::string, Process> processes;
  std::set<std::string> segments;
  std::set<std::string> libraries;
};

const std::map<std::string, Op> kProcessOps = {
    {"mmap", Op::Mmap},     {"stack", Op::Stack},   {"brk", Op::Brk},       {"munmap", Op::Munmap},
    {"read", Op::Read},     {"write", Op::Write},   {"fetch", Op::Fetch},   {"fork", Op::Fork},
    {"attach", Op::Attach}, {"detach", Op::Detach}, {"maplib", Op::MapLib}, {"exit", Op::Exit}};

bool is_name(const std::string& w) {
  if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0]))) return false;
  for (const char c : w) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return !kProcessOps.count(w) && w != "process" && w != "shm" && w != "lib" && w != "set";
}

ScenarioAction parse_action(Line& line, std::size_t number, Names& names) {
  ScenarioAction a;
  a.line = number;
  const std::string& first = line[0];
  if (first == "process" || first == "shm" || first == "lib") {
    if (first == "process") {
      line.need(2, "process NAME");
    } else {
      line.need(3, first == "shm" ? "shm NAME SIZE" : "lib NAME SIZE");
    }
    a.name = line[1];
    if (!is_name(a.name))
      line.fail("'" + a.name + "' is not a name (a letter, then letters, digits, _ or -)");
    if (first == "process") {
      a.op = Op::Process;
      if (names.processes.count(a.name)) line.fail("process '" + a.name + "' exists already");
      names.processes[a.name] = {};
    } else {
      a.size = line.size_at(2);
      auto& set = first == "shm" ? names.segments : names.libraries;
      if (!set.insert(a.name).second) line.fail(first + " '" + a.name + "' exists already");
      a.op = first == "shm" ? Op::Shm : Op::Lib;
    }
    return a;
  }
  if (line.size() < 2) line.fail("expected `PROCESS ACTION ...`, `process`, `shm`, `lib` or `set`");
  a.process = first;
  const auto op = kProcessOps.find(line[1]);
  if (op == kProcessOps.end()) line.fail("unknown action '" + line[1] + "'");
  a.op = op->second;
  const auto who = names.processes.find(a.process);
  if (who == names.processes.end()) line.fail("unknown process '" + a.process + "'");
  Names::Process& p = who->second;
  if (!p.alive) line.fail("process '" + a.process + "' " + p.why_dead);

  const bool access = a.op == Op::Read || a.op == Op::Write || a.op == Op::Fetch;
  if (access) a.expect = line.take_outcome();
  switch (a.op) {
    case Op::Mmap:
      a.huge = line.size() == 6 && line[5] == "huge";
      line.need(a.huge ? 6 : 5, "A mmap VA SIZE PERMS [huge]");
      a.va = line.address(2, a.kernel_relative);
      a.size = line.size_at(3);
      a.perms = line.perms(4);
      break;
    case Op::Stack:
      line.need(4, "A stack TOP SIZE");
      a.va = line.address(2, a.kernel_relative);
      a.size = line.size_at(3);
      if (a.size >= a.va) line.fail("the stack would grow below address 0");
      break;
    case Op::Brk: {
      line.need(4, "A brk BASE +SIZE");
      a.va = line.address(2, a.kernel_relative);
      const std::string& change = line[3];
      if (change.empty() || (change[0] != '+' && change[0] != '-'))
        line.fail("expected +SIZE or -SIZE");
      a.grow = change[0] == '+';
      if (!parse_byte_size(change.substr(1), a.size) || !page_aligned(a.size)) {
        line.fail("bad size '" + change.substr(1) + "' (a multiple of 4KiB)");
      }
      if (!a.grow && !p.has_heap) line.fail("the heap does not exist yet: grow it first");
      p.has_heap = true;
      break;
    }
    case Op::Munmap:
      line.need(4, "A munmap VA SIZE");
      a.va = line.address(2, a.kernel_relative);
      a.size = line.size_at(3);
      break;
    case Op::Read:
      if (line.size() == 5 && line[3] == "=") {
        a.check_value = true;
        a.value = line.number(4, "value");
      } else {
        line.need(3, "A read VA [= VALUE] [=> ok|fault|segfault]");
      }
      a.va = line.address(2, a.kernel_relative);
      break;
    case Op::Write:
      line.need(4, "A write VA VALUE [=> ok|fault|segfault]");
      a.va = line.address(2, a.kernel_relative);
      a.value = line.number(3, "value");
      break;
    case Op::Fetch:
      line.need(3, "A fetch VA [=> ok|fault|segfault]");
      a.va = line.address(2, a.kernel_relative);
      break;
    case Op::Fork: {
      line.need(3, "A fork CHILD");
      a.name = line[2];
      if (!is_name(a.name)) line.fail("'" + a.name + "' is not a name");
      if (names.processes.count(a.name)) line.fail("process '" + a.name + "' exists already");
      Names::Process child = p;
      names.processes[a.name] = child;
      break;
    }
    case Op::Attach:
      line.need(5, "A attach SEGMENT VA PERMS");
      a.name = line[2];
      if (!names.segments.count(a.name)) line.fail("unknown segment '" + a.name + "'");
      if (p.attached.count(a.name))
        line.fail("'" + a.name + "' is attached to " + a.process + " already");
      a.va = line.address(3, a.kernel_relative);
      a.perms = line.perms(4);
      p.attached.insert(a.name);
      break;
    case Op::Detach:
      line.need(3, "A detach SEGMENT");
      a.name = line[2];
      if (!p.attached.erase(a.name)) line.fail("'" + a.name + "' is not attached to " + a.process);
      break;
    case Op::MapLib:
      line.need(4, "A maplib LIBRARY VA");
      a.name = line[2];
      if (!names.libraries.count(a.name)) line.fail("unknown library '" + a.name + "'");
      a.va = line.address(3, a.kernel_relative);
      break;
    case Op::Exit:
      line.need(2, "A exit");
      p.alive = false;
      p.why_dead = "has exited (line " + std::to_string(number) + ")";
      break;
    default: break;
  }
  const bool needs_page = a.op == Op::Mmap || a.op == Op::Stack || a.op == Op::Brk ||
                          a.op == Op::Munmap || a.op == Op::Attach || a.op == Op::MapLib;
  if (needs_page && !page_aligned(a.va)) line.fail("the address must be 4KiB aligned");
  if (access && a.va % (a.op == Op::Fetch ? 4 : 8) != 0) {
    line.fail(std::string("a ") + (a.op == Op::Fetch ? "fetch" : "read or write") + " must be " +
              (a.op == Op::Fetch ? "4" : "8") + "-byte aligned");
  }
  if (a.expect == Expect::Segfault) {
    p.alive = false;
    p.why_dead = "was killed (line " + std::to_string(number) + " expects a segfault)";
  }
  return a;
}

}  // namespace

Scenario read_scenario(const std::string& path) {
  std::ifstream in = open_input_file(path, "scenario file");
  Scenario s;
  s.path = path;
  Names names;
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    Line line(path, number, text);
    if (line.empty()) continue;
    if (line[0] == "set") {
      if (!s.actions.empty()) line.fail("`set` lines go at the top, before any action");
      line.need(2, "set key=value");
      if (line[1].find('=') == std::string::npos) line.fail("expected `set key=value`");
      s.sets.emplace_back(line[1], number);
      continue;
    }
    s.actions.push_back(parse_action(line, number, names));
    if (s.actions.back().op == Op::Lib) s.libraries.emplace_back(line[1], s.actions.back().size);
  }
  if (s.actions.empty()) throw InputError(path, "the scenario has no actions");
  return s;
}

}  // namespace mmusim
