#include "sweep.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "hardware_cost.h"
#include "input_error.h"
#include "input_file.h"
#include "interrupt.h"
#include "sweep_spec.h"

namespace mmusim::explore {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

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

// One process of the sweep: a run, or the synthesis of a hardware configuration.
struct Job {
  const SweepRun* run = nullptr;
  std::string synth_key;  // "" for a run
};

struct Running {
  Job job;
  Clock::time_point started;
  bool killed = false;
};

class Sweep {
 public:
  Sweep(const SweepOptions& options, const SweepSpec& spec, fs::path dir)
      : options_(options),
        spec_(spec),
        dir_(std::move(dir)),
        runs_(dir_ / "runs"),
        synth_(dir_ / "synth") {}

  // The runs with no result yet (and, with --retry-failed, the failed ones); `only`: just
  // that run.
  std::vector<const SweepRun*> pending() const {
    std::vector<const SweepRun*> out;
    for (const SweepRun& run : spec_.runs) {
      if (!options_.only.empty()) {
        if (run.id == options_.only) out.push_back(&run);
        continue;
      }
      const fs::path status = runs_ / (run.id + ".status.json");
      if (fs::exists(status) &&
          !(options_.retry_failed && json::parse(read_own_file(status))["status"] != "ok")) {
        continue;
      }
      out.push_back(&run);
    }
    if (!options_.only.empty() && out.empty()) {
      throw InputError("--only", "no run " + options_.only + " in " + spec_.path);
    }
    return out;
  }

