#!/usr/bin/env python3
"""The documentation's examples still say what the commands print.

usage: check_examples.py --mmusim BIN [--repo DIR] DOC.md...

In each fenced block of a document, a line `$ COMMAND` is an example: it is run with bash
(stderr joined to stdout) and what it prints must be the lines that follow it, up to the
next `$ ` line or the end of the block. An expected line `...` stands for any number of
lines. A block whose first line is `# NAME: ...` and that has no command is a file the
examples use: it is written as NAME first. The examples run in a scratch directory where
`build/bin/mmusim` is BIN and the repository's scenarios/ and sweeps/ are at hand.

Examples whose output cannot match by design are listed in NOT_RUN with the reason.
Exit status: 0 every example matched, 1 some did not (each with its file:line and a diff),
2 bad usage.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

# Command prefixes not run, and why.
NOT_RUN = {
    "build/bin/mmusim run my.json": "my.json is described in the text, not shown",
    "build/bin/mmusim sweep tlb.json": "its spec is described in the text; host seconds vary",
    "head -3 tlb/results.csv": "the sweep above is not run",
    "build/bin/mmusim synth": "Yosys takes minutes; the key holds a hash of the RTL sources",
    "build/bin/mmusim qemu-check": "its rule lines are summarised in the text",
    "tests/bench/compare_rates.py": "host timings",
    "build/bin/flush_cost": "host timings",
}
TIMEOUT_SECONDS = 300


def blocks(path):
    """(first line number, lines) of each fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    block, start = None, 0
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            if block is None:
                block, start = [], number + 1
            else:
                yield start, block
                block = None
        elif block is not None:
            block.append(line)


def examples(lines, start):
    """(line number, command, expected lines) of each `$ ` line of a block."""
    found = []
    for i, line in enumerate(lines):
        if line.startswith("$ "):
            found.append([start + i, line[2:], []])
        elif found:
            found[-1][2].append(line)
    return found


def matches(expected, actual):
    """Whether `actual` fits `expected`, where a line `...` is any number of lines."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0].rstrip() == actual[0].rstrip() and matches(
        expected[1:], actual[1:])


def scratch_directory(mmusim, repo):
    work = tempfile.mkdtemp(prefix="mmusim_examples_")
    os.makedirs(os.path.join(work, "build", "bin"))
    os.symlink(os.path.abspath(mmusim), os.path.join(work, "build", "bin", "mmusim"))
    for name in ("scenarios", "sweeps"):
        os.symlink(os.path.join(repo, name), os.path.join(work, name))
    return work


def check(doc, work):
    """The failures of one document's examples, as messages."""
    failures = []
    for start, lines in blocks(doc):
        found = examples(lines, start)
        named = re.match(r"# (\S+): ", lines[0]) if lines else None
        if not found and named:
            with open(os.path.join(work, named.group(1)), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            continue
        for number, command, expected in found:
            if any(command.startswith(prefix) for prefix in NOT_RUN):
                continue
            try:
                run = subprocess.run(["bash", "-c", command], cwd=work, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     timeout=TIMEOUT_SECONDS)
                actual = run.stdout.split("\n")
            except subprocess.TimeoutExpired:
                failures.append(f"{doc}:{number}: `{command}` took over {TIMEOUT_SECONDS} s")
                continue
            while actual and actual[-1] == "":
                actual.pop()
            while expected and expected[-1] == "":
                expected.pop()
            if not matches(expected, actual):
                diff = "\n".join(difflib.unified_diff(expected, actual, "documented", "printed",
                                                      lineterm=""))
                failures.append(f"{doc}:{number}: `{command}` prints something else:\n{diff}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mmusim", required=True, help="the mmusim binary")
    parser.add_argument("--repo", default=os.path.join(os.path.dirname(__file__), "..", ".."),
                        help="the repository (default: this script's)")
    parser.add_argument("docs", nargs="+", help="Markdown files")
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)
    work = scratch_directory(args.mmusim, repo)
    failures, ran = [], 0
    for doc in args.docs:
        path = doc if os.path.isabs(doc) else os.path.join(repo, doc)
        if not os.path.exists(path):
            print(f"check_examples.py: {doc}: no such file", file=sys.stderr)
            return 2
        failures += check(path, work)
        ran += sum(1 for start, lines in blocks(path) for _ in examples(lines, start))
    subprocess.run(["rm", "-rf", work], check=False)
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"check_examples.py: {ran} examples in {len(args.docs)} file(s), "
          f"{len(failures)} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
