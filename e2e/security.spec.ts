import { chromium, request } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { baseUrl, credentials, ensureUsers, expect, test } from './auth-helpers';
import { e2ePort } from './port';

// Issue 14 against the real server (scripts/demo.ts → scripts/server.ts) in Debian Chromium: DNS
// rebinding, the open redirect after sign-in, sign-in limits per real source address, no-store on the
// API reads, and the account admin page.

const rebound = 'rebind.attacker.example';

test.beforeAll(async () => {
  await ensureUsers();
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("DNS rebinding: a page on the attacker's name, resolved to our address, gets 421 for everything it asks", async () => {
    // The attacker's name resolves to 127.0.0.1, as after a rebinding. Whatever that name loads, and
    // every call a script on it makes (same-origin to the browser), must be refused by the server.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', `--host-resolver-rules=MAP ${rebound} 127.0.0.1`],
    });
    try {
      const page = await browser.newPage();
      for (const path of ['/', '/login', `/nodes/dfw-mn-bm1`]) {
        const res = await page.goto(`http://${rebound}:${e2ePort}${path}`);
        expect(res?.status(), path).toBe(421);
      }
      expect(await page.content()).not.toContain('dfw-mn-bm1</');
      const statuses = await page.evaluate(async (creds) => {
        const signIn = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) });
        const fleet = await fetch('/api/fleet');
        const health = await fetch('/api/health');
        return { signIn: signIn.status, fleet: fleet.status, health: health.status };
      }, credentials('admin'));
      expect(statuses).toEqual({ signIn: 421, fleet: 421, health: 421 });
      expect(await page.context().cookies()).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test('after sign-in, ?next= never leaves the site (%09, %0a, %09%5C)', async ({ page }) => {
    for (const next of ['/%09/evil.example/phish', '/%0a/evil.example/phish', '/%09%5Cevil.example/phish']) {
      await page.context().clearCookies();
      await page.goto(`/login?next=${next}`);
      await page.getByLabel('Username').fill(credentials('viewer').username);
      await page.getByLabel('Password').fill(credentials('viewer').password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('grid', { name: /fleet grid/i })).toBeVisible();
      expect(new URL(page.url()).origin, next).toBe(baseUrl());
    }
  });
});

interface Reply {
  status: number;
}

/** One sign-in over a real TCP connection from `from` (any 127.0.0.0/8 address is this machine). */
function signInFrom(from: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: e2ePort,
        localAddress: from,
        path: '/api/auth/login',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', origin: baseUrl(), ...extraHeaders },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('sign-in limits hold over HTTP: 40 parallel guesses from one address check 5, X-Forwarded-For changes nothing, the owner still signs in', async () => {
  const account = credentials('operator2');
  const octet = 20 + (Number.parseInt(randomBytes(1).toString('hex'), 16) % 200);
  const attacker = `127.0.0.${octet}`;
  const replies = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      signInFrom(
        attacker,
        { username: account.username, password: `guess-${i}` },
        { 'x-forwarded-for': `203.0.113.${i}`, 'x-fnh-client-address': `198.51.100.${i}` },
      ),
    ),
  );
  const counts = replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  expect(counts).toEqual({ 401: 5, 429: 35 });
  expect((await signInFrom(attacker, account)).status).toBe(429);
  // from the owner's own address the account is not locked
  expect((await signInFrom('127.0.0.1', account)).status).toBe(200);
});

test('API reads are not cached: Cache-Control no-store', async ({ page }) => {
  for (const path of ['/api/fleet', '/api/peers', '/api/nodes/dfw-mn-bm1', '/api/alerts']) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()['cache-control'], path).toBe('no-store');
  }
});

test('an admin disables an account from the accounts page, and its open session stops working', async ({ as }) => {
  const username = `e2e-temp-${randomBytes(3).toString('hex')}`;
  const password = `${username}-passphrase`;
  const admin = await as('admin');
  await admin.goto('/admin/users');
  const form = admin.getByRole('form', { name: 'New account' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Role').selectOption('operator');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(admin.getByTestId(`user-${username}`)).toBeVisible();

  const victim = await request.newContext({ baseURL: baseUrl(), extraHTTPHeaders: { origin: baseUrl() } });
  expect((await victim.post('/api/auth/login', { data: { username, password } })).status()).toBe(200);
  expect((await victim.get('/api/auth/me')).status()).toBe(200);

  await admin.getByRole('button', { name: `Disable ${username}` }).click();
  await expect(admin.getByText(`disable ${username}: done`)).toBeVisible();
  expect((await victim.get('/api/auth/me')).status()).toBe(401);
  await victim.dispose();
});