  // Runs `pending`, after synthesizing the hardware configurations they need that are not
  // in DIR/synth yet; returns how many failed. A SIGINT or SIGTERM stops the sweep: no run
  // starts after it, the running ones get it too and end as a signal ends them (a run
  // keeps its stats), and the ones it stopped record nothing, so that running the sweep
  // again runs them (stopped_by() says which signal).
  std::size_t run(const std::vector<const SweepRun*>& runs, std::ostream& err) {
    std::vector<Job> pending;
    std::set<std::string> queued;
    for (const SweepRun* run : runs) {
      const std::string& key = run->hardware_key;
      if (key.empty() || cached_hardware_cost(synth_.string(), key)) continue;
      if (queued.insert(key).second) pending.push_back({run, key});  // first: it takes longest
    }
    for (const SweepRun* run : runs) pending.push_back({run, ""});
    const unsigned jobs =
        options_.jobs != 0 ? options_.jobs : std::max(1u, std::thread::hardware_concurrency());
    const Clock::time_point start = Clock::now();
    Clock::time_point last_progress = start;
    std::map<pid_t, Running> running;
    std::size_t next = 0, done = 0, failed = 0;
    while ((next < pending.size() && stopped_by_ == 0) || !running.empty()) {
      if (stopped_by_ == 0 && interrupt::caught() != 0) {
        // Each child leads a process group of its own (see launch): a Ctrl-C at the
        // terminal reaches only the sweep, and reaches each run once, from here.
        stopped_by_ = interrupt::caught();
        for (const auto& [child, r] : running) kill(-child, stopped_by_);
      }
      while (stopped_by_ == 0 && next < pending.size() && running.size() < jobs) {
        const Job& job = pending[next++];
        running[launch(job)] = {job, Clock::now()};
      }
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid > 0 && running.count(pid) != 0) {
        const Running r = running.at(pid);
        running.erase(pid);
        if (stopped_by_ != 0 && ended_by_signal(status)) continue;  // not done: runs again
        failed += record(r, status) ? 0 : 1;
        ++done;
        continue;
      }
      for (auto& [child, r] : running) {
        const double seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
        if (options_.timeout_seconds > 0 && seconds > options_.timeout_seconds && !r.killed) {
          kill(-child, SIGKILL);  // a synthesis's yosys too
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
    return failed;
  }

  // The job lists for GNU parallel and Slurm: one `mmusim sweep --only ID` per pending run.
  void emit(const std::vector<const SweepRun*>& pending, const std::string& kind,
            std::ostream& out) const {
    const std::string mmusim = fs::absolute(fs::read_symlink(options_.mmusim)).string();
    const std::string command = mmusim + " sweep " + fs::absolute(spec_.path).string() +
                                " --out " + fs::absolute(dir_).string() + " --only ";
    if (kind == "parallel") {
      std::ofstream jobs(dir_ / "jobs.txt");
      for (const SweepRun* run : pending) jobs << command << run->id << '\n';
      out << "sweep: " << pending.size() << " jobs in " << (dir_ / "jobs.txt").string()
          << "; run them with: parallel --jobs N < " << (dir_ / "jobs.txt").string()
          << " (add --sshlogin for hosts that share this directory), then: mmusim sweep merge "
          << dir_.string() << '\n';
      return;
    }
    std::ofstream ids(dir_ / "ids.txt");
    for (const SweepRun* run : pending) ids << run->id << '\n';
    const fs::path script = dir_ / "sweep.sbatch";
    std::ofstream sbatch(script);
    sbatch << "#!/bin/sh\n"
           << "#SBATCH --job-name=mmusim-sweep\n"
           << "#SBATCH --array=0-" << (pending.empty() ? 0 : pending.size() - 1) << "\n"
           << "#SBATCH --ntasks=1\n"
           << "#SBATCH --output=" << fs::absolute(runs_).string() << "/slurm-%A_%a.out\n"
           << "# One array task per run of " << spec_.path << ": task i runs line i+1 of ids.txt.\n"
           << "id=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " << fs::absolute(dir_ / "ids.txt").string()
           << ")\n"
           << "exec " << command << "\"$id\"\n";
    sbatch.close();
    fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
    out << "sweep: " << pending.size() << " array tasks in " << script.string()
        << "; submit with: sbatch " << script.string() << ", then: mmusim sweep merge "
        << dir_.string() << '\n';
  }

  std::string header() const {
    std::string h = "id,workload,seed";
    for (const auto& key : spec_.parameter_keys) h += ',' + csv_field(key);
    for (const auto& column : spec_.columns) h += ',' + csv_field(column);
    return h + ",status,exit,host_seconds,error\n";
  }

  // A row for every run of the spec with a result here and none in `seen` (the ids it
  // adds); the others are counted in `report`.
  struct Report {
    std::size_t rows = 0, failed = 0;
    std::vector<std::string> missing, duplicates;
  };
  void write_rows(std::ostream& csv, std::map<std::string, std::string>& seen,
                  Report& report) const {
    for (const SweepRun& run : spec_.runs) {
      const fs::path status_path = runs_ / (run.id + ".status.json");
      if (!fs::exists(status_path)) continue;
      const auto [first, fresh] = seen.emplace(run.id, dir_.string());
      if (!fresh) {
        report.duplicates.push_back(run.id + " (in " + first->second + " and " + dir_.string() +
                                    "; the first is kept)");
        continue;
      }
      ++report.rows;
      const json status = json::parse(read_own_file(status_path));
      const fs::path stats_path = runs_ / (run.id + ".json");
      json stats = json::parse(fs::exists(stats_path) ? read_own_file(stats_path) : "{}", nullptr, false);
      if (stats.is_discarded()) stats = json::object();
      const auto cost = run.hardware_key.empty()
                            ? std::nullopt
                            : cached_hardware_cost(synth_.string(), run.hardware_key);
      if (cost) {
        stats["hw"] = {{"cells", cost->cells},
                       {"flip_flops", cost->flip_flops},
                       {"logic_depth", cost->logic_depth}};
      }
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
      report.failed += status["status"] != "ok";
    }
  }
  const SweepSpec& spec() const { return spec_; }
  const fs::path& dir() const { return dir_; }
  const std::vector<std::string>& synthesis_failures() const { return synthesis_failures_; }
  // The signal that stopped run(), or 0.
  int stopped_by() const { return stopped_by_; }

  // DIR/sweep.json: which spec this directory's runs belong to, for `sweep merge`.
  // Its directory is made here, before any run: one that cannot be made is bad input.
  void note_spec() const {
    std::error_code ec;
    fs::create_directories(runs_, ec);
    std::ofstream note(dir_ / "sweep.json");
    note << json{{"spec", fs::absolute(spec_.path).string()}}.dump(2) << '\n';
    if (ec || !note) {
      throw InputError("--out", "cannot write into " + dir_.string() +
                                    (ec ? ": " + ec.message() : std::string()));
    }
  }

 private:
  // A run: `mmusim run` of its own config, complete (`mmusim run runs/<id>.config.json`
  // repeats it). A synthesis: `mmusim synth` of the config of a run that needs it.
  pid_t launch(const Job& job) {
    const SweepRun& run = *job.run;
    const bool synth = !job.synth_key.empty();
    const fs::path dir = synth ? synth_ : runs_;
    const std::string name = synth ? job.synth_key : run.id;
    fs::create_directories(dir);
    const fs::path config = dir / (name + ".config.json");
    std::ofstream(config) << run.config;
    const std::string stats = (runs_ / (run.id + ".json")).string();
    const std::string err = (dir / (name + ".err")).string();
    if (!synth) fs::remove(stats);
    const std::string synth_dir = synth_.string();
    const pid_t sweep_pid = getpid();
    // The sweep's signals wait while it forks: a child must not take one with the
    // sweep's handler, which only notes it, before it runs `mmusim` with its own.
    sigset_t stop_signals, before;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_signals, &before);
    const pid_t pid = fork();
    if (pid == 0) {
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
      // A process group of its own, which the sweep signals as one (a synthesis runs
      // yosys); and SIGTERM if the sweep dies, so that no run is left running on its own.
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != sweep_pid) _exit(127);  // it died before prctl
      sigprocmask(SIG_SETMASK, &before, nullptr);
      const int null = open("/dev/null", O_WRONLY);
      const int log = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(null, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      const std::string config_text = config.string();
      if (synth) {
        execl(options_.mmusim.c_str(), "mmusim", "synth", config_text.c_str(), "--cache",
              synth_dir.c_str(), static_cast<char*>(nullptr));
      } else {
        execl(options_.mmusim.c_str(), "mmusim", "run", "-q", config_text.c_str(), "--stats",
              stats.c_str(), static_cast<char*>(nullptr));
      }
      _exit(127);
    }
    sigprocmask(SIG_SETMASK, &before, nullptr);
    if (pid < 0) throw std::runtime_error("cannot start a run: fork failed");
    setpgid(pid, pid);  // as the child does: whichever comes first, the group exists
    return pid;
  }

  // How a process the sweep's signal stopped ends: killed by it, or exiting 128 + it as
  // `mmusim run` does.
  bool ended_by_signal(int wait_status) const {
    if (WIFSIGNALED(wait_status)) return true;
    return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == interrupt::exit_status(stopped_by_);
  }

  // A run's status file; a failed synthesis on `err_` (it is tried again next time). True
  // if it succeeded.
  bool record(const Running& r, int wait_status) const {
    if (!r.job.synth_key.empty()) return record_synthesis(r, wait_status);
    return record_run(r, wait_status);
  }

  bool record_synthesis(const Running& r, int wait_status) const {
    const std::string& key = r.job.synth_key;
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
      fs::remove(synth_ / (key + ".err"));  // its progress line only
      return true;
    }
    const std::string text = read_own_file(synth_ / (key + ".err"));
    std::string said = first_line(text);
    if (said.rfind("mmusim synth: yosys on", 0) == 0) {  // the progress line: the error is next
      said = first_line(text.substr(text.find('\n') + 1));
    }
    if (r.killed) said = "killed after --timeout " + json(options_.timeout_seconds).dump() + " s";
    synthesis_failures_.push_back(key + ": " + said);
    return false;
  }

