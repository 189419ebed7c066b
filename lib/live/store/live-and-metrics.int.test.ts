import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types';
import { sseReader } from '../sse-read';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { ingestPoll } from '../../ingest/store/poll';
import { listenPolls } from './notify-poll';
import { PollFanout } from './notify-fanout';
import { openPollEventStream } from './notify-event-stream';
import { renderMetrics } from '../../metrics/store/collect';

// Live updates and /metrics on the embedded store (PGlite, in process): ingest NOTIFYs on commit,
// the event stream turns that into SSE, /metrics counts what ingest stored. The same paths across
// processes on PostgreSQL: agents/lease/many-agents.int.test.ts.

let db: Db;
const bundle = (node: string, at: Date) => ({
  meta: { node, collectedAt: at.toISOString() },
  sections: { 'ip-link': { stdout: '[]', stderr: '', exitCode: 0, truncated: false } },
});
const ok = (node: string, pollMs = 120) => ingestPoll(db, { ok: true, node, at: new Date(), pollMs, bundle: bundle(node, new Date()), events: [] });
const failed = (node: string, kind: string) =>
  ingestPoll(db, { ok: false, node, at: new Date(), pollMs: 20_000, state: 'error', error: { kind, message: `${node}: ${kind}` } });

beforeAll(async () => {
  db = await openMemoryDb();
  for (const name of ['n1', 'n2', 'n3']) await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
});
afterAll(async () => {
  await db.close();
});

describe('NOTIFY on ingest', () => {
  it('reaches a listener with the node name once the poll is committed, and never for a rolled-back one', async () => {
    const seen: string[] = [];
    let delivered: () => void = () => undefined;
    const n1Seen = new Promise<void>((resolve) => (delivered = resolve));
    const unlisten = await listenPolls(db, (node) => {
      seen.push(node);
      if (node === 'n1') delivered();
    });
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`select pg_notify('fnh_poll', 'ghost')`);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await ok('n1');
      await n1Seen;
      expect(seen).toEqual(['n1']);
    } finally {
      await unlisten();
    }
  });
});

describe('event stream (GET /api/events body)', () => {
  it('starts with a hello carrying the server time, then sends a poll event naming the stored nodes', async () => {
    const fanout = new PollFanout(async () => db);
    const abort = new AbortController();
    const stream = await openPollEventStream({ fanout, signal: abort.signal, batchMs: 20, now: () => new Date('2026-11-26T05:00:00Z') });
    const events = sseReader(stream);
    const hello = await events.next();
    expect(hello.event).toBe('hello');
    expect(JSON.parse(hello.data)).toEqual({ serverTime: '2026-11-26T05:00:00.000Z' });
    await ok('n2');
    await failed('n3', 'connect-timeout');
    const poll = await events.next();
    expect(poll.event).toBe('poll');
    const body = JSON.parse(poll.data) as { nodes: string[]; count: number };
    expect(body.nodes.length).toBeGreaterThanOrEqual(1);
    expect(['n2', 'n3']).toEqual(expect.arrayContaining(body.nodes));
    // closing the request unsubscribes the stream from the process's single listener
    expect(fanout.size).toBe(1);
    abort.abort();
    expect(fanout.size).toBe(0);
    await fanout.close();
  });
});

describe('/metrics', () => {
  it('counts stored polls by result, failures by reason, poll durations, nodes by state', async () => {
    await ok('n1', 40);
    await failed('n2', 'auth');
    const text = await renderMetrics(db);
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${line} `))
          ?.slice(line.length + 1),
      );
    // earlier tests stored: n1 ok, n2 ok, n3 connect-timeout; this one n1 ok, n2 auth
    expect(value('fnh_polls_total{result="ok"}')).toBe(3);
    expect(value('fnh_polls_total{result="error"}')).toBe(2);
    expect(value('fnh_poll_failures_total{reason="connect-timeout"}')).toBe(1);
    expect(value('fnh_poll_failures_total{reason="auth"}')).toBe(1);
    expect(value('fnh_poll_duration_seconds_count')).toBe(5);
    expect(value('fnh_poll_duration_seconds_bucket{le="0.05"}')).toBe(1); // the 40 ms poll
    expect(value('fnh_poll_duration_seconds_bucket{le="0.25"}')).toBe(3); // + the two 120 ms polls
    expect(value('fnh_poll_duration_seconds_bucket{le="20"}')).toBe(5);
    expect(value('fnh_poll_duration_seconds_sum')).toBeCloseTo((40 + 120 + 120 + 20_000 + 20_000) / 1000);
    expect(value('fnh_nodes{state="ok"}')).toBe(1);
    expect(value('fnh_nodes{state="error"}')).toBe(2);
    expect(value('fnh_remediation_runs_running')).toBe(0);
    // the embedded store has no leasing agents: no lease families at all
    expect(text).not.toContain('fnh_node_leases');
  });
});
