#pragma once
// Bad user input (config, trace, image, requests, command line): reported as
// `where: what` on stderr with exit status 2. `where` is `file:line` when known.

#include <stdexcept>
#include <string>

namespace mmusim {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& where, const std::string& what)
      : std::runtime_error(where + ": " + what) {}
  InputError(const std::string& file, std::size_t line, const std::string& what)
      : InputError(file + ":" + std::to_string(line), what) {}
};

}  // namespace mmusim
