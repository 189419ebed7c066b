#!/usr/bin/env bash
# The README's test command: every check CI runs, stopping at the first failure.
# CPU-bound steps that do not depend on each other overlap with waiting-bound ones (2-core machines):
# lint runs beside the typecheck, and the production build and the lab's suites beside the integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
logs=.data/test-logs
mkdir -p "$logs"
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Runs a step in the background with its output in a log; `finish NAME` waits for it and shows the log on failure.
start() { local name=$1; shift; ("$@" >"$logs/$name.log" 2>&1; echo $? >"$logs/$name.rc") & pids+=($!); eval "pid_${name//-/_}=$!"; }
finish() {
  local name=$1 pid_var="pid_${1//-/_}"
  wait "${!pid_var}" || true
  local rc; rc=$(cat "$logs/$name.rc" 2>/dev/null || echo 1)
  if [ "$rc" != 0 ]; then echo "== $name FAILED (exit $rc):"; cat "$logs/$name.log"; exit "$rc"; fi
  echo "== $name: ok"
}

start lint npm run --silent lint
echo "== typecheck"; npx tsc --noEmit
finish lint
echo "== unit"; npx vitest run --project unit
start build npx next build
# The namespace lab's suites (the lab, the remediation lifecycle on it, the fixture capture) mostly wait for
# the daemons' 5 s warning throttle: they run beside the CPU-bound rest, one after another (they share the lab).
start lab-integration npx vitest run --project lab
echo "== integration"; npx vitest run --project integration
finish lab-integration
finish build
echo "== e2e"; npx playwright test
