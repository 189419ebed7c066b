import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../lib/auth/session-token';
import { TestOidcProvider, type ProviderUser } from './testing/oidc-provider';

// OpenID Connect sign-in end to end: a standards-conforming provider runs on 127.0.0.1 (testing/), the
// product is configured only through its FNH_OIDC_* env vars, and its real route handlers are called
// in-process with real Requests against a real PGlite store. The browser's part (following redirects,
// carrying cookies) is played by hand so each hop can be inspected and tampered with.

const appOrigin = 'http://127.0.0.1:3100';
const redirectUri = `${appOrigin}/api/auth/oidc/callback`;
const txCookieName = 'fnh_oidc_tx';
/** The same app as the browser sees it through a TLS-terminating reverse proxy. */
const proxiedRedirectUri = 'https://noc.example/api/auth/oidc/callback';
const client = { clientId: 'fnh-dashboard', clientSecret: 'a-client-secret-only-this-test-knows', redirectUris: [redirectUri, proxiedRedirectUri] };

type RouteGet = (req: Request) => Promise<Response>;
let loginRoute: RouteGet;
let callbackRoute: RouteGet;
let meRoute: RouteGet;
let provider: TestOidcProvider;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  provider = new TestOidcProvider(client);
  await provider.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-oidc-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  delete process.env.FNH_PUBLIC_ORIGIN;
  process.env.FNH_OIDC_ISSUER = provider.issuer;
  process.env.FNH_OIDC_CLIENT_ID = client.clientId;
  process.env.FNH_OIDC_CLIENT_SECRET = client.clientSecret;
  process.env.FNH_OIDC_REDIRECT_URI = redirectUri;
  process.env.FNH_OIDC_ROLE_MAP = 'noc-admins=admin,noc-leads=approver,noc=operator,noc-readonly=viewer';
  delete process.env.FNH_OIDC_ROLE_CLAIM;
  delete process.env.FNH_OIDC_SCOPES;
  loginRoute = ((await import('../../app/api/auth/oidc/login/route')) as { GET: RouteGet }).GET;
  callbackRoute = ((await import('../../app/api/auth/oidc/callback/route')) as { GET: RouteGet }).GET;
  meRoute = ((await import('../../app/api/auth/me/route')) as { GET: RouteGet }).GET;
}, 120_000);

afterAll(async () => {
  const { getDb } = await import('../../lib/db');
  await (await getDb()).close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  await provider.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  provider.nextIdToken = undefined;
  provider.tokenErrors.length = 0;
});

/** A port nothing listens on (taken and released), so a provider can be started there later. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq).trim(), decodeURIComponent(pair!.slice(eq + 1).trim()));
  }
  return out;
}

function setCookieLine(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
}

interface Started {
  authorizeUrl: URL;
  txCookie: string;
}

/** The browser opens /api/auth/oidc/login: the product answers with a redirect to the provider and a transaction cookie. */
async function startSignIn(): Promise<Started> {
  const res = await loginRoute(new Request(`${appOrigin}/api/auth/oidc/login`));
  expect(res.status).toBe(303);
  const txCookie = setCookies(res).get(txCookieName);
  expect(txCookie, 'transaction cookie').toBeTruthy();
  const txLine = setCookieLine(res, txCookieName)!.toLowerCase();
  expect(txLine).toContain('httponly');
  expect(txLine).toContain('samesite=lax');
  return { authorizeUrl: new URL(res.headers.get('location')!), txCookie: txCookie! };
}

