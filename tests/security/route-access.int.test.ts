import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, type Permission } from '../../lib/auth/permissions';
import { isPublicPath, publicPaths } from '../../lib/auth/public-paths';
import { roles, type Role } from '../../lib/auth/roles';
import { sessionCookieName } from '../../lib/auth/session-token';
import { pageEntryOf, registeredRoutes, routeEntryOf, type RouteEntry } from '../../lib/http/registry';

// Access control, proven by enumeration: every route handler under app/ (found on the filesystem, not
// listed by hand) is imported; each exported HTTP method must be built with route() (lib/http/route.ts),
// which registered its method, path and permission. Each handler is then called in-process with real
// Request objects against a real PGlite store and must behave as its registered permission says: a
// permission refuses anonymous callers (401), every role below it (403) and cross-site mutations even
// with an admin session (403); a public route must be on proxy.ts's allowlist with its reason
// (lib/auth/public-paths.ts); token routes refuse a missing or wrong token. Every page must be built
// with page() (lib/http/page.tsx), so no page can forget its gate either.

const root = path.resolve(import.meta.dirname, '../..');
const origin = 'http://127.0.0.1:3100';
const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type HttpMethod = (typeof httpMethods)[number];
const mutating = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
const webhookToken = 'webhook-token-for-the-access-test';

/** `'use server'` modules (server actions). None exist; one appearing must be added here with its checks. */
const knownServerActionFiles: string[] = [];

const isPermission = (p: string): p is Permission => p in permissions;

interface Handler {
  key: string;
  method: HttpMethod;
  urlPath: string;
  params: Record<string, string>;
  fn: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
  /** what route() registered for it; undefined when the export was not built with route() */
  entry: RouteEntry | undefined;
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

function pageFiles(): string[] {
  return walk(path.join(root, 'app')).filter((f) => /[/\\]page\.(ts|tsx|js)$/.test(f));
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
      if (typeof fn === 'function') handlers.push({ key: `${method} ${pattern}`, method, urlPath, params, fn: fn as Handler['fn'], entry: routeEntryOf(fn) });
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
  process.env.FNH_ALERTMANAGER_TOKEN = webhookToken;
  const { getDb } = await import('../../lib/db');
  const { createLocalUser } = await import('../../lib/auth/store/users');
  const { openSession } = await import('../../lib/auth/store/sign-in');
  const { setRemediationRuntime } = await import('../../lib/remediation/store/runtime');
  const { FakeFleet } = await import('../support/fake-fleet');
  // The handlers reach past the gate into the remediation services; a fake fleet answers there.
  setRemediationRuntime(new FakeFleet().runtime());
  const db = await getDb();
  const now = new Date();
  for (const role of roles) {
    const user = await createLocalUser(db, {
      username: `access-${role}`,
      password: `a-long-password-for-${role}`,
      role,
      via: 'cli',
      actor: { username: 'test', role: 'admin' },
      now,
    });
    const { token } = await db.transaction((tx) => openSession(tx, user, 'password', now));
    sessions.set(role, token);
  }
  handlers = await loadHandlers();
  proxy = ((await import(path.join(root, 'proxy.ts'))) as { proxy: Proxy }).proxy;
}, 120_000);

