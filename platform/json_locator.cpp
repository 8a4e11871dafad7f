#include "json_locator.h"

#include <vector>

namespace mmusim {

namespace {

struct Frame {
  bool is_object;
  std::string path;       // of this container
  std::string last_key;   // object: the key whose value comes next
  std::size_t index = 0;  // array: element count so far
};

std::string join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

KeyLines locate_keys(const std::string& text) {
  KeyLines found;
  auto& lines = found.lines;
  std::vector<Frame> stack;
  std::size_t line = 1;
  bool expecting_key = false;
  auto child_path = [&stack]() -> std::string {
    if (stack.empty()) return "";
    const Frame& f = stack.back();
    return f.is_object ? join(f.path, f.last_key) : f.path + "[" + std::to_string(f.index) + "]";
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') {
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;  // the escaped character cannot end the string
        if (i < text.size()) s += text[i];
      }
      if (expecting_key && !stack.empty()) {
        stack.back().last_key = s;
        const auto [at, fresh] = lines.emplace(join(stack.back().path, s), line);
        if (!fresh && found.duplicate.empty()) {
          found.duplicate = at->first;
          found.duplicate_line = line;
          found.first_line = at->second;
        }
        expecting_key = false;
      }
    } else if (c == '{' || c == '[') {
      stack.push_back({c == '{', child_path(), "", 0});
      expecting_key = c == '{';
    } else if (c == '}' || c == ']') {
      // Only past the end of what the parser accepted (it stops at a NUL) can a close
      // have no open: found by fuzz/fuzz_config.cpp.
      if (!stack.empty()) stack.pop_back();
      expecting_key = false;
    } else if (c == ',') {
      if (!stack.empty()) {
        ++stack.back().index;
        expecting_key = stack.back().is_object;
      }
    }
  }
  return found;
}

std::size_t line_nested_deeper_than(const std::string& text, unsigned max_depth) {
  std::size_t line = 1;
  unsigned depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\')
          ++i;
        else if (text[i] == '\n')
          ++line;
      }
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return line;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return 0;
}

}  // namespace mmusim
