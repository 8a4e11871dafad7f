#!/usr/bin/env python3
"""Host memory against what is configured: the same short run (the default scenario,
20 000 accesses per process) at dram.size=256MiB, 16GiB and 1TiB, and with swap.size=1TiB,
each run's peak resident set measured by the kernel (wait4's ru_maxrss); and a zipf
workload of 8 processes, 1000 accesses each, at workload.footprint=1GiB against 100GiB
(and the program workload likewise: both touch about as many pages either way, though
spread over more page tables at 100 GiB). Target: every one at most 1.3x its small run, since
host memory should grow with what is touched, not with what is configured. Exit status 1
if a target is missed.
"""
import os
import subprocess
import sys

SHORT = ["--set", "workload.accesses=20000"]
RUNS = [
    ("dram.size=256MiB", ["--set", "dram.size=256MiB"], True),
    ("dram.size=16GiB", ["--set", "dram.size=16GiB"], True),
    ("dram.size=1TiB", ["--set", "dram.size=1TiB"], True),
    ("swap.size=1TiB", ["--set", "swap.size=1TiB"], True),
    # Not a target: a larger library spreads the reads over more pages, each a frame the
    # run touches; its image on the device costs nothing until read (it had cost 2 GB).
    ("library_size=1GiB", ["--set", "workload.library_size=1GiB"], False),
]
ZIPF = ["--set", "workload.type=zipf", "--set", "workload.processes=8", "--set",
        "workload.accesses=1000", "--set", "swap.size=1TiB"]
PROGRAM = ["--set", "workload.type=program", "--set", "workload.processes=8", "--set",
           "workload.accesses=1000", "--set", "swap.size=1TiB"]


def peak_kib(mmusim, args):
    process = subprocess.Popen([mmusim, "run", "-q", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"mmusim {' '.join(args)} failed")
    return usage.ru_maxrss  # KiB on Linux


def main():
    mmusim = sys.argv[1]
    base = peak_kib(mmusim, SHORT + RUNS[0][1])
    met = True
    print("peak resident set of the same run:")
    for name, args, checked in RUNS:
        kib = base if name == RUNS[0][0] else peak_kib(mmusim, SHORT + args)
        ratio = kib / base
        ok = ratio <= 1.3
        met = met and (ok or not checked)
        print(f"  {name:18s} {kib / 1024:8.1f} MiB  {ratio:5.2f}x"
              f"{'  (target <= 1.3x: ' + ('met' if ok else 'MISSED') + ')' if checked else ''}")
    for name, workload in (("zipf", ZIPF), ("program", PROGRAM)):
        small = peak_kib(mmusim, workload + ["--set", "workload.footprint=1GiB"])
        large = peak_kib(mmusim, workload + ["--set", "workload.footprint=100GiB"])
        ratio = large / small
        ok = ratio <= 1.3
        met = met and ok
        print(f"  {name}, 8 processes: footprint 1 GiB {small / 1024:.1f} MiB, 100 GiB "
              f"{large / 1024:.1f} MiB  {ratio:5.2f}x  (target <= 1.3x: "
              f"{'met' if ok else 'MISSED'})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
