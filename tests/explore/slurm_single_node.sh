#!/bin/sh
# The Slurm array job `mmusim sweep --emit slurm` writes, run by Slurm itself: a private
# single-node cluster (Debian's slurmctld and slurmd, authenticated by its own munged),
# `sbatch --test-only`, then `sbatch --wait` of the array, then `mmusim sweep merge`.
# Needs root (the daemons run as root here) and the packages setup.sh installs; run by
# ctest as slurm.array_job_runs_under_slurm (exit 77, skipped, where it cannot run).
# Usage: slurm_single_node.sh MMUSIM
set -eu
mmusim=$1
if [ "$(id -u)" != 0 ] || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "skipped: needs root and Debian's slurmctld, slurmd and munge (setup.sh installs them)"
  exit 77
fi
hostname=$(hostname -s)
dir=$(mktemp -d /tmp/mmusim_slurm.XXXXXX)
cleanup() {
  for pid_file in "$dir"/slurmctld.pid "$dir"/slurmd.pid "$dir"/munged.pid; do
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || continue
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  done
  rm -rf "$dir"
}
trap cleanup EXIT

# munged of its own: key, socket, log and seed in $dir.
dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$dir/munge.key"
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"

# Ports away from the defaults (6817, 6818), so a real cluster on this host is left alone.
mkdir -p "$dir/state" "$dir/spool"
cat > "$dir/slurm.conf" <<CONF
ClusterName=mmusimtest
SlurmctldHost=$hostname
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$hostname CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld
slurmd
# Up when the node is idle (a few seconds).
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  if [ $i -gt 60 ]; then echo "slurm did not come up:"; tail -5 "$dir"/slurm*.log; exit 1; fi
  sleep 0.5
done

cat > "$dir/spec.json" <<'SPEC'
{"set": {"workload.type": "random", "workload.accesses": 2000, "workload.processes": 1},
 "grid": {"mmu.tlb.l1.entries": [16, 32, 64]}}
SPEC
"$mmusim" sweep "$dir/spec.json" --out "$dir/sweep" --emit slurm
sbatch --test-only "$dir/sweep/sweep.sbatch"
sbatch --wait "$dir/sweep/sweep.sbatch"
"$mmusim" sweep merge "$dir/sweep"
# Three tasks, three results, all ok (merge exits 1 otherwise).
[ "$(grep -c ',ok,0,' "$dir/sweep/results.csv")" = 3 ]
echo "slurm: 3 array tasks ran, merged into one results.csv"
