#include "interrupt.h"

#include <csignal>

namespace mmusim::interrupt {

namespace {

volatile std::sig_atomic_t noted = 0;

// Notes the signal, and gives both back their default action: the next one ends the
// process (signal() is async-signal-safe).
void note(int signal) {
  noted = signal;
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void catch_signals() {
  struct sigaction action = {};
  action.sa_handler = note;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a read or write under way goes on
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int caught() { return noted; }

const char* name(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace mmusim::interrupt
