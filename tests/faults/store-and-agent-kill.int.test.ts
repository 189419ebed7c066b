import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimFleet, type SimFleet } from '../../agents/sim/fleet';
import { WARN_MSG } from '../../agents/sim/history';
import { nodeName } from '../../agents/sim/scenarios';
import { WARN_INTERVAL_MS } from '../../agents/sim/state';
import { openDb, type Db } from '../../lib/db';
import { verifyAuditLog } from '../../lib/audit/store/verify';
import { postgresAvailable, startTempPostgres } from '../../agents/lease/testing/temp-postgres';

// The agent and its store die mid-cycle and come back. Embedded store: the process holding PGlite (the
// agent with its audit writer) is SIGKILLed while polls are in flight, then a new process opens the same
// folder. PostgreSQL: the server is killed in immediate mode (crash recovery at start) under a running
// agent. Either way polling resumes, journal events are neither lost nor stored twice, and every audit
// record whose commit was acknowledged is there exactly once, with the hash chain intact.

const root = path.resolve(import.meta.dirname, '../..');
const childScript = path.join(import.meta.dirname, 'children/agent-with-audit.ts');
const COUNT = 6;
const healthy = Array.from({ length: COUNT }, (_, i) => nodeName(i)).filter((_, i) => i !== 5); // node 5 is unreachable by plan

let dir: string;
let fleet: SimFleet;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-kill-'));
  fleet = await startSimFleet({ count: COUNT, dir: path.join(dir, 'sim') });
}, 60_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface AgentChild {
  proc: ChildProcess;
  lines: string[];
  polledOk(node: string, after?: number): number;
  acked(): string[];
  until(what: string, cond: () => boolean, timeoutMs?: number): Promise<void>;
  exited: Promise<void>;
}

/** The part of a dead child's stderr that says why: from the first uncaught error on. */
function crashReport(stderr: string): string {
  const at = stderr.search(/^(node:|Error|.*Unhandled|.*throw )/m);
  return stderr.slice(at < 0 ? -3000 : at, (at < 0 ? stderr.length : at) + 3000);
}

