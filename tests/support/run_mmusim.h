#pragma once
// Runs the mmusim binary as a user would, capturing its exit status and output.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "temp_file.h"

namespace mmusim::test {

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Result mmusim(const std::string& args) {
  const std::string out = temp_path("stdout");
  const std::string err = temp_path("stderr");
  const std::string cmd = std::string(MMUSIM_BIN) + " " + args + " >" + out + " 2>" + err;
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

}  // namespace mmusim::test
