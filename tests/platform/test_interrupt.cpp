// Ctrl-C (SIGINT) and SIGTERM end a run, or a verification campaign, cleanly: what was
// done is kept and the exit status says which signal (models/common/interrupt.h).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "run_mmusim.h"
#include "temp_file.h"

namespace mmusim::test {
namespace {

using nlohmann::json;

// Whether process `pid` has a handler for `signal`: its SigCgt mask in /proc. Waiting for
// it, rather than for a while, keeps a loaded machine from signalling before the command
// is ready and killing it outright.
bool catches(pid_t pid, int signal) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigCgt:", 0) == 0) {
      return ((std::stoull(line.substr(7), nullptr, 16) >> (signal - 1)) & 1) != 0;
    }
  }
  return false;
}

// Runs mmusim with `args`, sends it `signal` once it catches it, and waits for its end.
Result run_and_signal(const std::vector<std::string>& args, int signal) {
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
  while (!catches(pid, signal) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(catches(pid, signal)) << "mmusim never got ready for the signal";
  kill(pid, signal);
  int raw = 0;
  const auto stop_by = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (waitpid(pid, &raw, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > stop_by) {
      ADD_FAILURE() << "mmusim went on for a minute after the signal";
      kill(pid, SIGKILL);
      waitpid(pid, &raw, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

TEST(Interrupt, CtrlCEndsARunWithItsStatsWritten) {
  const std::string stats = temp_path("stats.json");
  const Result r =
      run_and_signal({"run", "-q", "--set", "workload.accesses=100000000", "--stats", stats},
                     SIGINT);
  EXPECT_EQ(r.status, 130) << r.err;
  EXPECT_NE(r.err.find("stopped by SIGINT"), std::string::npos) << r.err;
  const json s = json::parse(slurp(stats));
  EXPECT_EQ(s["sim"]["cut_short"], "interrupted");
  // It ends where the cpu looks for a signal: every 16384 accesses.
  const auto accesses = s["sim"]["accesses"].get<std::uint64_t>();
  EXPECT_EQ(accesses % 16384, 0u) << accesses;
  EXPECT_LT(accesses, 4u * 100000000u);
}

TEST(Interrupt, SigtermStopsACampaignBetweenSeedsWithItsCoverage) {
  const std::string coverage = temp_path("coverage.json");
  const Result r = run_and_signal(
      {"verify", "--seed", "5000", "--seeds", "100000000", "--coverage", coverage}, SIGTERM);
  EXPECT_EQ(r.status, 143) << r.err;
  EXPECT_NE(r.out.find("stopped early, passed so far"), std::string::npos) << r.out;
  const json c = json::parse(slurp(coverage));
  const auto seeds = c["seeds"]["count"].get<std::uint64_t>();
  EXPECT_LT(seeds, 100000000u);
  EXPECT_EQ(c["seeds"]["first"], 5000);
  // How to go on from there, merging what was covered.
  EXPECT_NE(r.err.find("--seed " + std::to_string(5000 + seeds) + " --seeds " +
                       std::to_string(100000000 - seeds) + " --merge " + coverage),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mmusim::test
