import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startTempPostgres } from '../../agents/lease/testing/temp-postgres';
import { openDb, type Db } from '../../lib/db';
import { openPostgres } from '../../lib/db/postgres';
import { migrate } from '../../lib/db/migrate';
import { verifyAuditLog } from '../../lib/audit/store/verify';
import type { UserRow } from '../../lib/auth/store/users';
import { requestRemediation } from '../../lib/remediation/store/request';
import { startBatch } from '../../lib/remediation/store/start';
import { wireRemediation } from '../../lib/remediation/store/wire';
import { setRemediationRuntime } from '../../lib/remediation/store/runtime';
import { FakeFleet } from '../support/fake-fleet';
import { openMemoryDb } from '../support/memory-db';

// Audit integrity under the failures that matter: a process killed between a remediation's intent and
// its outcome (a real SIGKILL, not a simulated one), two operators racing on one node (PGlite and a
// real PostgreSQL server with a connection pool), and a row tampered behind the triggers' back, caught
// by the `npm run audit:verify` CLI an operator would run.

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-audit-int-'));
afterAll(() => {
  setRemediationRuntime(undefined);
  rmSync(dir, { recursive: true, force: true });
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} did not finish in ${ms} ms`)), ms))]);
}

async function auditTypes(db: Db, node: string): Promise<string[]> {
  const r = await db.query<{ type: string }>('select type from audit_log where node = $1 order by seq', [node]);
  return r.rows.map((x) => x.type);
}

async function auditCount(db: Db): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from audit_log')).rows[0]!.n;
}

/** Runs `npm run audit:verify` exactly as an operator would, against a store folder. */
function auditVerifyCli(dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', ['run', '--silent', 'audit:verify', '--', '--data-dir', dataDir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const crashDir = path.join(dir, 'crash');
const crashNode = 'crash-node';

describe('a process killed between intent and outcome', () => {
  it('leaves the intent committed; the restart appends outcome-unknown once, and the chain verifies', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', path.join(import.meta.dirname, 'children/hold-remediation.ts'), crashDir, crashNode],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    const line = await withTimeout(
      new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /INTENT \d+ \S+/.exec(out);
          if (m) resolve(m[0]);
        });
      }),
      90_000,
      'child writes the intent',
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const [, countAtKill] = line.split(' ');

    const db = await withTimeout(openDb({ dataDir: crashDir, databaseUrl: '' }), 60_000, 'reopen after kill');
    try {
      // Nothing acknowledged before the kill is lost.
      expect(await auditCount(db)).toBe(Number(countAtKill));
      expect(await auditTypes(db, crashNode)).toEqual(['remediation.requested', 'remediation.intent']);
      const intent = await db.query<{ hash: string }>(`select hash from audit_log where node = $1 and type = 'remediation.intent'`, [crashNode]);

      // The embedded agent's start-up step (agents/embedded.ts calls wireRemediation before anything runs).
      const agent = {
        pool: { runCommand: () => Promise.reject(new Error('no command runs during recovery')) },
        poller: { pollNow: () => Promise.reject(new Error('no poll runs during recovery')) },
      };
      await wireRemediation(agent, db);
      expect(await auditTypes(db, crashNode)).toEqual(['remediation.requested', 'remediation.intent', 'remediation.outcome-unknown']);
      const run = await db.query<{ state: string }>('select state from remediation_runs where node = $1', [crashNode]);
      expect(run.rows.map((r) => r.state)).toEqual(['outcome-unknown']);
      // A second restart appends nothing more: no duplicate records.
      await wireRemediation(agent, db);
      expect(await auditTypes(db, crashNode)).toHaveLength(3);
      // The intent itself was never edited.
      expect((await db.query<{ hash: string }>(`select hash from audit_log where node = $1 and type = 'remediation.intent'`, [crashNode])).rows).toEqual(
        intent.rows,
      );
      expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: Number(countAtKill) + 1 });
    } finally {
      await db.close();
    }
  });

  it('npm run audit:verify passes on that store, then names the tampered row with a non-zero exit', async () => {
    const clean = auditVerifyCli(crashDir);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/audit log OK: \d+ records, chain intact/);

    // A superuser can disable the append-only trigger; the hash chain still tells.
    const db = await openDb({ dataDir: crashDir, databaseUrl: '' });
    const target = (await db.query<{ seq: number }>(`select seq::int as seq from audit_log where type = 'remediation.intent'`)).rows[0]!.seq;
    await db.exec('alter table audit_log disable trigger audit_log_no_update_delete');
    await db.query(`update audit_log set body = replace(body, 'crash test', 'nothing to see') where seq = $1`, [target]);
    await db.exec('alter table audit_log enable trigger audit_log_no_update_delete');
    await db.close();

    const tampered = auditVerifyCli(crashDir);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain(`audit log BROKEN at record seq ${target}`);
  });
});

const alice: UserRow = { id: 'u-race-alice', username: 'race-alice', role: 'operator', source: 'local', disabled: false };
const bob: UserRow = { id: 'u-race-bob', username: 'race-bob', role: 'operator', source: 'local', disabled: false };

/** Both operators submit and start at the same moment on the same node; exactly one command may run. */
async function raceOnOneNode(db: Db, node: string): Promise<void> {
  const fleet = new FakeFleet();
  fleet.addNode(node, [{ peer: '216.238.110.55', verdict: 'stale-session' }]);
  fleet.hold(node);
  const rt = fleet.runtime();
  const submit = async (who: UserRow) => {
    const req = await requestRemediation(
      db,
      rt,
      who,
      { action: 'restart-doublezerod', nodes: [node], reason: `race by ${who.username}`, idempotencyKey: `race-${who.id}-${node}` },
      new Date(),
    );
    return startBatch(db, rt, req.batch.id, () => new Date());
  };
  const [a, b] = await Promise.all([submit(alice), submit(bob)]);
  expect([a.first.kind, b.first.kind].sort()).toEqual(['claimed', 'conflict']);
  fleet.release(node);
  await Promise.all([a.completion, b.completion]);

  // One command ran, and it ran after its intent was recorded; each request is audited with its fate.
  expect(fleet.ran.filter((r) => r.node === node)).toHaveLength(1);
  const types = await auditTypes(db, node);
  expect(types.filter((t) => t === 'remediation.requested')).toHaveLength(2);
  expect(types.filter((t) => t === 'remediation.intent')).toHaveLength(1);
  expect(types.filter((t) => t === 'remediation.outcome')).toHaveLength(1);
  expect(types.indexOf('remediation.intent')).toBeLessThan(types.indexOf('remediation.outcome'));
  const actors = await db.query<{ actor: string; type: string }>(
    `select body::jsonb->'actor'->>'username' as actor, type from audit_log where node = $1 and type = 'remediation.requested'`,
    [node],
  );
  expect(actors.rows.map((r) => r.actor).sort()).toEqual(['race-alice', 'race-bob']);
  expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
}

describe('two operators on the same node at the same moment', () => {
  it('on PGlite: one runs, the other is refused, both audited, the chain verifies', async () => {
    const db = await openMemoryDb();
    try {
      await raceOnOneNode(db, 'race-pglite');
    } finally {
      await db.close();
    }
  });

  it.skipIf(!postgresAvailable())('on PostgreSQL with a connection pool: the same, with real concurrent transactions', async () => {
    const server = await startTempPostgres();
    const db = await openPostgres(server.url);
    try {
      await migrate(db);
      for (let i = 0; i < 5; i++) await raceOnOneNode(db, `race-pg-${i}`);
    } finally {
      await db.close();
      await server.stop();
    }
  });
});
