#!/bin/sh
# Installs every Debian 12 package mmusim needs, then configures and builds it into build/.
# Safe to run again: apt-get skips what is installed and the build is incremental.
set -eu
cd "$(dirname "$0")"

packages="build-essential cmake pkg-config libsystemc-dev verilator libboost-dev \
nlohmann-json3-dev libgtest-dev libcli11-dev zlib1g-dev gtkwave valgrind python3 \
qemu-system-misc binutils-riscv64-unknown-elf"

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
