#!/bin/sh
# Records memory traces of real programs with valgrind's lackey into sweeps/traces/
# (not checked in: they are large), for sweeps/real_programs.json. Each is a few
# million accesses: valgrind lackey runs a program about a hundred times slower, and
# writes some 15 bytes per access. Run from the repository root:
#   sweeps/make_traces.sh && build/bin/mmusim sweep sweeps/real_programs.json
set -eu
cd "$(dirname "$0")"
mkdir -p traces
lackey() {
  name=$1
  shift
  echo "tracing $name: $*" >&2
  valgrind --tool=lackey --trace-mem=yes --log-file="traces/$name.lackey" "$@" >/dev/null
  echo "  $(wc -l < "traces/$name.lackey") lines" >&2
}
# Inputs made here, the same on every machine.
seq 1 2000 | awk '{ print ($1 * 7919) % 2003 }' > traces/numbers.txt
head -c 65536 /usr/share/common-licenses/GPL-3 > traces/text.txt
lackey true /bin/true
lackey sort sort -n traces/numbers.txt
lackey gzip gzip -9 -c traces/text.txt
lackey ls ls -l /usr/bin