/** The browser follows the redirect to the provider, which signs `user` in and redirects back with a code. */
async function authorizeAt(started: Started, user: ProviderUser, expectedRedirect = redirectUri): Promise<URL> {
  provider.user = user;
  const res = await fetch(started.authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(expectedRedirect);
  return back;
}

/** The browser lands on the callback with the transaction cookie. */
function callback(url: URL | string, txCookie: string | undefined): Promise<Response> {
  const headers = new Headers();
  if (txCookie !== undefined) headers.set('cookie', `${txCookieName}=${encodeURIComponent(txCookie)}`);
  return callbackRoute(new Request(url, { headers }));
}

/** Whether proxy.ts passes the request on to its handler or page (NextResponse.next()). */
async function proxyLetsThrough(pathAndQuery: string, sessionToken?: string): Promise<boolean> {
  const { NextRequest } = await import('next/server');
  const { proxy } = (await import('../../proxy')) as { proxy: (req: InstanceType<typeof NextRequest>) => Promise<Response> };
  const headers = new Headers(sessionToken ? { cookie: `${sessionCookieName}=${sessionToken}` } : {});
  const res = await proxy(new NextRequest(new URL(pathAndQuery, appOrigin), { headers }));
  return res.headers.get('x-middleware-next') === '1';
}

async function me(sessionToken: string): Promise<Response> {
  return meRoute(new Request(`${appOrigin}/api/auth/me`, { headers: { cookie: `${sessionCookieName}=${sessionToken}` } }));
}

async function signIn(user: ProviderUser): Promise<{ res: Response; back: URL; started: Started }> {
  const started = await startSignIn();
  const back = await authorizeAt(started, user);
  return { res: await callback(back, started.txCookie), back, started };
}

/** A refusal is a page with the reason (the browser came from the provider), no session, and the transaction spent. */
async function expectRefused(res: Response, status: number, reason: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(setCookies(res).has(sessionCookieName), 'no session cookie on a refused sign-in').toBe(false);
  expectTxCookieCleared(res);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const page = await res.text();
  expect(page).toContain('Sign-in refused');
  expect(/<p id="reason">([^<]*)<\/p>/.exec(page)?.[1]).toMatch(reason);
}

/** Cleared on the path it was set on: a deletion on another path would leave the browser's copy in place. */
function expectTxCookieCleared(res: Response): void {
  const line = setCookieLine(res, txCookieName)?.toLowerCase();
  expect(line, 'transaction cookie cleared').toBeDefined();
  expect(line).toMatch(/^fnh_oidc_tx=;/);
  expect(line).toContain('path=/api/auth/oidc');
}

async function userRow(username: string): Promise<{ role: string; source: string } | undefined> {
  const { getDb } = await import('../../lib/db');
  const db = await getDb();
  return (await db.query<{ role: string; source: string }>('select role, source from users where username = $1', [username])).rows[0];
}

const alice: ProviderUser = { sub: 'alice-0001', claims: { preferred_username: 'alice', email: 'alice@noc.example', groups: ['everyone', 'noc'] } };

describe('OIDC sign-in, the happy path', () => {
  it('login redirects to the provider with PKCE S256, state, nonce and the configured client and redirect URI', async () => {
    const { authorizeUrl } = await startSignIn();
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${provider.issuer}/authorize`);
    const q = authorizeUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(client.clientId);
    expect(q.get('redirect_uri')).toBe(redirectUri);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('scope')!.split(' ')).toContain('openid');
  });

  it('callback opens a session whose user has the mapped role and can read /api/auth/me', async () => {
    const { res } = await signIn(alice);
    expect(res.status).toBe(200);
    const session = setCookies(res).get(sessionCookieName);
    expect(session).toBeTruthy();
    const line = setCookieLine(res, sessionCookieName)!.toLowerCase();
    expect(line).toContain('httponly');
    expect(line).toContain('samesite=strict');
    expectTxCookieCleared(res);
    const who = await me(session!);
    expect(who.status).toBe(200);
    expect(await who.json()).toEqual({ user: { username: 'oidc.alice', role: 'operator' } });
    expect(await userRow('oidc.alice')).toEqual({ role: 'operator', source: 'oidc' });
  });

  it('proxy.ts (which runs before every handler in the deployed server) lets the round trip through and then the new session in', async () => {
    expect(await proxyLetsThrough('/api/auth/oidc/login')).toBe(true);
    expect(await proxyLetsThrough('/api/auth/oidc/callback?code=x&state=y')).toBe(true);
    expect(await proxyLetsThrough('/')).toBe(false);
    const { res } = await signIn(alice);
    // The callback page refreshes to / with the session cookie.
    expect(await res.text()).toContain('url=/');
    expect(await proxyLetsThrough('/', setCookies(res).get(sessionCookieName))).toBe(true);
  });

  it('the highest mapped group wins, and a changed group changes the role at the next sign-in', async () => {
    const promoted = { ...alice, claims: { ...alice.claims, groups: ['noc', 'noc-admins'] } };
    const first = await signIn(promoted);
    expect(first.res.status).toBe(200);
    expect(await (await me(setCookies(first.res).get(sessionCookieName)!)).json()).toEqual({ user: { username: 'oidc.alice', role: 'admin' } });
    const demoted = { ...alice, claims: { ...alice.claims, groups: 'noc-readonly' } };
    const second = await signIn(demoted);
    expect(second.res.status).toBe(200);
    expect(await (await me(setCookies(second.res).get(sessionCookieName)!)).json()).toEqual({ user: { username: 'oidc.alice', role: 'viewer' } });
  });

  it('a role claim that only userinfo carries is fetched from userinfo', async () => {
    const bob: ProviderUser = { sub: 'bob-0002', claims: { preferred_username: 'bob' }, userinfoOnlyClaims: { groups: ['noc-leads'] } };
    const { res } = await signIn(bob);
    expect(res.status).toBe(200);
    expect(await (await me(setCookies(res).get(sessionCookieName)!)).json()).toEqual({ user: { username: 'oidc.bob', role: 'approver' } });
  });

  it('behind a TLS-terminating reverse proxy (the handler sees an internal http URL) the token request names the registered redirect URI and the cookies are Secure', async () => {
    process.env.FNH_OIDC_REDIRECT_URI = proxiedRedirectUri;
    try {
      const login = await loginRoute(new Request('http://10.0.0.7:3000/api/auth/oidc/login'));
      expect(setCookieLine(login, txCookieName)!.toLowerCase()).toContain('secure');
      const started = { authorizeUrl: new URL(login.headers.get('location')!), txCookie: setCookies(login).get(txCookieName)! };
      expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(proxiedRedirectUri);
      const back = await authorizeAt(started, alice, proxiedRedirectUri);
      const res = await callback(new URL(`http://10.0.0.7:3000${back.pathname}${back.search}`), started.txCookie);
      expect(provider.tokenErrors).toEqual([]);
      expect(res.status).toBe(200);
      expect(setCookieLine(res, sessionCookieName)!.toLowerCase()).toContain('secure');
      expect(await (await me(setCookies(res).get(sessionCookieName)!)).json()).toEqual({ user: { username: 'oidc.alice', role: 'operator' } });
    } finally {
      process.env.FNH_OIDC_REDIRECT_URI = redirectUri;
    }
  });
});

