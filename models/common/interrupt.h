#pragma once
// Ctrl-C (SIGINT) and SIGTERM (`timeout`, a batch system) end a long run or campaign
// cleanly instead of killing it: what it has done so far is kept (stats, coverage,
// waveforms closed so that they open, timelines). Commands that can stop cleanly call
// catch_signals() and look at caught() between units of work. The first signal is only
// noted; a second one kills as usual, for a command slow to reach its next check.

namespace mmusim::interrupt {

void catch_signals();
// The signal noted since catch_signals(), or 0.
int caught();
// The exit status of a command that a signal ended early: 128 + the signal, as a shell
// reports a command the signal killed.
inline int exit_status(int signal) { return 128 + signal; }
// "SIGINT" or "SIGTERM".
const char* name(int signal);

}  // namespace mmusim::interrupt