function startAgentChild(label: string, env: Record<string, string>): AgentChild {
  const proc = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', childScript, fleet.inventoryPath, label], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FNH_DATA_DIR: '', DATABASE_URL: '', ...env },
  });
  children.add(proc);
  const lines: Array<{ at: number; text: string }> = [];
  let buffered = '';
  proc.stdout!.on('data', (b: Buffer) => {
    buffered += b.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  const stderr: string[] = [];
  proc.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => (children.delete(proc), resolve())));
  return {
    proc,
    get lines() {
      return lines.map((l) => l.text);
    },
    polledOk: (node, after = 0) => lines.filter((l) => l.at >= after && l.text === `POLL ${node} ok`).length,
    acked: () => lines.filter((l) => l.text.startsWith('AUDIT ')).map((l) => l.text.slice(6)),
    async until(what, cond, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!cond()) {
        if (proc.exitCode !== null) throw new Error(`agent child exited (${proc.exitCode}) before: ${what}\n${crashReport(stderr.join(''))}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\n${stderr.join('').slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exited,
  };
}

async function signedInUsernames(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ body: string }>(`select body from audit_log where type = 'user.signed-in' order by seq`);
  return rows.map((r) => /"username":"([a-z]+-\d+)"/.exec(r.body)?.[1]).filter((u): u is string => u !== undefined);
}

/** Every acknowledged record exactly once; nothing at all appears twice. */
function expectAckedOnce(stored: string[], acked: string[]): void {
  const counts = new Map<string, number>();
  for (const u of stored) counts.set(u, (counts.get(u) ?? 0) + 1);
  expect(
    [...counts].filter(([, n]) => n > 1),
    'audit records stored twice',
  ).toEqual([]);
  expect(
    acked.filter((u) => !counts.has(u)),
    'acknowledged audit records lost',
  ).toEqual([]);
}

async function snapshot(db: Db) {
  const events = await db.query<{ node: string; dedupe_key: string; at: Date; msg: string; peer_ip: string | null }>(
    'select node, dedupe_key, at, msg, peer_ip from liveness_events',
  );
  const status = await db.query<{ node: string; last_success_at: Date | null }>('select node, last_success_at from node_status');
  return {
    eventKeys: events.rows.map((e) => `${e.node} ${e.dedupe_key}`),
    // The same log record read twice (overlapping windows) would show up as the same time, message and peer twice.
    semanticDuplicates: (() => {
      const seen = new Set<string>();
      return events.rows.filter((e) => {
        const k = `${e.node}|${new Date(e.at).toISOString()}|${e.msg}|${e.peer_ip}`;
        return seen.has(k) || !seen.add(k);
      });
    })(),
    lastSuccess: new Map(status.rows.map((r) => [r.node, r.last_success_at ? new Date(r.last_success_at).getTime() : 0])),
  };
}

describe('embedded store: the agent process (holding PGlite) is SIGKILLed mid-cycle', () => {
  it('a new process resumes polling; no event lost or doubled; every acknowledged audit record there once', async () => {
    const env = { FNH_DATA_DIR: path.join(dir, 'pglite') };
    const first = startAgentChild('first', env);
    await first.until(
      'two polls of every healthy node and a few audit records',
      () => healthy.every((n) => first.polledOk(n) >= 2) && first.acked().length >= 5,
    );
    // Polls are in flight (1 s interval, several nodes): kill without warning.
    first.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    const ackedFirst = first.acked();

    let db = await openDb({ dataDir: env.FNH_DATA_DIR, databaseUrl: '' });
    const before = await snapshot(db);
    expect(before.eventKeys.length).toBeGreaterThan(0);
    expectAckedOnce(await signedInUsernames(db), ackedFirst);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
    await db.close();

    // Down for more than one warning interval, so the seed node logs warnings nobody is reading.
    await new Promise((r) => setTimeout(r, Math.max(0, killedAt + 2 * WARN_INTERVAL_MS - Date.now())));
    const second = startAgentChild('second', env);
    const restartedAt = Date.now();
    // ...and a poll of the seed node one warning interval after the restart, so it has warned since (polls are fast).
    await second.until(
      'two polls of every healthy node after the restart',
      () =>
        healthy.every((n) => second.polledOk(n, restartedAt) >= 2) &&
        second.acked().length >= 3 &&
        second.polledOk(nodeName(0), restartedAt + WARN_INTERVAL_MS + 1_000) >= 1,
    );
    second.proc.kill('SIGTERM');
    await second.exited;

    db = await openDb({ dataDir: env.FNH_DATA_DIR, databaseUrl: '' });
    try {
      const after = await snapshot(db);
      for (const n of healthy) expect(after.lastSuccess.get(n)!, `${n} polled again`).toBeGreaterThan(before.lastSuccess.get(n)!);
      expect(
        before.eventKeys.filter((k) => !after.eventKeys.includes(k)),
        'events lost',
      ).toEqual([]);
      expect(after.semanticDuplicates, 'events stored twice').toEqual([]);
      // The seed node warns once per WARN_INTERVAL_MS for the whole daemon (naming whichever stale session failed),
      // also while no agent ran: the restarted agent read the window it missed, so its warnings have no gap.
      const warnings = await db.query<{ at: Date }>('select at from liveness_events where node = $1 and msg = $2 order by at', [nodeName(0), WARN_MSG]);
      const times = warnings.rows.map((w) => new Date(w.at).getTime());
      expect(times.length).toBeGreaterThan(0);
      expect(times[0]!, 'warnings from before the kill').toBeLessThan(killedAt);
      expect(times.at(-1)!, 'warnings from after the restart').toBeGreaterThan(restartedAt);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps), 'a warning went missing around the restart').toBeLessThan(WARN_INTERVAL_MS + 1_000);
      expectAckedOnce(await signedInUsernames(db), [...ackedFirst, ...second.acked()]);
      expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
    } finally {
      await db.close();
    }
  }, 300_000);
});

describe('PostgreSQL: the server is killed (immediate mode) under a running agent and started again', () => {
  it.skipIf(!postgresAvailable())(
    'the same agent resumes polling; acknowledged audit records survive exactly once',
    async () => {
      const server = await startTempPostgres({ durable: true });
      try {
        const agent = startAgentChild('pg', { DATABASE_URL: server.url });
        await agent.until(
          'two polls of every healthy node and a few audit records',
          () => healthy.every((n) => agent.polledOk(n) >= 2) && agent.acked().length >= 5,
        );
        server.crash();
        const crashedAt = Date.now();
        const ackedBeforeCrash = agent.acked().length;
        // Down for a few poll intervals: the agent's writes fail meanwhile, and it must not die of it.
        await new Promise((r) => setTimeout(r, 3_000));
        server.start();
        const restartedAt = Date.now();
        await agent.until(
          'polls stored after the restart and new audit records acknowledged',
          () => healthy.every((n) => agent.polledOk(n, restartedAt) >= 2) && agent.acked().length >= ackedBeforeCrash + 3,
        );

        const db = await openDb({ databaseUrl: server.url });
        try {
          const after = await snapshot(db);
          // Ingest commits before observe() prints, but a poll begun before the crash may print after it;
          // wait for a stored success newer than the restart for every node.
          const deadline = Date.now() + 60_000;
          let fresh = after;
          while (!healthy.every((n) => fresh.lastSuccess.get(n)! > restartedAt) && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
            fresh = await snapshot(db);
          }
          for (const n of healthy) expect(fresh.lastSuccess.get(n)!, `${n} stored a poll after the restart`).toBeGreaterThan(crashedAt);
          expect(fresh.semanticDuplicates, 'events stored twice').toEqual([]);
          agent.proc.kill('SIGTERM');
          await agent.exited;
          expectAckedOnce(await signedInUsernames(db), agent.acked());
          expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
        } finally {
          await db.close();
        }
      } finally {
        await server.stop();
      }
    },
    300_000,
  );
});
