#!/usr/bin/env python3
"""Short runs of random platform configurations, looking for one that fails.

usage: random_configs.py MMUSIM [--runs N] [--seed S] [--accesses A] [--verify]

Each run sets 3 to 10 keys drawn from what `MMUSIM config` lists (a choice of its
values, a power of two in its range, or a size or time near its default) and runs a few
thousand accesses; with --verify, `mmu.*` keys only, and a 30-seed `mmusim verify`
campaign instead. A run may be refused (exit 2: the keys do not fit together); any
other exit status than 0 or 2, a crash or a run over two minutes is reported with the
command that repeats it. Keys meant to make a run fail (fault injections, an unverified
corrupt swap read), to read files, or to write much are left alone.

Exit status: 0 every run passed or was refused, 1 some failed, 2 bad usage.
"""

import argparse
import random
import re
import shlex
import subprocess
import sys

# Keys left at their defaults, and why.
LEFT_ALONE = {
    "cache.fault_injection": "fails the run on purpose",
    "firmware.fault_injection": "fails the run on purpose",
    "mmu.lockstep_injection": "fails the run on purpose",
    "swap.fault_kinds": "a corrupt read without firmware.swap_verify fails the run on purpose",
    "check.enabled": "the check is what finds a failure",
    "workload.path": "names a file",
    "workload.accesses": "set per run",
    "workload.seed": "sim.seed varies the run",
    "workload.mix.read": "read + write + fetch add up to 1: one alone cannot change",
    "workload.mix.write": "read + write + fetch add up to 1: one alone cannot change",
    "workload.mix.fetch": "read + write + fetch add up to 1: one alone cannot change",
    "sim.stats_interval": "writes a snapshot per interval",
    "sim.stats_interval_time": "writes a snapshot per interval",
    "sim.max_accesses": "bounds the run",
    "sim.max_time": "bounds the run",
    "sim.warmup_accesses": "bounds the run",
}
# Keys each verify seed chooses (verify refuses them), and the engine --impl names.
CHOSEN_BY_VERIFY = {"mmu.mode", "mmu.ad_update", "mmu.svnapot", "mmu.svpbmt", "mmu.impl"}
# Workload types that need a file.
NEEDS_A_FILE = {"lackey", "pages", "scenario"}
# What a key needs set with it to be used at all.
NEEDS = {
    "swap.command_time": "swap.preset=custom",
    "swap.byte_time": "swap.preset=custom",
    "firmware.napot=true": "mmu.svnapot=true",
    # (see LEFT_ALONE: a corrupt read must be verified)
    "swap.fault_rate": "swap.fault_kinds=error,timeout",
}


def keys_of(mmusim):
    """(key, default, hint) for every key `mmusim config` lists."""
    listing = subprocess.run([mmusim, "config"], capture_output=True, text=True, check=True).stdout
    keys = []
    for line in listing.splitlines():
        match = re.match(r'(\S+)\s+("[^"]*"|\S+)\s+(\[[^\]]*\])?', line)
        if match and "." in match.group(1):
            keys.append((match.group(1), match.group(2).strip('"'), match.group(3) or ""))
    return keys


def scaled(default, rng, unit):
    """A size or time near the default: a quarter to four times it."""
    match = re.match(r"([0-9.]+)(\D*)$", default)
    if not match or float(match.group(1)) == 0:
        return None
    value = float(match.group(1)) * rng.choice([0.25, 0.5, 1, 2, 4])
    if unit == "bytes":
        return f"{max(1, int(value))}{match.group(2)}"
    return f"{value:g}{match.group(2)}"


def value_for(key, default, hint, rng):
    """A value for the key, or None to leave it alone."""
    inside = hint.strip("[]")
    if "|" in inside:
        choices = [c.strip() for c in inside.split("|")]
        if key == "workload.type":
            choices = [c for c in choices if c not in NEEDS_A_FILE]
        return rng.choice(choices)
    bounds = re.match(r"(\d+)\.\.(\d+)", inside)
    if bounds:  # counts: geometries want powers of two, so mostly those
        low, high = int(bounds.group(1)), min(int(bounds.group(2)), 64)
        powers = [1 << n for n in range(7) if low <= 1 << n <= high]
        return str(rng.choice([low, high, default] + powers))
    if inside in ("bytes", "time"):
        return scaled(default, rng, inside)
    if inside == "frames":
        return str(rng.choice([0, 2, 3, 8, 64, default]))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mmusim")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--accesses", type=int, default=2000)
    parser.add_argument("--verify", action="store_true", help="random MMU geometries for verify")
    args = parser.parse_args()
    if args.runs < 1 or args.accesses < 1:
        parser.error("--runs and --accesses take a positive number")
    keys = [k for k in keys_of(args.mmusim) if k[0] not in LEFT_ALONE]
    if args.verify:
        keys = [k for k in keys if k[0].startswith("mmu.") and k[0] not in CHOSEN_BY_VERIFY]
    counts = {"passed": 0, "refused": 0, "failed": 0}
    for run in range(args.runs):
        rng = random.Random(args.seed + run)
        sets = ["sim.seed=" + str(rng.randint(1, 1000))]
        for key, default, hint in rng.sample(keys, rng.randint(3, 10)):
            value = value_for(key, default, hint, rng)
            if value is not None:
                sets.append(f"{key}={value}")
        sets += [NEEDS[n] for n in NEEDS if any(s.startswith(n) for s in sets)]
        if args.verify:
            command = [args.mmusim, "verify", "--coverage", "", "--seeds", "30",
                       "--seed", str(1000 * (args.seed + run))]
            sets = sets[1:]  # (each verify seed is its own)
        else:
            command = [args.mmusim, "run", "-q"]
            sets.append(f"workload.accesses={args.accesses}")
        command += [a for s in sets for a in ("--set", s)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
            status, stderr = result.returncode, result.stderr.strip()
        except subprocess.TimeoutExpired:
            status, stderr = "timeout", "over two minutes"
        if status in (0, 2):
            counts["passed" if status == 0 else "refused"] += 1
        else:
            counts["failed"] += 1
            print(f"run {args.seed + run}: exit {status}: {shlex.join(command)}\n"
                  f"  {stderr.splitlines()[-1] if stderr else '(nothing on stderr)'}", flush=True)
        print(f"\r{run + 1} of {args.runs} runs: {counts['passed']} passed, "
              f"{counts['refused']} refused, {counts['failed']} failed", end="",
              file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"{args.runs} runs: {counts['passed']} passed, {counts['refused']} refused, "
          f"{counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
