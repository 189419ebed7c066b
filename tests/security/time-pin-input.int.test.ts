import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `?at=` pins every view to a past moment. A moment no fleet could have (year 1, year 9999) used to
// reach the store and come back as an unlogged 500; it is a bad request, said as such (issue 14, low).

type Get = (req: import('next/server').NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const origin = 'http://127.0.0.1:3100';
let dataDir: string;
const savedEnv = { ...process.env };
const routes: Record<string, { get: Get; path: string; params: Record<string, string> }> = {};
let cookie: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-at-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  routes.fleet = { get: ((await import('../../app/api/fleet/route')) as { GET: Get }).GET, path: '/api/fleet', params: {} };
  routes.peers = { get: ((await import('../../app/api/peers/route')) as { GET: Get }).GET, path: '/api/peers', params: {} };
  routes.node = {
    get: ((await import('../../app/api/nodes/[name]/route')) as unknown as { GET: Get }).GET,
    path: '/api/nodes/dfw-mn-bm1',
    params: { name: 'dfw-mn-bm1' },
  };
  // The handlers check the session themselves (lib/http/route.ts): a signed-in viewer asks.
  cookie = await (await import('../support/session')).signedInCookie();
}, 120_000);

afterAll(async () => {
  const { getDb } = await import('../../lib/db');
  await (await getDb()).close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

async function get(route: string, at: string): Promise<Response> {
  const { NextRequest } = await import('next/server');
  const r = routes[route]!;
  return r.get(new NextRequest(new URL(`${r.path}?at=${encodeURIComponent(at)}`, origin), { headers: { cookie } }), { params: Promise.resolve(r.params) });
}

describe('?at= outside any moment a fleet could have', () => {
  for (const route of ['fleet', 'peers', 'node']) {
    it.each(['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z'])(`${route}: %s is a 400 that says why`, async (at) => {
      const res = await get(route, at);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/at/);
    });
  }

  it('a real past moment is still accepted', async () => {
    expect((await get('fleet', '2026-11-26T05:00:00Z')).status).toBe(200);
  });
});