  bool record_run(const Running& r, int wait_status) const {
    const double seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
    json status;
    const std::string said = first_line(read_own_file(runs_ / (r.job.run->id + ".err")));
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
    std::ofstream(runs_ / (r.job.run->id + ".status.json")) << status.dump(2) << '\n';
    return status["status"] == "ok";
  }

  const SweepOptions& options_;
  const SweepSpec& spec_;
  fs::path dir_;
  fs::path runs_;
  fs::path synth_;  // the hardware cost cache of this sweep
  mutable std::vector<std::string> synthesis_failures_;  // "KEY: error", from record()
  int stopped_by_ = 0;
};

fs::path output_dir(const SweepOptions& options) {
  if (!options.out_dir.empty()) return options.out_dir;
  fs::path dir = options.spec;
  return dir.replace_extension();
}

// Every row of these sweeps' directories into one results.csv; what is missing or given
// twice on `err`. Returns how many runs failed or are missing.
std::size_t join(const std::vector<const Sweep*>& sweeps, const fs::path& csv_path,
                 std::ostream& out, std::ostream& err) {
  std::ofstream csv(csv_path);
  csv << sweeps.front()->header();
  std::map<std::string, std::string> seen;
  Sweep::Report report;
  for (const Sweep* sweep : sweeps) sweep->write_rows(csv, seen, report);
  std::size_t planned = 0;
  for (const SweepRun& run : sweeps.front()->spec().runs) {
    ++planned;
    if (seen.count(run.id) == 0) report.missing.push_back(run.id);
  }
  for (const auto& d : report.duplicates) err << "sweep: run " << d << " twice\n";
  if (!report.missing.empty()) {
    err << "sweep: " << report.missing.size() << " run(s) have no result yet:";
    for (const auto& id : report.missing) err << ' ' << id;
    err << '\n';
  }
  out << "sweep: " << planned << " runs, " << report.rows << " with results ("
      << report.failed << " failed), " << report.missing.size() << " missing; results in "
      << csv_path.string() << '\n';
  return report.failed + report.missing.size();
}

}  // namespace

