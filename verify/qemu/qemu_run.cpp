#include "qemu_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <thread>

#include "layout.h"

namespace mmusim::verify::qemu {

namespace {

std::uint64_t flags_of(const Request& r) {
  std::uint64_t f = static_cast<std::uint64_t>(r.ctx.kind);
  if (r.ctx.priv == Privilege::Supervisor) f |= kFlagSupervisor;
  if (r.ctx.sum) f |= kFlagSum;
  if (r.ctx.mxr) f |= kFlagMxr;
  return f;
}

void write_words(const std::string& path, const std::vector<std::uint64_t>& words) {
  std::ofstream out(path, std::ios::binary);
  for (std::uint64_t w : words) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i)
      bytes[i] = static_cast<unsigned char>(w >> (8 * i));  // little endian
    out.write(reinterpret_cast<const char*>(bytes), 8);
  }
  if (!out) throw QemuError("cannot write " + path);
}

// Runs argv with stdout and stderr into `log`; kills it after `timeout_seconds`.
int run_process(const std::vector<std::string>& argv, const std::string& log,
                unsigned timeout_seconds) {
  const pid_t pid = fork();
  if (pid < 0) throw QemuError("cannot fork");
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw QemuError(argv[0] + " did not finish within " + std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::vector<std::vector<Outcome>> run_batch(const std::vector<Case>& cases, const QemuSetup& setup,
                                            const std::string& tag) {
  std::vector<std::uint64_t> requests(kHeaderWords, 0);
  std::size_t count = 0;
  for (const Case& c : cases) {
    for (const Request& r : c.requests) {
      requests.insert(requests.end(), {c.satp, r.va, flags_of(r), c.first, c.end});
      ++count;
    }
  }
  requests[1] = count;
  requests[2] = kArena;
  requests[3] = kArenaBytes;
  requests[4] = kCopyOffset;
  requests[5] = kStoreValue;
  if (requests.size() * 8 > kRequestsBytes) throw QemuError("too many requests for one QEMU run");
  std::vector<std::uint64_t> tables((kTablesBytes) / 8, 0);
  std::uint64_t end = kTables;
  for (const Case& c : cases) {
    if (c.first < kTables || c.end > kTables + kTablesBytes)
      throw QemuError(c.name + ": tables outside the table region");
    for (const auto& [pa, value] : c.tables) tables[(pa - kTables) / 8] = value;
    end = std::max(end, c.end);
  }
  tables.resize((end - kTables) / 8);

  const std::string base = setup.workdir + "/" + tag;
  write_words(base + ".requests.bin", requests);
  write_words(base + ".tables.bin", tables);
  const std::string uart = base + ".uart";
  const std::string log = base + ".qemu.log";
  auto loader = [](const std::string& file, std::uint64_t addr) {
    std::ostringstream s;
    s << "loader,file=" << file << ",addr=0x" << std::hex << addr << ",force-raw=on";
    return s.str();
  };
  const std::vector<std::string> argv = {setup.qemu,
                                         "-machine",
                                         "virt",
                                         "-cpu",
                                         std::string("rv64,svnapot=") +
                                             (setup.extensions.svnapot ? "on" : "off") +
                                             ",svpbmt=" + (setup.extensions.svpbmt ? "on" : "off"),
                                         "-bios",
                                         "none",
                                         "-m",
                                         std::to_string(kRamBytes >> 20) + "M",
                                         "-display",
                                         "none",
                                         "-monitor",
                                         "none",
                                         "-serial",
                                         "file:" + uart,
                                         "-kernel",
                                         setup.harness,
                                         "-device",
                                         loader(base + ".requests.bin", kRequests),
                                         "-device",
                                         loader(base + ".tables.bin", kTables),
                                         "-device",
                                         loader(base + ".tables.bin", kTables + kCopyOffset)};
  const int status = run_process(argv, log, setup.timeout_seconds);
  if (status != 0) {
    throw QemuError(setup.qemu + " exited with status " + std::to_string(status) + ": " +
                    first_line(log) + " (" + log + ")");
  }

  std::vector<std::vector<Outcome>> outcomes;
  for (const Case& c : cases) outcomes.emplace_back(c.requests.size());
  std::ifstream in(uart);
  std::size_t case_index = 0, request_index = 0;
  Outcome* current = nullptr;
  bool ended = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    char kind = 0;
    std::uint64_t a = 0, b = 0, t = 0;
    s >> kind >> std::hex >> a >> b >> t;
    if (kind == 'T') {
      while (case_index < cases.size() && request_index == cases[case_index].requests.size()) {
        ++case_index;
        request_index = 0;
      }
      if (case_index == cases.size()) throw QemuError(uart + ": more answers than requests");
      current = &outcomes[case_index][request_index++];
      current->mcause = a;
      current->loaded = b;
      current->tval = t;
    } else if ((kind == 'S' || kind == 'P') && current != nullptr) {
      (kind == 'S' ? current->stores : current->pte_writes).emplace_back(a, b);
    } else if (kind == 'E') {
      ended = true;
    } else {
      throw QemuError(uart + ": unexpected line '" + line + "'");
    }
  }
  std::size_t answered = 0;
  for (std::size_t i = 0; i < case_index; ++i) answered += cases[i].requests.size();
  if (!ended || answered + request_index != count) {
    throw QemuError(uart + ": the harness stopped after " +
                    std::to_string(answered + request_index) + " of " + std::to_string(count) +
                    " requests");
  }
  return outcomes;
}

std::string built_harness() {
#ifdef MMUSIM_QEMU_HARNESS
  return MMUSIM_QEMU_HARNESS;
#else
  return "";
#endif
}

std::string qemu_version(const QemuSetup& setup) {
  const std::string log = setup.workdir + "/qemu-version.txt";
  const int status = run_process({setup.qemu, "--version"}, log, 30);
  if (status != 0) return setup.qemu + " --version failed with status " + std::to_string(status);
  return first_line(log);
}

}  // namespace mmusim::verify::qemu
