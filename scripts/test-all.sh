#!/usr/bin/env bash
# The README's test command: every check CI runs, in order, stopping at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit
echo "== lint"; npx eslint --max-warnings 0 .
echo "== unit"; npx vitest run --project unit
echo "== integration"; npx vitest run --project integration
echo "== build"; npx next build
echo "== e2e"; npx playwright test
