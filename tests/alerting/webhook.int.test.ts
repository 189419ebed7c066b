import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db';
import { fingerprintOf, notification, type TestAlert } from './testing/alertmanager-payload';

// The Alertmanager webhook as Alertmanager meets it: the real route handler, called in-process with real
// Requests, on a real PGlite store, configured only through its environment. Alertmanager drops a
// notification on any 4xx (notify/util.go Retrier.Check retries 5xx only), so a well-formed v4 payload must
// never get one, whatever its sizes.

type Post = (req: Request) => Promise<Response>;
let post: Post;
let db: Db;
let dataDir: string;
const savedEnv = { ...process.env };
const token = 'a-webhook-token-only-this-test-knows';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-webhook-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  post = ((await import('../../app/api/alerts/alertmanager/route')) as { POST: Post }).POST;
  const { getDb } = await import('../../lib/db');
  db = await getDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('dfw-mn-bm1', '10.0.0.1', 22, 'fnh'), ('ams-1', '10.0.0.2', 22, 'fnh')`);
}, 120_000);

afterAll(async () => {
  await db.close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  delete process.env.FNH_ALERTMANAGER_TOKEN;
  delete process.env.FNH_ALERTMANAGER_OPEN;
  delete process.env.FNH_PUBLIC_ORIGIN;
  await db.query('delete from alerts');
});

async function send(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const { NextRequest } = await import('next/server');
  return post(
    new NextRequest('http://127.0.0.1:3100/api/alerts/alertmanager', {
      method: 'POST',
      headers: { host: '127.0.0.1:3100', 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.25.0', ...headers },
      body: text,
    }),
  );
}
const bearer = { authorization: `Bearer ${token}` };
const stored = async () => (await db.query<{ n: number }>('select count(*)::int as n from alerts')).rows[0]?.n ?? 0;
const seedAlert = (n = 1, extra: Partial<TestAlert> = {}): TestAlert => ({
  fingerprint: fingerprintOf(n),
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  labels: { node: 'dfw-mn-bm1', peer: '216.238.110.55', verdict: 'stale-session' },
  ...extra,
});

describe('who may post', () => {
  it('refuses every notification while no token is set and the webhook is not explicitly opened, and stores nothing', async () => {
    const res = await send(notification([seedAlert()]));
    // 503, not 4xx: Alertmanager keeps retrying while the operator sets the token, instead of dropping.
    expect(res.status).toBe(503);
    expect(JSON.stringify(await res.json())).toContain('FNH_ALERTMANAGER_TOKEN');
    expect(await stored()).toBe(0);
  });

  it('takes anonymous notifications only when FNH_ALERTMANAGER_OPEN=1 says so', async () => {
    process.env.FNH_ALERTMANAGER_OPEN = 'yes please';
    expect((await send(notification([seedAlert()]))).status).toBe(503);
    process.env.FNH_ALERTMANAGER_OPEN = '1';
    expect((await send(notification([seedAlert()]))).status).toBe(200);
    expect(await stored()).toBe(1);
  });

  it('with a token, refuses a missing or wrong bearer token (401) even when also opened, and takes the right one', async () => {
    process.env.FNH_ALERTMANAGER_TOKEN = token;
    process.env.FNH_ALERTMANAGER_OPEN = '1';
    expect((await send(notification([seedAlert()]))).status).toBe(401);
    expect((await send(notification([seedAlert()]), { authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await send(notification([seedAlert()]), { authorization: token })).status).toBe(401);
    expect(await stored()).toBe(0);
    expect((await send(notification([seedAlert()]), bearer)).status).toBe(200);
    expect(await stored()).toBe(1);
  });
});

describe('triage links in the reply', () => {
  it('start with the configured public origin, never with the Host header of the request', async () => {
    process.env.FNH_ALERTMANAGER_TOKEN = token;
    process.env.FNH_PUBLIC_ORIGIN = 'https://noc.example, http://127.0.0.1:3100';
    const alert = seedAlert();
    const res = await send(notification([alert]), { ...bearer, host: 'rebind.attacker.example:3100' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('attacker');
    const answer = JSON.parse(text) as { alerts: { triageUrl: string | null; triagePath: string }[] };
    const ms = Date.parse(alert.startsAt);
    expect(answer.alerts[0]).toMatchObject({
      triagePath: `/triage/${alert.fingerprint}/${ms}`,
      triageUrl: `https://noc.example/triage/${alert.fingerprint}/${ms}`,
    });
  });

  it('are paths only while no public origin is configured (the Host header is not trusted for them)', async () => {
    process.env.FNH_ALERTMANAGER_TOKEN = token;
    const res = await send(notification([seedAlert()]), { ...bearer, host: 'rebind.attacker.example:3100' });
    const text = await res.text();
    expect(text).not.toContain('attacker');
    const answer = JSON.parse(text) as { alerts: { triageUrl: string | null; triagePath: string }[] };
    expect(answer.alerts[0]?.triageUrl).toBeNull();
    expect(answer.alerts[0]?.triagePath).toMatch(/^\/triage\/0{15}1\/\d+$/);
  });
});

