#!/usr/bin/env python3
"""Host memory against what is configured: the same short run (the default scenario,
20 000 accesses per process) at dram.size=256MiB, 16GiB and 1TiB, and with swap.size=1TiB,
each run's peak resident set measured by the kernel (wait4's ru_maxrss). Target: every
one at most 1.3x the 256 MiB run, since host memory should grow with what is touched,
not with what is configured. Exit status 1 if a target is missed.

Also reported, not checked: a zipf workload's growth with workload.footprint (its
sampler still tabulates the whole footprint per process).
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
]
ZIPF = ["--set", "workload.type=zipf", "--set", "workload.processes=8", "--set",
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
    small = peak_kib(mmusim, ZIPF + ["--set", "workload.footprint=1MiB"])
    large = peak_kib(mmusim, ZIPF + ["--set", "workload.footprint=10GiB"])
    print(f"  zipf, 8 processes: footprint 1 MiB {small / 1024:.1f} MiB, 10 GiB "
          f"{large / 1024:.1f} MiB ({large / small:.1f}x; not yet a target that holds)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
