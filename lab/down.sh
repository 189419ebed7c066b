#!/usr/bin/env bash
# Tears the lab down completely and idempotently: every process in the lab's namespaces (sshd, the
# stand-in daemons, the peers, the monitoring user's sessions), the namespaces with their veths and
# mounts, the monitoring user, and lab/.run. Safe to run when nothing is up.
set -uo pipefail
cd "$(dirname "$0")"
source ./topology.sh
lab_take_lock lab/down.sh

lab_namespaces() { ip netns list | awk '{print $1}' | grep "^${LAB_NS_PREFIX}" || true; }

kill_namespace_pids() {
  local sig=$1 ns pids
  for ns in $(lab_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill "-$sig" $pids 2>/dev/null
  done
}

# Processes first (a namespace is only gone once its last process is), politely, then by force.
kill_namespace_pids TERM
for _ in $(seq 1 30); do
  remaining=$(for ns in $(lab_namespaces); do ip netns pids "$ns" 2>/dev/null; done)
  [ -z "$remaining" ] && break
  sleep 0.1
done
kill_namespace_pids KILL

for ns in $(lab_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
# The root ends of the management veths die with their peers; remove any that lingered.
for i in "${!LAB_NODES[@]}"; do
  ip link del "fnhm-${LAB_NODES[$i]}" 2>/dev/null || true
done

# The monitoring user exists only for the lab: remove it only if this lab created it.
if getent passwd "$LAB_USER" | cut -d: -f5 | grep -qx "$LAB_USER_COMMENT"; then
  pids=$(pgrep -u "$LAB_USER" || true)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  userdel -r "$LAB_USER" 2>/dev/null || userdel "$LAB_USER"
fi

rm -rf .run
echo "lab: down"