afterAll(async () => {
  const { getDb } = await import('../../lib/db');
  const { setRemediationRuntime } = await import('../../lib/remediation/store/runtime');
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

/** The handlers whose registered permission is `p` (or satisfies the predicate). */
const withPermission = (pred: (permission: string) => boolean) => handlers.filter((h) => h.entry !== undefined && pred(h.entry.permission));
const needed = (h: Handler): Role => permissions[h.entry!.permission as Permission];

describe('every route handler is built with route() and registered', () => {
  it('finds the handlers on disk (the enumeration itself works)', () => {
    expect(routeFiles().length).toBeGreaterThanOrEqual(20);
    expect(handlers.map((h) => h.key)).toEqual(expect.arrayContaining(['POST /api/actions/runs', 'GET /api/health']));
  });

  it('each exported method of each app/**/route.ts is a route() handler registered under its own method and path', () => {
    const bare = handlers.filter((h) => h.entry === undefined).map((h) => h.key);
    expect(bare, 'write these with route() from lib/http/route.ts').toEqual([]);
    const misnamed = handlers
      .filter((h) => h.entry && `${h.entry.method} ${h.entry.path}` !== h.key)
      .map((h) => `${h.key} registered as ${h.entry!.method} ${h.entry!.path}`);
    expect(misnamed).toEqual([]);
  });

  it('the registry holds exactly the handlers on disk (nothing registered that is not served)', () => {
    expect(
      registeredRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(handlers.map((h) => h.key).sort());
  });

  it('each registered permission is one of lib/auth/permissions.ts or a kind route() knows', () => {
    const unknown = withPermission(() => true).filter(
      (h) => !isPermission(h.entry!.permission) && !['public', 'webhook-token', 'metrics-token'].includes(h.entry!.permission),
    );
    expect(unknown.map((h) => `${h.key}: ${h.entry!.permission}`)).toEqual([]);
  });

  it('a route without a session is exactly one proxy.ts lets through, each with its reason, and the reverse', () => {
    const open = withPermission((p) => !isPermission(p));
    expect(
      open.filter((h) => !isPublicPath(h.urlPath)).map((h) => h.key),
      'public in the handler but not in lib/auth/public-paths.ts',
    ).toEqual([]);
    expect(
      withPermission(isPermission)
        .filter((h) => isPublicPath(h.urlPath))
        .map((h) => h.key),
      'needs a session but proxy.ts lets it through',
    ).toEqual([]);
    // An allowlist entry that serves nothing public is stale: proxy.ts would let a future route through unseen.
    const publicUrls = [...open.map((h) => h.urlPath), '/login'];
    expect(publicPaths.filter((p) => !publicUrls.some((u) => p.pattern.test(u))).map((p) => String(p.pattern))).toEqual([]);
  });

  it('each app/**/page.tsx is built with page(), and only /login is public', async () => {
    const pages: Array<{ path: string; permission: string | undefined }> = [];
    for (const file of pageFiles()) {
      const mod = (await import(file)) as { default?: unknown };
      pages.push({ path: routePattern(file).replace(/\/page$/, ''), permission: pageEntryOf(mod.default)?.permission });
    }
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(
      pages.filter((p) => p.permission === undefined).map((p) => p.path),
      'write these with page() from lib/http/page.tsx',
    ).toEqual([]);
    expect(pages.filter((p) => p.permission === 'public').map((p) => p.path)).toEqual(['/login']);
    expect(pages.filter((p) => p.permission !== 'public' && !isPermission(p.permission ?? '')).map((p) => p.path)).toEqual([]);
  });

  it('no server actions exist beyond the known ones', () => {
    const sources = [...walk(path.join(root, 'app')), ...walk(path.join(root, 'components')), ...walk(path.join(root, 'lib'))].filter((f) =>
      /\.(ts|tsx)$/.test(f),
    );
    const actionFiles = sources
      .filter((f) => /^\s*(['"])use server\1/m.test(readFileSync(f, 'utf8').split('\n').slice(0, 5).join('\n')))
      .map((f) => path.relative(root, f));
    expect(actionFiles, "a 'use server' module was added: prove its anonymous/role/cross-site refusals here").toEqual(knownServerActionFiles);
  });
});

describe('handlers that need a permission', () => {
  it('refuse anonymous callers with 401, in the handler itself (not only behind proxy.ts)', async () => {
    let checked = 0;
    for (const h of withPermission(isPermission)) {
      expect((await call(h, { site: 'same-origin' })).status, h.key).toBe(401);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('refuse every lower role with 403', async () => {
    let checked = 0;
    for (const h of withPermission(isPermission)) {
      for (const role of roles.slice(0, roles.indexOf(needed(h)))) {
        expect((await call(h, { site: 'same-origin', cookie: session(role) })).status, `${h.key} as ${role}`).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('let the role they need past the gate (the permission is the real policy, not a stricter guess)', async () => {
    for (const h of withPermission(isPermission)) {
      const status = (await call(h, { site: 'same-origin', cookie: session(needed(h)) }, {})).status;
      // A mutation: the empty body refused by validation, or the probe id not found, after the gate.
      // A read: its answer, or the probe id or name not found.
      const pastTheGate = mutating.has(h.method) ? [400, 404, 422] : [200, 404];
      expect(pastTheGate, `${h.key} as ${needed(h)}: ${status}`).toContain(status);
    }
  });

  it('mutations refuse cross-site requests with 403 even with an admin session, and requests that carry no origin at all', async () => {
    let checked = 0;
    for (const h of withPermission(isPermission).filter((x) => mutating.has(x.method))) {
      expect((await call(h, { site: 'cross-site', cookie: session('admin') })).status, `${h.key} cross-site`).toBe(403);
      expect((await call(h, { site: 'none', cookie: session('admin') })).status, `${h.key} without Origin`).toBe(403);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it('the policy reads as before: remediation by role, accounts by admins, every read by any signed-in user', () => {
    const policy = Object.fromEntries(
      withPermission(isPermission)
        .filter((h) => mutating.has(h.method))
        .map((h) => [h.key, needed(h)]),
    );
    expect(policy).toEqual({
      'POST /api/actions/preview': 'viewer',
      'POST /api/actions/runs': 'operator',
      'POST /api/actions/runs/[id]/decision': 'approver',
      'POST /api/auth/users': 'admin',
      'PATCH /api/auth/users/[username]': 'admin',
      'DELETE /api/auth/users/[username]': 'admin',
      'POST /api/auth/users/[username]/password': 'admin',
    });
  });
});

describe('public mutating handlers', () => {
  it('refuse cross-site requests', async () => {
    const open = withPermission((p) => p === 'public').filter((h) => mutating.has(h.method));
    expect(open.map((h) => h.key).sort()).toEqual(['POST /api/auth/login', 'POST /api/auth/logout']);
    for (const h of open) {
      expect((await call(h, { site: 'cross-site' }, { username: 'access-admin', password: 'a-long-password-for-admin' })).status, h.key).toBe(403);
    }
  });

  it('the webhook refuses a missing or wrong token, and takes the right one', async () => {
    const hooks = withPermission((p) => p === 'webhook-token');
    expect(hooks.map((h) => h.key)).toEqual(['POST /api/alerts/alertmanager']);
    for (const h of hooks) {
      expect((await call(h, { site: 'cross-site' })).status, `${h.key} without token`).toBe(401);
      expect((await call(h, { site: 'same-origin', authorization: 'Bearer wrong' })).status, `${h.key} wrong token`).toBe(401);
      expect((await call(h, { site: 'none', authorization: `Bearer ${webhookToken}` }, {})).status, `${h.key} right token, bad body`).toBe(422);
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
  it('every read that needs a permission refuses anonymous callers with 401 through proxy.ts too', async () => {
    let checked = 0;
    for (const h of withPermission(isPermission).filter((x) => !mutating.has(x.method))) {
      expect((await callThroughProxy(h, { site: 'none' })).status, `${h.key} anonymous`).toBe(401);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('public reads are the sign-in round trip, health and metrics', () => {
    expect(
      withPermission((p) => p === 'public' || p === 'metrics-token')
        .filter((h) => !mutating.has(h.method))
        .map((h) => h.key)
        .sort(),
    ).toEqual(['GET /api/auth/oidc/callback', 'GET /api/auth/oidc/login', 'GET /api/health', 'GET /metrics']);
  });

  it('/metrics refuses a wrong bearer token', async () => {
    const metrics = handlers.find((h) => h.key === 'GET /metrics')!;
    const res = await call(metrics, { site: 'none', authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
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
