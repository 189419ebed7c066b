import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listenAddressKey, type ListenAddress } from '../../lib/auth/origin-policy';
import { sessionCookieName } from '../../lib/auth/session-token';

// DNS rebinding (issue 14, finding 3): a page on http://rebind.attacker.example:3100, whose name the
// attacker points at 127.0.0.1, is same-origin with itself. The browser sends that name as Host and as
// Origin and calls the request same-origin, so the server must know its own names: FNH_PUBLIC_ORIGIN and
// the address it listens on. Here proxy.ts (run first on every request, as Next.js runs it) and the
// handlers' own check are called in-process against a real PGlite store, with the listening address
// recorded the way scripts/server.ts records it. The browser's view: e2e/rebinding.spec.ts.

const root = path.resolve(import.meta.dirname, '../..');
const listen: ListenAddress = { host: '127.0.0.1', port: 3100 };
const rebound = 'rebind.attacker.example:3100';

type Proxy = (req: import('next/server').NextRequest) => Promise<Response>;
type Handler = (req: Request) => Promise<Response>;
let proxy: Proxy;
let login: Handler;
let createUser: Handler;
let adminToken: string;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-host-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  delete process.env.FNH_PUBLIC_ORIGIN;
  delete process.env.PORT;
  (globalThis as Record<symbol, unknown>)[listenAddressKey] = listen;
  const { getDb } = await import('../../lib/db');
  const { createLocalUser } = await import('../../lib/auth/store/users');
  const { openSession } = await import('../../lib/auth/store/sign-in');
  const db = await getDb();
  const now = new Date();
  const admin = await createLocalUser(db, {
    username: 'host-admin',
    password: 'host-admin-password-long',
    role: 'admin',
    via: 'cli',
    actor: { username: 'test', role: 'admin' },
    now,
  });
  adminToken = (await db.transaction((tx) => openSession(tx, admin, 'password', now))).token;
  proxy = ((await import(path.join(root, 'proxy.ts'))) as { proxy: Proxy }).proxy;
  login = ((await import('../../app/api/auth/login/route')) as { POST: Handler }).POST;
  createUser = ((await import('../../app/api/auth/users/route')) as { POST: Handler }).POST;
}, 120_000);

afterEach(() => {
  delete process.env.FNH_PUBLIC_ORIGIN;
});

afterAll(async () => {
  const { getDb } = await import('../../lib/db');
  await (await getDb()).close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  delete (globalThis as Record<symbol, unknown>)[listenAddressKey];
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

async function throughProxy(pathAndQuery: string, host: string, opts: { method?: string; cookie?: string; scheme?: string } = {}): Promise<Response> {
  const { NextRequest } = await import('next/server');
  const headers = new Headers({ host });
  if (opts.cookie) headers.set('cookie', `${sessionCookieName}=${opts.cookie}`);
  // The URL is where the connection went; the Host header is what the sender wrote.
  return proxy(new NextRequest(new URL(pathAndQuery, `${opts.scheme ?? 'http'}://127.0.0.1:3100`), { method: opts.method ?? 'GET', headers }));
}

const passedOn = (res: Response) => res.headers.get('x-middleware-next') === '1';

describe('proxy.ts refuses every request for a Host that is not this dashboard', () => {
  it.each(['/', '/api/fleet', '/api/health', '/login', '/api/auth/login', '/metrics', '/_next/static/chunks/main.js', '/favicon.ico'])(
    '%s for the rebound name: 421, even with an admin session',
    async (p) => {
      const res = await throughProxy(p, rebound, { cookie: adminToken, method: p === '/api/auth/login' ? 'POST' : 'GET' });
      expect(res.status).toBe(421);
      expect(passedOn(res)).toBe(false);
    },
  );

  it.each(['127.0.0.1:3100', 'localhost:3100', '[::1]:3100'])('passes the listening address by its loopback name %s', async (host) => {
    expect(passedOn(await throughProxy('/api/fleet', host, { cookie: adminToken }))).toBe(true);
  });

  it.each(['127.0.0.1:3101', '127.0.0.2:3100', '10.0.0.1:3100', 'localhost', 'evil.example@127.0.0.1:3100'])(
    'refuses %j (another port, address or form)',
    async (host) => {
      expect((await throughProxy('/api/health', host)).status).toBe(421);
    },
  );

  it('passes the configured public origins (a list), and sends HSTS when that origin is https', async () => {
    process.env.FNH_PUBLIC_ORIGIN = 'https://noc.example, http://dash.internal:8080';
    const res = await throughProxy('/api/fleet', 'noc.example', { cookie: adminToken, scheme: 'https' });
    expect(passedOn(res)).toBe(true);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect(passedOn(await throughProxy('/api/fleet', 'dash.internal:8080', { cookie: adminToken }))).toBe(true);
    expect((await throughProxy('/api/fleet', rebound, { cookie: adminToken })).status).toBe(421);
  });

  it('sends no HSTS on plain http', async () => {
    expect((await throughProxy('/api/fleet', '127.0.0.1:3100', { cookie: adminToken })).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('the handlers check the same names on their own (a second layer behind proxy.ts)', () => {
  function post(body: unknown, headers: Record<string, string>): Request {
    return new Request('http://127.0.0.1:3100/api/auth/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('a rebound page (Host and Origin its own name, Sec-Fetch-Site same-origin) cannot sign in', async () => {
    const res = await login(
      new Request(`http://${rebound}/api/auth/login`, {
        method: 'POST',
        headers: { host: rebound, origin: `http://${rebound}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'host-admin', password: 'host-admin-password-long' }),
      }),
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join()).not.toContain(sessionCookieName);
  });

  it('nor create an admin with a session it rode in on, whatever the Host', async () => {
    const body = { username: 'rebound-admin', password: 'rebound-admin-password', role: 'admin' };
    const cookie = `${sessionCookieName}=${adminToken}`;
    expect((await createUser(post(body, { host: rebound, origin: `http://${rebound}`, 'sec-fetch-site': 'same-origin', cookie }))).status).toBe(403);
    expect((await createUser(post(body, { host: '127.0.0.1:3100', origin: `http://${rebound}`, 'sec-fetch-site': 'same-origin', cookie }))).status).toBe(403);
    // the same request from the dashboard's own page goes through
    expect((await createUser(post(body, { host: '127.0.0.1:3100', origin: 'http://127.0.0.1:3100', 'sec-fetch-site': 'same-origin', cookie }))).status).toBe(
      201,
    );
  });
});

describe('Cache-Control: no-store on the session-gated API reads', () => {
  it.each(['/api/fleet', '/api/peers', '/api/nodes/dfw-mn-bm1', '/api/alerts', '/api/alerts/abc123', '/api/audit'])('%s', async (p) => {
    const res = await throughProxy(p, '127.0.0.1:3100', { cookie: adminToken });
    expect(passedOn(res)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
