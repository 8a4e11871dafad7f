#include "sweep.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "config.h"
#include "input_error.h"
#include "sweep_spec.h"

namespace mmusim::explore {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line(const std::string& text) {
  const std::size_t start = text.find_first_not_of("\n");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find('\n', start) - start);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buffer;
}

struct Running {
  const SweepRun* run;
  Clock::time_point started;
  bool killed = false;
};

class Sweep {
 public:
  Sweep(const SweepOptions& options, const SweepSpec& spec, fs::path dir)
      : options_(options), spec_(spec), dir_(std::move(dir)), runs_(dir_ / "runs") {}

  // Runs what is not done; returns how many it ran.
  std::size_t run_pending(std::ostream& err) {
    fs::create_directories(runs_);
    std::vector<const SweepRun*> pending;
    for (const SweepRun& run : spec_.runs) {
      const fs::path status = runs_ / (run.id + ".status.json");
      if (fs::exists(status) && !(options_.retry_failed && json::parse(slurp(status))["status"] != "ok")) {
        continue;
      }
      pending.push_back(&run);
    }
    const unsigned jobs =
        options_.jobs != 0 ? options_.jobs : std::max(1u, std::thread::hardware_concurrency());
    const Clock::time_point start = Clock::now();
    Clock::time_point last_progress = start;
    std::map<pid_t, Running> running;
    std::size_t next = 0, done = 0, failed = 0;
    while (next < pending.size() || !running.empty()) {
      while (next < pending.size() && running.size() < jobs) {
        const SweepRun* run = pending[next++];
        running[launch(*run)] = {run, Clock::now()};
      }
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid > 0 && running.count(pid) != 0) {
        const Running r = running.at(pid);
        running.erase(pid);
        failed += record(r, status) ? 0 : 1;
        ++done;
        continue;
      }
      for (auto& [child, r] : running) {
        const double seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
        if (options_.timeout_seconds > 0 && seconds > options_.timeout_seconds && !r.killed) {
          kill(child, SIGKILL);
          r.killed = true;
        }
      }
      if (options_.progress && Clock::now() - last_progress > std::chrono::seconds(1)) {
        last_progress = Clock::now();
        const double elapsed = std::chrono::duration<double>(last_progress - start).count();
        err << "\rsweep: " << done << "/" << pending.size() << " done, " << failed << " failed, "
            << clock_text(elapsed) << " elapsed";
        if (done != 0) {
          err << ", ~" << clock_text(elapsed / done * (pending.size() - done)) << " left";
        }
        err << "   " << std::flush;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (options_.progress && !pending.empty()) err << '\n';
    return pending.size();
  }

  // results.csv for every run of the spec; returns how many failed.
  std::size_t write_results() const {
    std::ofstream csv(dir_ / "results.csv");
    csv << "id,workload,seed";
    for (const auto& key : spec_.parameter_keys) csv << ',' << csv_field(key);
    for (const auto& column : spec_.columns) csv << ',' << csv_field(column);
    csv << ",status,exit,host_seconds,error\n";
    std::size_t failed = 0;
    for (const SweepRun& run : spec_.runs) {
      const json status = json::parse(slurp(runs_ / (run.id + ".status.json")));
      const fs::path stats_path = runs_ / (run.id + ".json");
      json stats = json::parse(fs::exists(stats_path) ? slurp(stats_path) : "{}", nullptr, false);
      if (stats.is_discarded()) stats = json::object();
      csv << run.id << ',' << csv_field(run.workload) << ',' << run.seed;
      for (const auto& key : spec_.parameter_keys) {
        std::string value;
        for (const auto& p : run.parameters) {
          if (p.compare(0, key.size() + 1, key + "=") != 0) continue;
          const json v = json::parse(p.substr(key.size() + 1));  // written by the spec reader
          value = v.is_string() ? v.get<std::string>() : v.dump();
        }
        csv << ',' << csv_field(value);
      }
      for (const auto& column : spec_.columns) csv << ',' << csv_field(column_value(column, stats));
      csv << ',' << status["status"].get<std::string>() << ',' << status["exit"].dump() << ','
          << status["host_seconds"].dump() << ',' << csv_field(status["error"].get<std::string>())
          << '\n';
      failed += status["status"] != "ok";
    }
    return failed;
  }

 private:
  pid_t launch(const SweepRun& run) {
    // The run's own config, complete: `mmusim run runs/<id>.config.json` repeats it.
    const fs::path config = runs_ / (run.id + ".config.json");
    std::vector<Assignment> sets;
    for (const auto& s : run.sets) sets.push_back({s, spec_.path});
    std::ofstream(config) << load_config_document(spec_.base, sets).in_declared_order().dump(2)
                          << '\n';
    const std::string stats = (runs_ / (run.id + ".json")).string();
    const std::string err = (runs_ / (run.id + ".err")).string();
    fs::remove(stats);
    const pid_t pid = fork();
    if (pid == 0) {
      const int null = open("/dev/null", O_WRONLY);
      const int log = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(null, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      const std::string config_text = config.string();
      execl(options_.mmusim.c_str(), "mmusim", "run", "-q", config_text.c_str(), "--stats",
            stats.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid < 0) throw std::runtime_error("cannot start a run: fork failed");
    return pid;
  }

  // Writes the run's status file; true if it succeeded.
  bool record(const Running& r, int wait_status) const {
    const double seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
    json status;
    const std::string said = first_line(slurp(runs_ / (r.run->id + ".err")));
    if (r.killed) {
      status = {{"status", "timeout"}, {"exit", nullptr},
                {"error", "killed after --timeout " + json(options_.timeout_seconds).dump() + " s"}};
    } else if (WIFEXITED(wait_status)) {
      const int code = WEXITSTATUS(wait_status);
      status = {{"status", code == 0 ? "ok" : "failed"}, {"exit", code},
                {"error", code == 0 ? "" : said}};
    } else {
      status = {{"status", "crashed"}, {"exit", nullptr},
                {"error", "signal " + std::to_string(WTERMSIG(wait_status)) +
                              (said.empty() ? "" : ": " + said)}};
    }
    status["host_seconds"] = static_cast<double>(static_cast<long>(seconds * 1000)) / 1000;
    std::ofstream(runs_ / (r.run->id + ".status.json")) << status.dump(2) << '\n';
    return status["status"] == "ok";
  }

  const SweepOptions& options_;
  const SweepSpec& spec_;
  fs::path dir_;
  fs::path runs_;
};

}  // namespace

int run_sweep(const SweepOptions& options, std::ostream& out, std::ostream& err) {
  const SweepSpec spec = read_sweep_spec(options.spec);
  fs::path dir = options.out_dir;
  if (dir.empty()) {
    dir = options.spec;
    dir.replace_extension();
  }
  Sweep sweep(options, spec, dir);
  const std::size_t ran = sweep.run_pending(err);
  const std::size_t failed = sweep.write_results();
  out << "sweep: " << spec.runs.size() << " runs (" << ran << " run now, "
      << spec.runs.size() - ran << " already done), " << failed << " failed; results in "
      << (dir / "results.csv").string() << '\n';
  return failed == 0 ? 0 : 1;
}

}  // namespace mmusim::explore
