import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../lib/auth/roles';
import { sessionCookieName } from '../../lib/auth/session-token';

// Access control, proven by enumeration: every route handler under app/ (found on the filesystem, not
// listed by hand) is imported and each exported HTTP method is called in-process with real Request
// objects against a real PGlite store. A mutating handler must refuse anonymous callers (401), every
// role below the one it needs (403) and cross-site requests even with an admin session (403). A new
// handler that is not in the tables below fails the test, so protection is a decision, not an accident.

const root = path.resolve(import.meta.dirname, '../..');
const origin = 'http://127.0.0.1:3100';
const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type HttpMethod = (typeof httpMethods)[number];
const mutating = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Mutating handlers and the least role that may call them (lib/auth/permissions.ts). */
const protectedMutations: Record<string, Role> = {
  'POST /api/actions/preview': 'viewer',
  'POST /api/actions/runs': 'operator',
  'POST /api/actions/runs/[id]/decision': 'approver',
  'POST /api/auth/users': 'admin',
  'PATCH /api/auth/users/[username]': 'admin',
  'DELETE /api/auth/users/[username]': 'admin',
  'POST /api/auth/users/[username]/password': 'admin',
};

/** Mutating handlers that take no session, each with why that is safe. They still refuse cross-site calls unless noted. */
const publicMutations: Record<string, { why: string; crossSite: 'refused' | 'token' }> = {
  'POST /api/auth/login': { why: 'signing in is how a session starts; same-origin only (login CSRF)', crossSite: 'refused' },
  'POST /api/auth/logout': { why: 'ends the caller’s own session at most; same-origin only', crossSite: 'refused' },
  'POST /api/alerts/alertmanager': { why: 'machine-to-machine: Alertmanager authenticates with a bearer token (FNH_ALERTMANAGER_TOKEN)', crossSite: 'token' },
};

/** Reads that answer without a session, each with why. Every other read must answer 401 to anonymous callers. */
const publicReads: Record<string, string> = {
  'GET /api/health': 'load balancers and the e2e runner wait on it; says only whether the store is open',
  'GET /metrics': 'Prometheus scrapes it; aggregates only without FNH_METRICS_TOKEN, per-node and per-peer series with it (residual risk in SECURITY.md)',
  'GET /api/auth/oidc/login': 'starts the OIDC sign-in redirect',
  'GET /api/auth/oidc/callback': 'the identity provider returns here; state and nonce are checked',
};

/** `'use server'` modules (server actions). None exist; one appearing must be added here with its checks. */
const knownServerActionFiles: string[] = [];

interface Handler {
  key: string;
  method: HttpMethod;
  urlPath: string;
  params: Record<string, string>;
  fn: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function routeFiles(): string[] {
  return walk(path.join(root, 'app')).filter((f) => /[/\\]route\.(ts|tsx|js)$/.test(f));
}

function routePattern(file: string): string {
  const rel = path.relative(path.join(root, 'app'), path.dirname(file)).split(path.sep);
  // Route groups `(name)` are not part of the URL.
  return '/' + rel.filter((s) => !/^\(.*\)$/.test(s)).join('/');
}

async function loadHandlers(): Promise<Handler[]> {
  const handlers: Handler[] = [];
  for (const file of routeFiles()) {
    const pattern = routePattern(file);
    const params: Record<string, string> = {};
    const urlPath = pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
      params[name] = `probe-${name}`;
      return params[name];
    });
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of httpMethods) {
      const fn = mod[method];
      if (typeof fn === 'function') handlers.push({ key: `${method} ${pattern}`, method, urlPath, params, fn: fn as Handler['fn'] });
    }
  }
  return handlers;
}

type Caller = { cookie?: string; site: 'same-origin' | 'cross-site' | 'none'; authorization?: string };

type Proxy = (req: import('next/server').NextRequest) => Promise<Response>;
let proxy: Proxy;

/** What the deployed server answers: proxy.ts first (as Next.js runs it), then the handler if it lets the request through. */
async function callThroughProxy(h: Handler, who: Caller): Promise<Response> {
  const { NextRequest } = await import('next/server');
  const headers = new Headers({ host: '127.0.0.1:3100' });
  if (who.cookie) headers.set('cookie', `${sessionCookieName}=${who.cookie}`);
  const res = await proxy(new NextRequest(new URL(h.urlPath, origin), { method: h.method, headers }));
  // NextResponse.next() marks "continue to the route"; anything else is the proxy's own answer.
  if (res.headers.get('x-middleware-next') !== '1') return res;
  return call(h, who);
}