describe('OIDC sign-in when the provider is unreachable', () => {
  it('login answers with the reason, and works as soon as the provider is up (a failed discovery is not kept)', async () => {
    const port = await freeLoopbackPort();
    const late = new TestOidcProvider(client);
    process.env.FNH_OIDC_ISSUER = `http://127.0.0.1:${port}/oidc`;
    try {
      const down = await loginRoute(new Request(`${appOrigin}/api/auth/oidc/login`));
      expect(down.status).toBe(500);
      expect(((await down.json()) as { error: { message: string } }).error.message).toContain(
        `identity provider at http://127.0.0.1:${port}/oidc cannot be used`,
      );
      await late.start(port);
      const up = await loginRoute(new Request(`${appOrigin}/api/auth/oidc/login`));
      expect(up.status).toBe(303);
      expect(up.headers.get('location')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/oidc/authorize\\?`));
    } finally {
      process.env.FNH_OIDC_ISSUER = provider.issuer;
      await late.stop();
    }
  });
});

describe('OIDC sign-in refusals', () => {
  it('refuses a callback whose state is not the one this browser started with', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    back.searchParams.set('state', 'state-of-another-transaction');
    await expectRefused(await callback(back, started.txCookie), 401, /state/i);
  });

  it('refuses a callback that names another issuer (RFC 9207 mix-up defence)', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    back.searchParams.set('iss', 'https://idp.attacker.example');
    await expectRefused(await callback(back, started.txCookie), 401, /iss/);
    expect(provider.tokenErrors, 'the code was never sent to the token endpoint').toEqual([]);
  });

  it('refuses an injected code redeemed with another PKCE verifier', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    // The state and nonce match (as for a code stolen from this very transaction); only the verifier differs.
    const tx = JSON.parse(Buffer.from(started.txCookie, 'base64url').toString('utf8')) as Record<string, string>;
    const forged = Buffer.from(JSON.stringify({ ...tx, verifier: 'v'.repeat(43) })).toString('base64url');
    await expectRefused(await callback(back, forged), 401, /invalid_grant: PKCE/);
    expect(provider.tokenErrors).toEqual(['invalid_grant']);
  });

  it('refuses when the product presents the wrong client secret (client authentication is really sent)', async () => {
    process.env.FNH_OIDC_CLIENT_SECRET = 'not-the-registered-secret';
    try {
      const { res } = await signIn(alice);
      await expectRefused(res, 401, /invalid_client/);
      expect(provider.tokenErrors).toEqual(['invalid_client']);
    } finally {
      process.env.FNH_OIDC_CLIENT_SECRET = client.clientSecret;
    }
  });

  it('refuses a callback without its transaction cookie (a login started in another browser)', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    await expectRefused(await callback(back, undefined), 400, /start again/);
  });

  it('refuses a corrupt transaction cookie', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    await expectRefused(await callback(back, Buffer.from('{"state":1}').toString('base64url')), 400, /corrupt/);
  });

  it('refuses a replayed code', async () => {
    const { res, back, started } = await signIn(alice);
    expect(res.status).toBe(200);
    await expectRefused(await callback(back, started.txCookie), 401, /invalid_grant/);
    expect(provider.tokenErrors).toEqual(['invalid_grant']);
  });

  it('refuses an ID token whose nonce is not this transaction’s', async () => {
    provider.nextIdToken = { overrideClaims: { nonce: 'nonce-of-another-transaction' } };
    const { res } = await signIn(alice);
    await expectRefused(res, 401, /nonce/i);
  });

  it('refuses an ID token signed by a key the provider does not publish', async () => {
    provider.nextIdToken = { signWithForeignKey: true };
    const { res } = await signIn(alice);
    await expectRefused(res, 401, /signature/i);
  });

  it('refuses an expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    provider.nextIdToken = { overrideClaims: { iat: now - 7200, exp: now - 3600 } };
    const { res } = await signIn(alice);
    await expectRefused(res, 401, /exp/i);
  });

  it('refuses an ID token for another client (audience)', async () => {
    provider.nextIdToken = { overrideClaims: { aud: 'some-other-app' } };
    const { res } = await signIn(alice);
    await expectRefused(res, 401, /aud/i);
  });

  it('gives no access (and creates no user) when no group maps to a role', async () => {
    const carol: ProviderUser = { sub: 'carol-0003', claims: { preferred_username: 'carol', groups: ['everyone', 'finance'] } };
    const { res } = await signIn(carol);
    await expectRefused(res, 403, /no role here/);
    expect(await userRow('oidc.carol')).toBeUndefined();
  });

  it('gives no access when the role claim is missing from both the ID token and userinfo', async () => {
    const dave: ProviderUser = { sub: 'dave-0004', claims: { preferred_username: 'dave' } };
    const { res } = await signIn(dave);
    await expectRefused(res, 403, /no role here/);
    expect(await userRow('oidc.dave')).toBeUndefined();
  });

  it('an error the provider sends back (user declined) is refused, not a crash', async () => {
    const started = await startSignIn();
    const back = await authorizeAt(started, alice);
    const declined = new URL(redirectUri);
    declined.searchParams.set('error', 'access_denied');
    declined.searchParams.set('state', back.searchParams.get('state')!);
    declined.searchParams.set('iss', provider.issuer);
    await expectRefused(await callback(declined, started.txCookie), 401, /access_denied/);
  });
});
