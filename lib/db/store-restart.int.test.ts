import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './index';

// PGlite must survive a clean close and an unclean exit: a reopen once hung here after a crash.
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} did not finish in ${ms} ms`)), ms))]);
}

// Each test opens the store in child processes, every migration applied: tens of seconds on a loaded 2-core machine.
describe('embedded store restart', { timeout: 180_000 }, () => {
  it('keeps data across a clean close and reopen', async () => {
    const dataDir = path.join(dir, 'clean');
    const db = await openDb({ dataDir, databaseUrl: '' });
    await db.query(`insert into nodes (name, host, port, ssh_user) values ('n1', '127.0.0.1', 22, 'fnh')`);
    await db.close();
    const again = await withTimeout(openDb({ dataDir, databaseUrl: '' }), 60_000, 'reopen');
    const rows = await again.query<{ name: string }>('select name from nodes');
    expect(rows.rows.map((r) => r.name)).toEqual(['n1']);
    await again.close();
  });

  it('reopens after the owning process is killed mid-write', async () => {
    const dataDir = path.join(dir, 'killed');
    // A child process opens the store, writes in a loop, and is SIGKILLed while writing.
    const script = `
      import { openPglite } from ${JSON.stringify(path.resolve('lib/db/pglite.ts'))};
      import { migrate } from ${JSON.stringify(path.resolve('lib/db/migrate.ts'))};
      const db = await openPglite(${JSON.stringify(dataDir)});
      await migrate(db);
      for (let i = 0; ; i++) {
        await db.query("insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')", ['n' + i]);
        if (i === 20) console.log('WRITING');
      }
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await withTimeout(
      new Promise<void>((resolve) => child.stdout.on('data', (b: Buffer) => b.toString().includes('WRITING') && resolve())),
      60_000,
      'child store writes',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const db = await withTimeout(openDb({ dataDir, databaseUrl: '' }), 60_000, 'reopen after kill');
    const rows = await db.query<{ n: number }>('select count(*)::int as n from nodes');
    expect(rows.rows[0]!.n).toBeGreaterThan(20);
    await db.close();
  });
});