async function call(h: Handler, who: Caller, body: unknown = {}): Promise<Response> {
  const headers = new Headers({ host: '127.0.0.1:3100' });
  if (who.cookie) headers.set('cookie', `${sessionCookieName}=${who.cookie}`);
  if (who.site === 'same-origin') {
    headers.set('origin', origin);
    headers.set('sec-fetch-site', 'same-origin');
  } else if (who.site === 'cross-site') {
    headers.set('origin', 'https://evil.example');
    headers.set('sec-fetch-site', 'cross-site');
  }
  if (who.authorization) headers.set('authorization', who.authorization);
  if (mutating.has(h.method)) headers.set('content-type', 'application/json');
  const { NextRequest } = await import('next/server');
  const req = new NextRequest(new URL(h.urlPath, origin), { method: h.method, headers, ...(mutating.has(h.method) ? { body: JSON.stringify(body) } : {}) });
  const res = await h.fn(req, { params: Promise.resolve(h.params) });
  // Streams (SSE) are cancelled so nothing keeps running after the check.
  await res.body?.cancel().catch(() => undefined);
  return res;
}

let dataDir: string;
let handlers: Handler[];
const sessions = new Map<Role, string>();
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-access-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  delete process.env.FNH_PUBLIC_ORIGIN;
  delete process.env.FNH_ADMIN_USER;
  delete process.env.FNH_ADMIN_PASSWORD;
  process.env.FNH_ALERTMANAGER_TOKEN = 'webhook-token-for-the-access-test';
  const { getDb } = await import('../../lib/db');
  const { createLocalUser } = await import('../../lib/services/auth-users');
  const { openSession } = await import('../../lib/services/auth-sign-in');
  const { setRemediationRuntime } = await import('../../lib/services/remediation-runtime');
  const { FakeFleet } = await import('../../lib/services/testing/fake-fleet');
  // The handlers reach past the gate into the remediation services; a fake fleet answers there.
  setRemediationRuntime(new FakeFleet().runtime());
  const db = await getDb();
  const now = new Date();
  for (const role of roles) {
    const user = await createLocalUser(db, { username: `access-${role}`, password: `a-long-password-for-${role}`, role, via: 'cli', actor: { username: 'test', role: 'admin' }, now });
    const { token } = await db.transaction((tx) => openSession(tx, user, 'password', now));
    sessions.set(role, token);
  }
  handlers = await loadHandlers();
  proxy = ((await import(path.join(root, 'proxy.ts'))) as { proxy: Proxy }).proxy;
}, 120_000);

