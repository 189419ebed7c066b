import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_POLL_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from './poller';

// The embedded agent and `npm run agent` take their poll defaults from poller.ts; the README's settings table
// says the same (they once drifted: 32 parallel polls embedded, 16 in `npm run agent`).
it("the README's poll settings row states the defaults both agents use", () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith('| `FNH_POLL_INTERVAL_MS`, `FNH_POLL_CONCURRENCY`, `FNH_POLL_TIMEOUT_MS` |'));
  expect(row, 'README settings row for the poll cadence').toBeDefined();
  const defaults = row!
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean)
    .pop();
  expect(defaults).toBe(`${DEFAULT_POLL_INTERVAL_MS}, ${DEFAULT_POLL_CONCURRENCY}, ${DEFAULT_POLL_TIMEOUT_MS}`);
});
