import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startSimFleet, type SimFleet } from '../agents/sim/fleet';
import { nodeName } from '../agents/sim/scenarios';
import { hostilePayloads, makeHostile } from '../agents/sim/scenarios-hostile';

// Node output is rendered as text, never as markup. A simulated node prints HTML/script payloads as an
// interface name, its hostname and a liveness log record (agents/sim/scenarios-hostile.ts); the real
// dashboard (the same build, its own server and store so the shared e2e fleet stays untouched) polls it
// over SSH, and the real browser must show the payloads literally without running any of them.

const port = Number(process.env.E2E_HOSTILE_PORT ?? 3190);
const base = `http://127.0.0.1:${port}`;
const root = path.resolve(import.meta.dirname, '..');
// Node 6 is healthy (no warnings), so the hostile log record is among the node's most recent events.
const hostileNode = nodeName(6);

let dir: string;
let fleet: SimFleet;
let server: ChildProcess | undefined;
const serverLog: string[] = [];
// This server's own first admin (created from env at the first sign-in); random so nothing else knows it.
const admin = { username: 'hostile-admin', password: `pw-${randomBytes(12).toString('hex')}` };
let cookie = '';

async function signIn(): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const set = res.headers.get('set-cookie') ?? '';
  const m = /fnh_session=([^;]+)/.exec(set);
  if (!m) throw new Error('no session cookie');
  return m[1]!;
}

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-e2e-hostile-'));
  fleet = await startSimFleet({ count: 7, dir: path.join(dir, 'sim') });
  makeHostile(fleet.node(hostileNode).state, Date.now());
  server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/server.ts'), '--port', String(port), '--host', '127.0.0.1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FNH_INVENTORY: fleet.inventoryPath,
      FNH_FLEET_SOURCE: 'simulated',
      FNH_DATA_DIR: path.join(dir, 'pglite'),
      DATABASE_URL: '',
      FNH_POLL_INTERVAL_MS: '1000',
      FNH_ADMIN_USER: admin.username,
      FNH_ADMIN_PASSWORD: admin.password,
      FNH_PUBLIC_ORIGIN: base,
    },
  });
  server.stdout!.on('data', (b: Buffer) => serverLog.push(b.toString()));
  server.stderr!.on('data', (b: Buffer) => serverLog.push(b.toString()));
  // Ready once the hostile node's poll is stored with the hostile interface.
  const deadline = Date.now() + 200_000;
  let body = '';
  for (;;) {
    if (server.exitCode !== null) throw new Error(`dashboard exited: ${serverLog.join('').slice(-3000)}`);
    if (!cookie) cookie = await signIn().catch(() => '');
    body = cookie
      ? await fetch(`${base}/api/nodes/${hostileNode}`, { headers: { cookie: `fnh_session=${cookie}` } }).then(
          (r) => (r.ok ? r.text() : ''),
          () => '',
        )
      : '';
    if (body.includes('fnh-xss-ifname') && body.includes('fnh-xss-msg')) break;
    if (Date.now() > deadline) throw new Error(`the hostile node was never stored: ${body.slice(0, 2000)}\n${serverLog.join('').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.use({ storageState: { cookies: [], origins: [] } });
test.beforeEach(async ({ context }) => {
  await context.addCookies([{ name: 'fnh_session', value: cookie, url: base, httpOnly: true, sameSite: 'Strict' }]);
});

/** Records every dialog (alert/confirm/prompt) a payload could open. */
function watchForExecution(page: Page): { dialogs: string[] } {
  const seen = { dialogs: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}

test('the node page shows HTML in interface names and log messages as text and runs none of it', async ({ page }) => {
  const seen = watchForExecution(page);
  await page.goto(`${base}/nodes/${hostileNode}`);
  await expect(page.getByRole('heading', { name: hostileNode })).toBeVisible();

  // Literally visible, as typed by the node.
  await expect(page.getByTestId('interfaces').getByRole('cell', { name: hostilePayloads.ifname, exact: true })).toBeVisible();
  await expect(page.getByTestId('events')).toContainText(hostilePayloads.message);
  await expect(page.getByTestId('events')).toContainText(hostilePayloads.error);
  await expect(page.getByTestId('reported-hostname')).toHaveText(hostilePayloads.hostname);

  // Never markup: no element the payloads would have created exists in the page.
  expect(await page.locator('img[src="x"], svg[onload], script:text("fnh-xss")').count()).toBe(0);
  const injected = await page.evaluate(() =>
    [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(injected).toEqual([]);

  // Give any onerror/onload a moment to fire (a broken image fails at once), then check nothing ran.
  await page.waitForLoadState('networkidle');
  expect(seen.dialogs).toEqual([]);
});

test('the fleet and peer pages stay clean with the hostile node in the fleet', async ({ page }) => {
  const seen = watchForExecution(page);
  for (const p of ['/', '/peers', `/nodes/${hostileNode}?tab=raw`]) {
    await page.goto(`${base}${p}`);
    await page.waitForLoadState('networkidle');
  }
  expect(seen.dialogs).toEqual([]);
  expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
});

test('the server log of this run holds neither the SSH private key nor the admin password', async () => {
  // A wrong password too, so the sign-in failure path has logged whatever it logs.
  await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json' },
    body: JSON.stringify({ ...admin, password: `${admin.password}-wrong` }),
  });
  const log = serverLog.join('');
  expect(log.length).toBeGreaterThan(0);
  expect(log).not.toContain(admin.password);
  expect(log).not.toMatch(/PRIVATE KEY/);
  const keyLines = readFileSync(fleet.clientKeyPath, 'utf8')
    .split('\n')
    .filter((l) => l.length >= 20 && !l.startsWith('-----'));
  expect(keyLines.length).toBeGreaterThan(0);
  for (const l of keyLines) expect(log).not.toContain(l);
});
