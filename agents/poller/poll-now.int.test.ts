import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SectionName } from '../../lib/bundle/types';
import { encodeProbeLine } from '../../lib/probe/decode';
import { isServeCommand } from '../../lib/probe/serve';
import { SshPool } from '../ssh/pool';
import { startFakeSshServer, type FakeSshServer } from '../ssh/testing/fake-ssh-server';
import { Poller, type PollResult } from './poller';

// pollNow (used right after a remediation) against an ssh2 node that answers the probe.

let dir: string;
let node: FakeSshServer;
let release: (() => void) | undefined;
let holdNext = false;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pollnow-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(dir, 'id')]);
  node = await startFakeSshServer((ch) => {
    const answer = () => {
      const required: SectionName[] = ['ip-link', 'ip-addr', 'ip-route', 'ip-rule'];
      ch.write(required.map((s) => encodeProbeLine(s, '[]', 0)).join(''));
      ch.exit(0);
      ch.end();
    };
    if (holdNext) {
      holdNext = false;
      release = answer;
    } else {
      answer();
    }
  });
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${node.port} ${node.hostPublicKey}\n`);
});

// This node answers every exec with probe lines, so the agent's probe loop fails once per connection
// and it polls with one exec each (agents/poller/poll-node.ts): count those.
const probeExecs = () => node.execs().filter((c) => !isServeCommand(c));

afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Poller.pollNow', () => {
  it('polls at once, and a request during a poll gets a fresh poll after it', async () => {
    const pool = new SshPool({
      source: 't',
      nodes: [
        {
          name: 'n',
          host: '127.0.0.1',
          port: node.port,
          user: 'u',
          tags: [],
          keyPath: path.join(dir, 'id'),
          knownHostsPath: path.join(dir, 'known_hosts'),
          useAgent: false,
          trustOnFirstUse: false,
        },
      ],
    });
    const results: PollResult[] = [];
    // A long interval: only the first scheduled poll runs by itself during this test.
    const poller = new Poller(pool, ['n'], async (r) => void results.push(r), { intervalMs: 3_600_000 });
    expect(poller.status('n').state).toBe('pending');
    try {
      expect(await poller.pollNow('n')).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
      expect(probeExecs()).toHaveLength(1);

      // A poll is in flight (the node holds its answer) when the re-poll is asked for.
      holdNext = true;
      const inFlight = poller.pollNow('n');
      for (let i = 0; i < 50 && !release; i++) await new Promise((r) => setTimeout(r, 20));
      const after = poller.pollNow('n');
      release!();
      await inFlight;
      expect(await after).toMatchObject({ state: 'ok' });
      // The held poll, then one more that started after it: the re-poll sees state newer than the request.
      expect(probeExecs()).toHaveLength(3);
      expect(results.map((r) => r.ok)).toEqual([true, true, true]);
      await expect(poller.pollNow('nope')).rejects.toThrow(/unknown node/);
    } finally {
      await poller.stop();
      await pool.close();
    }
  });

  it('resumes the journal window from the last success the store remembers', async () => {
    const pool = new SshPool({
      source: 't',
      nodes: [
        {
          name: 'n',
          host: '127.0.0.1',
          port: node.port,
          user: 'u',
          tags: [],
          keyPath: path.join(dir, 'id'),
          knownHostsPath: path.join(dir, 'known_hosts'),
          useAgent: false,
          trustOnFirstUse: false,
        },
      ],
    });
    const lastSuccessAt = new Date(Date.now() - 120_000);
    const poller = new Poller(pool, ['n'], async () => undefined, { lastSuccess: new Map([['n', lastSuccessAt]]) });
    try {
      const before = probeExecs().length;
      await poller.pollNow('n');
      const since = Number(/--since @(\d+)/.exec(probeExecs()[before]!)?.[1]);
      expect(since).toBe(Math.floor(lastSuccessAt.getTime() / 1000) - 30);
    } finally {
      await poller.stop();
      await pool.close();
    }
  });
});
