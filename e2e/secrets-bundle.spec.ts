import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { e2eDataDir } from './port';

// Secrets never reach the browser. This runs after `next build` (npm test builds before the e2e
// project): every file the browser can download from `.next/static` is searched for key material and
// for the values of the secrets the running e2e stack uses (the admin password, the simulated fleet's
// SSH client key) and any secret-looking environment variable of this run. The JavaScript the pages
// actually load (as a signed-in viewer) is checked too, as served.

const root = path.resolve(import.meta.dirname, '..');

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else out.push(full);
  }
  return out;
}

/** Secret values of this run: what a leak would contain. Long enough that a match is no accident. */
function secretValues(): Map<string, string> {
  const secrets = new Map<string, string>();
  secrets.set('FNH_ADMIN_PASSWORD', process.env.FNH_ADMIN_PASSWORD ?? 'admin-demo-password');
  for (const [name, value] of Object.entries(process.env)) {
    if (value && value.length >= 8 && /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|_KEY$/i.test(name)) secrets.set(name, value);
    // A password inside a connection URL.
    const url = value && /^postgres(ql)?:\/\//.test(value) ? new URL(value) : undefined;
    if (url?.password && url.password.length >= 4) secrets.set(`${name} password`, decodeURIComponent(url.password));
  }
  // The SSH client key the e2e demo's agent uses (scripts/demo.ts writes it into the data folder).
  const keyPath = path.join(root, e2eDataDir, 'sim', 'id_ed25519');
  if (existsSync(keyPath)) {
    readFileSync(keyPath, 'utf8')
      .split('\n')
      .filter((l) => l.length >= 20 && !l.startsWith('-----'))
      .forEach((l, i) => secrets.set(`SSH client key line ${i + 1}`, l));
  }
  return secrets;
}

const markers = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bb3BlbnNzaC1rZXktdjE\b/ /* base64 of "openssh-key-v1" */, /\$argon2id\$/];

test('the browser bundle holds no key material and no secret value of this run', async () => {
  const staticDir = path.join(root, '.next', 'static');
  expect(existsSync(staticDir), 'run `next build` first (npm test does)').toBe(true);
  const files = filesUnder(staticDir);
  expect(files.length).toBeGreaterThan(0);
  const secrets = secretValues();
  expect(secrets.size).toBeGreaterThan(1);
  const leaks: string[] = [];
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    for (const m of markers) if (m.test(text)) leaks.push(`${path.relative(root, file)}: ${m}`);
    for (const [name, value] of secrets) if (text.includes(value)) leaks.push(`${path.relative(root, file)}: ${name}`);
  }
  expect(leaks).toEqual([]);
});

test('the scripts and data the pages load carry no secret either', async ({ page }) => {
  const secrets = secretValues();
  const bodies: Array<{ url: string; text: string }> = [];
  page.on('response', async (res) => {
    if (/javascript|json|html/.test(res.headers()['content-type'] ?? '')) bodies.push({ url: res.url(), text: await res.text().catch(() => '') });
  });
  for (const p of ['/', '/login', '/peers']) {
    await page.goto(p);
    await page.waitForLoadState('networkidle');
  }
  expect(bodies.length).toBeGreaterThan(0);
  const leaks = bodies.flatMap(({ url, text }) => [...secrets].filter(([, v]) => text.includes(v)).map(([name]) => `${url}: ${name}`));
  expect(leaks).toEqual([]);
});