describe('never a 4xx for a well-formed v4 notification', () => {
  beforeEach(() => {
    process.env.FNH_ALERTMANAGER_TOKEN = token;
  });

  it('stores an alert whose label and annotation values exceed 4,096 characters, cut, with a note', async () => {
    const long = 'x'.repeat(10_000);
    const alert = seedAlert(7, { labels: { node: 'dfw-mn-bm1', peer: '216.238.110.55', runbook: long }, annotations: { description: long } });
    const res = await send(notification([alert]), bearer);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { stored: number; alerts: { notes: string[] }[] };
    expect(answer.stored).toBe(1);
    expect(answer.alerts[0]?.notes.join('\n')).toMatch(/label runbook: value cut from 10,000 to 4,096 characters/);
    const { rows } = await db.query<{ labels: Record<string, string>; annotations: Record<string, string>; notes: string[]; node: string }>(
      `select labels, annotations, notes, node from alerts where fingerprint = $1`,
      [alert.fingerprint],
    );
    expect(rows[0]?.labels.runbook).toHaveLength(4_096);
    expect(rows[0]?.annotations.description).toHaveLength(4_096);
    expect(rows[0]?.node).toBe('dfw-mn-bm1');
    expect(rows[0]?.notes.join('\n')).toContain('label runbook');
  });

  it('stores a group of more than 1,000 alerts: 1,000 new episodes, the rest named in a note (200)', async () => {
    const alerts = Array.from({ length: 1_500 }, (_, i) => seedAlert(100 + i));
    const res = await send(notification(alerts), bearer);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { stored: number; notStored: number; notes: string[] };
    expect(answer).toMatchObject({ stored: 1_000, notStored: 500 });
    expect(answer.notes.join('\n')).toMatch(/500 new alerts of this notification were not stored/);
    expect(await stored()).toBe(1_000);
  });

  it('answers 200 to a notification that names the same episode twice (the last one wins)', async () => {
    const a = seedAlert(3);
    const res = await send(notification([a, { ...a, status: 'resolved', endsAt: new Date().toISOString() }]), bearer);
    expect(res.status).toBe(200);
    const { rows } = await db.query<{ status: string }>('select status from alerts');
    expect(rows).toEqual([{ status: 'resolved' }]);
  });

  it('takes names and values Alertmanager can send that are long or odd: receiver, groupKey, label names, generatorURL', async () => {
    const payload = notification([seedAlert(9, { labels: { node: 'dfw-mn-bm1', ['l'.repeat(300)]: 'v' } })], { receiver: 'r'.repeat(500) });
    const res = await send(
      { ...payload, groupKey: 'g'.repeat(20_000), alerts: payload.alerts.map((a) => ({ ...a, generatorURL: `http://p/${'q'.repeat(9_000)}` })) },
      bearer,
    );
    expect(res.status).toBe(200);
    expect(await stored()).toBe(1);
  });

  it('refuses a body it cannot be asked to read whole (over 32 MiB) with 413, naming max_alerts', async () => {
    const res = await send(`{"version":"4","alerts":[${'"x",'.repeat(9_000_000)}"x"]}`, bearer);
    expect(res.status).toBe(413);
    expect(JSON.stringify(await res.json())).toContain('max_alerts');
  });

  it('still refuses what is not an Alertmanager v4 payload: not JSON 400, another shape 422', async () => {
    expect((await send('not json', bearer)).status).toBe(400);
    expect((await send({ version: '3', alerts: [] }, bearer)).status).toBe(422);
  });
});

describe('the episode link', () => {
  type Get = (req: Request, ctx: { params: Promise<{ fingerprint: string; startsAt: string }> }) => Promise<Response>;
  let viewerCookie: string | undefined;
  const open = async (fingerprint: string, startsAt: string) => {
    const { GET } = (await import('../../app/api/alerts/[fingerprint]/[startsAt]/route')) as { GET: Get };
    // The handler checks the session itself (lib/http/route.ts): a signed-in viewer opens the link.
    viewerCookie ??= await (await import('../support/session')).signedInCookie();
    return GET(new Request(`http://127.0.0.1:3100/api/alerts/${fingerprint}/${startsAt}`, { headers: { cookie: viewerCookie } }), {
      params: Promise.resolve({ fingerprint, startsAt }),
    });
  };

  it('opens its episode by start in milliseconds or ISO 8601, and answers 404 (never 500) to anything else', async () => {
    process.env.FNH_ALERTMANAGER_TOKEN = token;
    const alert = seedAlert(11);
    expect((await send(notification([alert]), bearer)).status).toBe(200);
    const ms = String(Date.parse(alert.startsAt));
    for (const form of [ms, new Date(alert.startsAt).toISOString(), encodeURIComponent(new Date(alert.startsAt).toISOString())]) {
      const res = await open(alert.fingerprint, form);
      expect(res.status, form).toBe(200);
      expect(((await res.json()) as { alert: { startsAt: string } }).alert.startsAt).toBe(new Date(alert.startsAt).toISOString());
    }
    for (const bad of ['%', '%E0%A4%A', String(Number(ms) + 1), '9'.repeat(16), 'yesterday', '../../x']) {
      expect((await open(alert.fingerprint, bad)).status, bad).toBe(404);
    }
  });
});
