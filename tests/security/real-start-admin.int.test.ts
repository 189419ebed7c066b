import { hash } from '@node-rs/argon2';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoAdmin, demoStartEnv } from '../../lib/auth/first-admin';
import { bootstrapAdminFromEnv } from '../../lib/auth/store/bootstrap-admin';
import { openMemoryDb, openMigratedPgliteAt } from '../support/memory-db';

// Issue 14, finding 2: `npm start -- --inventory fleet.yaml` (a real fleet) ran the demo script with the
// demo's defaults and created admin / admin-demo-password. Only the simulated demo may use that
// password. Here the real start script runs as `npm start` runs it; --dev keeps it from building, and
// whatever it starts is killed with its process group.

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-real-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inventory = path.join(dir, 'fleet.yaml');
writeFileSync(
  inventory,
  'defaults: { user: fnh, keyPath: ./id_ed25519, knownHostsPath: ./known_hosts }\nnodes:\n  - { name: edge-1, host: 127.0.0.1, port: 2222 }\n',
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** it went on to start a dashboard */
  started: boolean;
}

/** Runs `npm start -- --inventory …` and returns once it exits, or once it announces a dashboard (then kills it). */
function realStart(dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  for (const k of ['FNH_ADMIN_USER', 'FNH_ADMIN_PASSWORD', 'DATABASE_URL', 'FNH_DATA_DIR', 'FNH_PUBLIC_ORIGIN']) delete base[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--inventory', inventory, '--dev', '--port', '3998', '--data-dir', dataDir], {
    cwd: root,
    env: { ...base, ...env },
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => {
    let started = false;
    const stopAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(stopAll, 60_000);
    child.stdout.on('data', () => {
      if (!started && /dashboard: http/.test(stdout)) {
        started = true;
        stopAll();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, started });
    });
  });
}

describe('a real start never gets the demo admin', () => {
  it('with no account and no FNH_ADMIN_*, it says how to create the first admin and starts nothing', async () => {
    const dataDir = path.join(dir, 'empty');
    const run = await realStart(dataDir);
    expect(run.started, run.stdout).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no account exists yet');
    expect(run.stderr).toContain(`npm run user:create -- --username <your-name> --data-dir ${path.join(dataDir, 'pglite')}`);
    expect(run.stdout + run.stderr).not.toContain(demoAdmin.password);
  });

  it('refuses the demo password given as FNH_ADMIN_PASSWORD', async () => {
    const run = await realStart(path.join(dir, 'env-demo'), { FNH_ADMIN_USER: 'ops', FNH_ADMIN_PASSWORD: demoAdmin.password });
    expect(run.started).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/FNH_ADMIN_PASSWORD is the demo's published password/);
  });

  it('refuses a store where an earlier demo left an account with the demo password', async () => {
    const dataDir = path.join(dir, 'after-demo');
    const db = await openMigratedPgliteAt(path.join(dataDir, 'pglite'));
    await db.query(`insert into users (id, username, password_hash, role, source) values ($1, 'admin', $2, 'admin', 'local')`, [
      randomUUID(),
      await hash(demoAdmin.password),
    ]);
    await db.close();
    const run = await realStart(dataDir, { FNH_ADMIN_USER: 'ops', FNH_ADMIN_PASSWORD: 'a-real-admin-passphrase' });
    expect(run.started).toBe(false);
    expect(run.stderr).toMatch(/admin with the demo's published password/);
  });
});

describe('the server side of the same rule', () => {
  it('creates the env admin with the demo password only for the simulated fleet', async () => {
    const real = await openMemoryDb();
    expect(await bootstrapAdminFromEnv(real, { FNH_ADMIN_USER: 'admin', FNH_ADMIN_PASSWORD: demoAdmin.password }, new Date())).toBe('refused');
    expect((await real.query('select 1 from users')).rows).toEqual([]);
    await real.close();
    const demo = await openMemoryDb();
    expect(
      await bootstrapAdminFromEnv(demo, { FNH_ADMIN_USER: 'admin', FNH_ADMIN_PASSWORD: demoAdmin.password, FNH_FLEET_SOURCE: 'simulated' }, new Date()),
    ).toBe('created');
    await demo.close();
  });

  it('the simulated demo keeps its zero-setup admin (README: sign in as admin / admin-demo-password)', () => {
    expect(demoStartEnv({})).toEqual({ FNH_ADMIN_USER: 'admin', FNH_ADMIN_PASSWORD: 'admin-demo-password' });
    expect(demoStartEnv({ FNH_ADMIN_USER: 'me', FNH_ADMIN_PASSWORD: 'my-own-passphrase' })).toEqual({
      FNH_ADMIN_USER: 'me',
      FNH_ADMIN_PASSWORD: 'my-own-passphrase',
    });
  });
});
