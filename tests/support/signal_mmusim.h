#pragma once
// Runs the mmusim binary, signals it once it is ready for the signal, and waits for its
// end: how Ctrl-C (SIGINT) and SIGTERM end a command (models/common/interrupt.h).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "run_mmusim.h"
#include "temp_file.h"

namespace mmusim::test {

// Whether process `pid` has a handler for `signal`: its SigCgt mask in /proc. Waiting for
// it, rather than for a while, keeps a loaded machine from signalling before the command
// is ready and killing it outright.
inline bool catches(pid_t pid, int signal) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigCgt:", 0) == 0) {
      return ((std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1) != 0;
    }
  }
  return false;
}

// The children of process `pid` (its main thread's), from /proc.
inline std::vector<pid_t> children_of(pid_t pid) {
  const std::string id = std::to_string(pid);
  std::ifstream list("/proc/" + id + "/task/" + id + "/children");
  std::vector<pid_t> children;
  for (pid_t child = 0; list >> child;) children.push_back(child);
  return children;
}

// Runs mmusim with `args`; once it catches `signal` and `ready(its pid)` holds (both
// waited for up to two minutes), sends it `signal` and waits for its end (a minute at
// most, then it fails the test and kills it). `children`: its children when signalled.
inline Result run_and_signal(const std::vector<std::string>& args, int signal,
                             const std::function<bool(pid_t)>& ready = [](pid_t) { return true; },
                             std::vector<pid_t>* children = nullptr) {
  const std::string out = temp_path("stdout");
  const std::string err = temp_path("stderr");
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> words = {MMUSIM_BIN};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, MMUSIM_BIN, &files, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&files);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!(catches(pid, signal) && ready(pid)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(catches(pid, signal)) << "mmusim never got ready for the signal";
  EXPECT_TRUE(ready(pid)) << "what the test waits for before the signal never came";
  if (children != nullptr) *children = children_of(pid);
  kill(pid, signal);
  int raw = 0;
  const auto stop_by = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (waitpid(pid, &raw, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > stop_by) {
      ADD_FAILURE() << "mmusim went on for a minute after the signal";
      for (const pid_t child : children_of(pid)) kill(child, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &raw, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

}  // namespace mmusim::test
