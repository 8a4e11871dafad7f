#!/usr/bin/env python3
"""Every performance benchmark of tests/bench/ in one command, each with settings short
enough that the whole report takes a minute or two; each prints its ratio and target.
The last lines say which targets were met. Exit status 1 if any was missed.

  tests/bench/all.py build/bin
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    bin_dir = sys.argv[1]
    mmusim = os.path.join(bin_dir, "mmusim")
    rates = [sys.executable, os.path.join(HERE, "compare_rates.py")]
    benchmarks = [
        ("TLM ceiling", rates + ["ceiling", mmusim, "--rounds", "3"]),
        ("translation", rates + ["translation", mmusim, "--rounds", "3"]),
        ("rtl", rates + ["rtl", mmusim, "--rounds", "3", "--accesses", "3000000"]),
        ("caches", rates + ["caches", mmusim, "--rounds", "3"]),
        ("flushes", [os.path.join(bin_dir, "flush_cost")]),
        ("replacement", rates + ["replacement", mmusim, "--rounds", "2", "--accesses", "100000"]),
        ("host memory", [sys.executable, os.path.join(HERE, "memory_growth.py"), mmusim]),
        ("default scenario", rates + ["scenario", mmusim, "--rounds", "2", "--accesses", "100000"]),
        ("859a855 scenario", rates + ["paging", mmusim, "--rounds", "2", "--accesses", "300000"]),
    ]
    results = []
    for name, command in benchmarks:
        print(f"== {name}", flush=True)
        status = subprocess.run(command).returncode
        results.append((name, status))
        print(flush=True)
    print("targets:")
    for name, status in results:
        print(f"  {name:18s} {'met' if status == 0 else 'MISSED' if status == 1 else 'ERROR'}")
    return 0 if all(status == 0 for _, status in results) else 1


if __name__ == "__main__":
    sys.exit(main())
