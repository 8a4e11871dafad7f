#include "input_file.h"

#include <sstream>
#include <sys/stat.h>

#include "input_error.h"

namespace mmusim {

std::ifstream open_input_file(const std::string& path, const std::string& what) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw InputError(path, "cannot open " + what);
  if (!S_ISREG(info.st_mode)) {
    throw InputError(path, "cannot read " + what + ": not a regular file (" +
                               (S_ISDIR(info.st_mode) ? "a directory" : "a device or a pipe") +
                               ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open " + what);
  return in;
}

namespace {

std::string whole(std::ifstream& in) {
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what) {
  std::ifstream in = open_input_file(path, what);
  return whole(in);
}

std::string read_own_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return whole(in);
}

}  // namespace mmusim