int run_sweep(const SweepOptions& options, std::ostream& out, std::ostream& err) {
  const SweepSpec spec = read_sweep_spec(options.spec);
  Sweep sweep(options, spec, output_dir(options));
  sweep.note_spec();
  const auto pending = sweep.pending();
  if (!options.emit.empty()) {
    sweep.emit(pending, options.emit, out);
    return 0;
  }
  interrupt::catch_signals();
  const std::size_t failed = sweep.run(pending, err);
  for (const std::string& f : sweep.synthesis_failures()) {
    err << "sweep: synthesis of " << f << " (its hw.* columns stay empty; run the sweep again to retry)\n";
  }
  const int signal = sweep.stopped_by();
  if (signal != 0) {
    err << "sweep: stopped by " << interrupt::name(signal)
        << "; the runs it stopped, and the ones not started, run when the same command is "
           "given again\n";
  }
  if (!options.only.empty()) {  // one job of many: no table
    return signal != 0 ? interrupt::exit_status(signal) : failed == 0 ? 0 : 1;
  }
  if (signal == 0) {
    out << "sweep: ran " << pending.size() << " of " << spec.runs.size() << " runs ("
        << spec.runs.size() - pending.size() << " already done)\n";
  }
  const bool all_succeeded = join({&sweep}, sweep.dir() / "results.csv", out, err) == 0;
  if (signal != 0) return interrupt::exit_status(signal);
  return all_succeeded ? 0 : 1;
}

int merge_sweeps(const std::vector<std::string>& dirs, const std::string& out_file,
                 std::ostream& out, std::ostream& err) {
  std::vector<SweepSpec> specs;
  std::vector<SweepOptions> options(dirs.size());
  for (const std::string& dir : dirs) {
    const fs::path note = fs::path(dir) / "sweep.json";
    if (!fs::exists(note)) throw InputError(dir, "not a sweep directory (no sweep.json)");
    specs.push_back(read_sweep_spec(json::parse(read_own_file(note))["spec"].get<std::string>()));
  }
  std::vector<Sweep> sweeps;
  sweeps.reserve(dirs.size());
  for (std::size_t i = 0; i < dirs.size(); ++i) sweeps.emplace_back(options[i], specs[i], dirs[i]);
  std::vector<const Sweep*> all;
  for (const Sweep& s : sweeps) {
    if (s.header() != sweeps.front().header()) {
      throw InputError(s.dir().string(), "its sweep has other columns than " +
                                             sweeps.front().dir().string() + "'s: not the same sweep");
    }
    all.push_back(&s);
  }
  const fs::path csv = out_file.empty() ? fs::path(dirs.front()) / "results.csv" : fs::path(out_file);
  return join(all, csv, out, err) == 0 ? 0 : 1;
}

}  // namespace mmusim::explore
