#!/bin/sh
# Installs every Debian 12 package mmusim needs, then configures and builds it into build/.
# With --checks it also builds build/checks: clang with AddressSanitizer and
# UndefinedBehaviorSanitizer, and the libFuzzer targets; ctest in build/ then runs their
# tests too (asan.*, fuzz.*).
# Safe to run again: apt-get skips what is installed and the build is incremental.
set -eu
cd "$(dirname "$0")"

checks=no
for arg in "$@"; do
  case "$arg" in
    --checks) checks=yes ;;
    *) echo "usage: ./setup.sh [--checks]" >&2; exit 2 ;;
  esac
done

packages="build-essential cmake pkg-config libsystemc-dev verilator libboost-dev \
nlohmann-json3-dev libgtest-dev libcli11-dev zlib1g-dev gtkwave valgrind python3 \
qemu-system-misc binutils-riscv64-unknown-elf parallel python3-matplotlib yosys \
slurmctld slurmd slurm-client munge"
[ "$checks" = no ] || packages="$packages clang libclang-rt-14-dev llvm"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"

if [ "$checks" = yes ]; then
  # Only what the sanitizer tests and the fuzz targets need: no injected-bug RTL variants.
  cmake -S . -B build/checks -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DMMUSIM_SANITIZE=ON -DMMUSIM_FUZZ=ON -DMMUSIM_RTL_BUGS=OFF
  cmake --build build/checks -j "$(nproc)"
fi