afterAll(async () => {
  const { getDb } = await import('../../lib/db');
  const { setRemediationRuntime } = await import('../../lib/services/remediation-runtime');
  setRemediationRuntime(undefined);
  await (await getDb()).close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

function session(role: Role): string {
  const token = sessions.get(role);
  if (!token) throw new Error(`no session for ${role}`);
  return token;
}

describe('every route handler is accounted for', () => {
  it('finds the handlers on disk (the enumeration itself works)', () => {
    expect(routeFiles().length).toBeGreaterThanOrEqual(20);
    expect(handlers.map((h) => h.key)).toEqual(expect.arrayContaining(['POST /api/actions/runs', 'GET /api/health']));
  });

  it('each mutating handler is either protected with a role or public with a reason', () => {
    const unlisted = handlers.filter((h) => mutating.has(h.method) && !(h.key in protectedMutations) && !(h.key in publicMutations)).map((h) => h.key);
    expect(unlisted, 'new mutating handler: add it to protectedMutations (and protect it) or publicMutations with why').toEqual([]);
    // A table entry without a handler is stale: the test would otherwise prove nothing about it.
    const present = new Set(handlers.map((h) => h.key));
    expect([...Object.keys(protectedMutations), ...Object.keys(publicMutations)].filter((k) => !present.has(k))).toEqual([]);
  });

  it('no server actions exist beyond the known ones', () => {
    const sources = [...walk(path.join(root, 'app')), ...walk(path.join(root, 'components')), ...walk(path.join(root, 'lib'))].filter((f) => /\.(ts|tsx)$/.test(f));
    const actionFiles = sources.filter((f) => /^\s*(['"])use server\1/m.test(readFileSync(f, 'utf8').split('\n').slice(0, 5).join('\n'))).map((f) => path.relative(root, f));
    expect(actionFiles, "a 'use server' module was added: prove its anonymous/role/cross-site refusals here").toEqual(knownServerActionFiles);
  });
});

describe('mutating handlers with a role', () => {
  it('refuse anonymous callers with 401', async () => {
    for (const h of handlers.filter((x) => x.key in protectedMutations)) {
      expect((await call(h, { site: 'same-origin' })).status, h.key).toBe(401);
    }
  });

  it('refuse every lower role with 403', async () => {
    let checked = 0;
    for (const h of handlers.filter((x) => x.key in protectedMutations)) {
      const needed = protectedMutations[h.key]!;
      for (const role of roles.slice(0, roles.indexOf(needed))) {
        expect((await call(h, { site: 'same-origin', cookie: session(role) })).status, `${h.key} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('let the role they need past the gate (the table is the real policy, not a stricter guess)', async () => {
    for (const h of handlers.filter((x) => x.key in protectedMutations)) {
      const status = (await call(h, { site: 'same-origin', cookie: session(protectedMutations[h.key]!) }, {})).status;
      // An empty body is refused by validation, or the probe id is not found, after the gate.
      expect([400, 404, 422], `${h.key} as ${protectedMutations[h.key]}: ${status}`).toContain(status);
    }
  });

  it('refuse cross-site requests with 403 even with an admin session, and requests that carry no origin at all', async () => {
    for (const h of handlers.filter((x) => x.key in protectedMutations)) {
      expect((await call(h, { site: 'cross-site', cookie: session('admin') })).status, `${h.key} cross-site`).toBe(403);
      expect((await call(h, { site: 'none', cookie: session('admin') })).status, `${h.key} without Origin`).toBe(403);
    }
  });
});

describe('public mutating handlers', () => {
  it('refuse cross-site requests (or, for the webhook, a missing token)', async () => {
    for (const h of handlers.filter((x) => x.key in publicMutations)) {
      const rule = publicMutations[h.key]!;
      if (rule.crossSite === 'refused') {
        expect((await call(h, { site: 'cross-site' }, { username: 'access-admin', password: 'a-long-password-for-admin' })).status, h.key).toBe(403);
      } else {
        expect((await call(h, { site: 'cross-site' })).status, `${h.key} without token`).toBe(401);
        expect((await call(h, { site: 'same-origin', authorization: 'Bearer wrong' })).status, `${h.key} wrong token`).toBe(401);
        expect((await call(h, { site: 'none', authorization: 'Bearer webhook-token-for-the-access-test' }, {})).status, `${h.key} right token, bad body`).toBe(422);
      }
    }
  });

  it('cross-site sign-in with the right password gets no session cookie', async () => {
    const login = handlers.find((h) => h.key === 'POST /api/auth/login')!;
    const res = await call(login, { site: 'cross-site' }, { username: 'access-admin', password: 'a-long-password-for-admin' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie') ?? '').not.toContain(sessionCookieName);
  });
});

describe('reads', () => {
  it('every read is public with a reason, or refuses anonymous callers with 401 (proxy.ts, then the handler)', async () => {
    const reads = handlers.filter((h) => !mutating.has(h.method));
    const present = new Set(reads.map((h) => h.key));
    expect(Object.keys(publicReads).filter((k) => !present.has(k)), 'stale publicReads entries').toEqual([]);
    let checked = 0;
    for (const h of reads.filter((x) => !(x.key in publicReads))) {
      expect((await callThroughProxy(h, { site: 'none' })).status, `${h.key} anonymous`).toBe(401);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('a signed-in viewer gets past the proxy to the reads', async () => {
    const fleet = handlers.find((h) => h.key === 'GET /api/fleet')!;
    expect((await callThroughProxy(fleet, { site: 'none', cookie: session('viewer') })).status).toBe(200);
  });

  it('pages need a session too: a signed-out visitor is sent to sign-in', async () => {
    const { NextRequest } = await import('next/server');
    for (const page of ['/', '/peers', '/nodes/any', '/audit', '/remediation', '/alerts', '/triage', '/admin/users']) {
      const res = await proxy(new NextRequest(new URL(page, origin), { headers: { host: '127.0.0.1:3100' } }));
      expect(res.status, page).toBeGreaterThanOrEqual(300);
      expect(res.status, page).toBeLessThan(400);
      expect(res.headers.get('location') ?? '', page).toContain('/login?next=');
    }
  });
});
