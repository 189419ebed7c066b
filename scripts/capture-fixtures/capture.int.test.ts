import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '../../lib/bundle/folder';
import { diagnose } from '../../lib/diagnosis/diagnose';
import { normalizeBundle } from '../../lib/model/normalize';

// Re-runs the fixture capture in fresh namespaces (root only) and checks every scenario still reads as
// its verdict: the committed fixtures stay reproducible, not hand-made.
const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const expected: Record<string, Record<string, string>> = {
  healthy: { '216.238.110.55': 'healthy', '198.18.7.55': 'healthy' },
  'interface-missing': { '216.238.110.55': 'interface-missing', '198.18.7.55': 'interface-missing' },
  'interface-down': { '216.238.110.55': 'interface-down', '198.18.7.55': 'interface-down' },
  'stale-session': { '216.238.110.55': 'stale-session', '198.18.7.55': 'stale-session' },
  'no-route': { '216.238.110.55': 'no-route', '198.18.7.55': 'no-route' },
  'firewall-blocked': { '216.238.110.55': 'firewall-blocked', '198.18.7.55': 'healthy' },
  'seed-line': { '216.238.110.55': 'stale-session' },
};

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'fnh-capture-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('capture-fixtures in real namespaces', () => {
  it('captures every scenario and each diagnoses to its verdict', { timeout: 300_000 }, async () => {
    await run('bash', [path.join(repo, 'scripts', 'capture-fixtures', 'capture.sh'), out], { cwd: repo, env: { ...process.env, SEND_SECONDS: '7' } });
    for (const [scenario, verdicts] of Object.entries(expected)) {
      const d = diagnose(normalizeBundle(await loadBundleFolder(path.join(out, scenario))));
      expect({ scenario, verdicts: Object.fromEntries(d.peers.map((p) => [p.peer, p.verdict])) }).toEqual({ scenario, verdicts });
    }
    const { stdout } = await run('ip', ['netns', 'list']);
    expect(stdout).not.toMatch(/^fnhfx/m);
  });
});
