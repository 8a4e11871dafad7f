#pragma once
// Files for tests, in GoogleTest's temporary directory, named after the running test
// (suite and name) and the process, so that tests running in parallel, or two test runs
// on one machine, never share one.

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace mmusim::test {

inline std::string temp_path(const std::string& name) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  // The process id keeps two test runs on one machine (one /tmp) apart; parameterised
  // tests' names hold '/', which must not become a directory.
  std::string file = "mmusim" + std::to_string(getpid()) + "_" + test->test_suite_name() + "." +
                     test->name() + "_" + name;
  std::replace(file.begin(), file.end(), '/', '_');
  return ::testing::TempDir() + file;
}

inline std::string write_temp_file(const std::string& name, const std::string& text) {
  const std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace mmusim::test
