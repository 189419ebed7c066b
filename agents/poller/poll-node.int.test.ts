import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sectionNames } from '../../lib/bundle/types';
import { encodeUnchangedLine } from '../../lib/probe/decode';
import { answerExec, serveLoopOf } from '../sim/exec';
import { testNode, TEST_NOW } from '../sim/testing';
import { SshError } from '../ssh/errors';
import { SshPool } from '../ssh/pool';
import { startFakeSshServer, type FakeSshServer } from '../ssh/testing/fake-ssh-server';
import { pollNode } from './poll-node';
import { SectionMemo } from './section-memo';

// pollNode over SSH against a node answering from the simulated state: the probe loop and the
// unchanged-section protocol end to end, the fallback to one exec per poll where the loop cannot
// run, and a node that claims an output the agent never had.

let dir: string;
let node: FakeSshServer;
let mode: 'sim' | 'liar' | 'always-liar' = 'sim';
/** a node whose shell cannot run the loop: the loop's exec ends at once */
let loopFails = false;
const replyBytes: number[] = [];
const { state } = testNode('dfw-mn-bm1');

/** The reply to one request (the loop's line or the whole exec command), lying as `mode` says. */
function reply(request: string, answer: () => string): string {
  const offered = /[0-9a-f]{64}/.test(request);
  // A liar says "unchanged" for a hash it was never offered (once, or every time).
  const lie = mode === 'always-liar' || (mode === 'liar' && !offered);
  if (mode === 'liar' && lie) mode = 'sim';
  const out = lie ? encodeUnchangedLine('hostname', 'b'.repeat(64), 0) + (request.startsWith('sh') ? '' : `FNH1 end ${request.split(' ')[0]}\n`) : answer();
  replyBytes.push(out.length);
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pollnode-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(dir, 'id')]);
  node = await startFakeSshServer((ch, command) => {
    const loop = serveLoopOf(command);
    if (loop && !loopFails) {
      let buffered = '';
      ch.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          ch.write(
            reply(line, () => {
              const r = loop.answer(state, line, TEST_NOW);
              return 'reply' in r ? r.reply : '';
            }),
          );
        }
      });
      return;
    }
    if (loop) {
      ch.stderr.write('sh: 1: mktemp: not found\n');
      ch.exit(97);
      ch.end();
      return;
    }
    ch.write(reply(command, () => answerExec(state, command, TEST_NOW).stdout));
    ch.exit(0);
    ch.end();
  });
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${node.port} ${node.hostPublicKey}\n`);
});

afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mode = 'sim';
  loopFails = false;
  replyBytes.length = 0;
});

function newPool(): SshPool {
  return new SshPool({
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
}

const opts = (memo: SectionMemo) => ({
  journalSince: Math.floor(TEST_NOW / 1000) - 900,
  timeoutMs: 10_000,
  maxBytes: 16 * 1024 * 1024,
  now: new Date(TEST_NOW),
  memo,
});

describe('pollNode with held sections', () => {
  it('gets unchanged sections as hashes and rebuilds the same bundle from what it holds', async () => {
    const pool = newPool();
    const memo = new SectionMemo();
    try {
      const first = await pollNode(pool, 'n', opts(memo));
      const second = await pollNode(pool, 'n', opts(memo));
      expect(Object.keys(first.bundle.sections).sort()).toEqual([...sectionNames].sort());
      expect(second.bundle).toEqual(first.bundle);
      expect(second.events).toEqual(first.events);
      // Same state, same clock: every section comes back as a hash.
      expect(replyBytes[1]).toBeLessThan(replyBytes[0]! / 10);
      // Both polls went to one long-lived loop: a single exec on the node.
      expect(node.execs()).toHaveLength(1);
      expect(serveLoopOf(node.execs()[0]!)).toBeDefined();
    } finally {
      await pool.close();
    }
  });

  it('polls with one exec each where the loop cannot run, trying the loop once per connection', async () => {
    const pool = newPool();
    const memo = new SectionMemo();
    loopFails = true;
    const before = node.execs().length;
    try {
      const first = await pollNode(pool, 'n', opts(memo));
      const second = await pollNode(pool, 'n', opts(memo));
      expect(second.bundle).toEqual(first.bundle);
      const execs = node.execs().slice(before);
      expect(execs.map((c) => (serveLoopOf(c) ? 'loop' : 'probe'))).toEqual(['loop', 'probe', 'probe']);
      // The exec probe carries the held hashes too.
      expect(execs[2]).toContain(memo.knownHashes('n')['ip-route']);
    } finally {
      await pool.close();
    }
  });

  it('asks again for everything when a node claims an output the agent does not hold', async () => {
    const pool = newPool();
    const memo = new SectionMemo();
    mode = 'liar';
    try {
      const polled = await pollNode(pool, 'n', opts(memo));
      expect(polled.bundle.sections.hostname?.stdout).toBe('dfw-mn-bm1\n');
      expect(replyBytes).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('fails the poll as a protocol error when the node keeps claiming outputs it was not offered', async () => {
    const pool = newPool();
    mode = 'always-liar';
    try {
      const err = await pollNode(pool, 'n', opts(new SectionMemo())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SshError);
      expect((err as SshError).kind).toBe('protocol');
    } finally {
      await pool.close();
    }
  });
});
