import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getEvents } from '@/app/api/events/route';
import { GET as getFleet } from '@/app/api/fleet/route';
import { GET as getPeers } from '@/app/api/peers/route';
import { GET as getMetrics } from '@/app/metrics/route';
import { getDb } from '@/lib/db';
import { runShutdown } from '@/lib/shutdown';
import { sseReader } from '@/lib/live/sse-read';
import { ingestPoll } from '../../ingest/store/poll';
import { fleetBody } from '../../fleet/store/list-fleet';
import { signedInCookie } from '../../../tests/support/session';

// The two route handlers as Next.js calls them, over the process store (PGlite here): the event stream
// answers 200 with the hello already queued and carries a poll stored afterwards; /metrics answers in
// Prometheus text format.

let dir: string;
let cookie: string;
const previousDataDir = process.env.FNH_DATA_DIR;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-live-routes-'));
  process.env.FNH_DATA_DIR = path.join(dir, 'pglite');
  delete process.env.DATABASE_URL;
  const db = await getDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('route-node', '127.0.0.1', 22, 'fnh')`);
  cookie = await signedInCookie();
});

afterAll(async () => {
  await runShutdown(); // closes the process store
  if (previousDataDir === undefined) delete process.env.FNH_DATA_DIR;
  else process.env.FNH_DATA_DIR = previousDataDir;
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/events', () => {
  it('answers 200 as an event stream starting with the hello, then a poll event after a poll is stored', async () => {
    const abort = new AbortController();
    const res = await getEvents(new Request('http://127.0.0.1/api/events', { signal: abort.signal, headers: { cookie } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sseReader(res.body as ReadableStream<Uint8Array>);
    expect((await events.next()).event).toBe('hello');
    const db = await getDb();
    const at = new Date();
    await ingestPoll(db, {
      ok: true,
      node: 'route-node',
      at,
      pollMs: 10,
      bundle: { meta: { node: 'route-node', collectedAt: at.toISOString() }, sections: {} },
      events: [],
    });
    const poll = await events.next();
    expect(poll.event).toBe('poll');
    expect((JSON.parse(poll.data) as { nodes: string[] }).nodes).toEqual(['route-node']);
    abort.abort();
    await events.cancel();
  });
});

describe('GET /metrics', () => {
  it('answers Prometheus text format with the stored poll counted', async () => {
    const res = await getMetrics(new Request('http://127.0.0.1/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE fnh_poll_duration_seconds histogram');
    expect(text).toMatch(/^fnh_polls_total\{result="ok"\} 1$/m);
  });
});

describe('GET /api/fleet', () => {
  it('viewers asking within the same second share one read and its ETag; a later request reads afresh', async () => {
    const get = (headers: Record<string, string> = {}) => getFleet(new Request('http://127.0.0.1/api/fleet', { headers: { cookie, ...headers } }));
    const t = Date.now();
    const [a, b] = await Promise.all([fleetBody({ now: new Date(t) }), fleetBody({ now: new Date(t) })]);
    expect(b).toBe(a);
    expect(await fleetBody({ now: new Date(t + 900) })).toBe(a);
    expect((JSON.parse(a.body) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name)).toEqual(['route-node']);
    const later = await fleetBody({ now: new Date(Date.now() + 5_000) });
    expect(later).not.toBe(a);
    expect(later.body).not.toBe(a.body);

    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"f-/);
    expect(await first.text()).not.toBe('');
  });
});

describe('GET /api/peers', () => {
  it('answers the live grid with its version as ETag, the same JSON to viewers of the same second, 304 for that version', async () => {
    const get = (headers: Record<string, string>) => getPeers(new Request('http://127.0.0.1/api/peers', { headers: { cookie, ...headers } }));
    const [a, b] = await Promise.all([get({}), get({})]);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toBe('no-store');
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    const text = await a.text();
    expect(await b.text()).toBe(text);
    expect(JSON.parse(text)).toHaveProperty('asOf');
    // the version sent back: nothing changed, nothing sent
    const again = await get({ 'if-none-match': a.headers.get('etag')! });
    expect(again.status).toBe(304);
  });
});
