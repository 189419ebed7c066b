import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/errors';
import { journalReferenceYear } from '@/lib/model/normalize';
import { parseJournalDetailed } from '@/lib/parse/journal';
import { retentionFromEnv, type Retention } from '@/lib/storage/retention-config';
import { appendAudit } from '../../audit/store/append';
import { verifyAuditLog } from '../../audit/store/verify';
import { ingestPoll } from '../../ingest/store/poll';
import { listPeerGrid } from '../../peers/store/list-peer-grid';
import { loadDiagnoses } from '../../diagnosis/store/load-diagnoses';
import { loadNodeStateAt } from '../../node/store/load-node-state-at';
import { pruneExpired } from './retention-prune';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Retention (issue 17) prunes exactly what is past each window and nothing else: every moment still kept
// rebuilds as before (state history and verdicts), the audit chain is untouched and still verifies.
// Real-capture fixtures (fixtures/bundles) ingested as polls spread over 40 days.

const DAY = 24 * 3600_000;
const now = new Date('2026-11-26T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const retention: Retention = retentionFromEnv({ FNH_RETENTION: 'events=3d,raw=3d,history=30d,alerts=180d,remediation=180d' });

let db: Db;
const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));

function poll(bundle: Bundle, node: string, at: Date) {
  const b: Bundle = { meta: { node, collectedAt: at.toISOString() }, sections: bundle.sections };
  const text = b.sections.journal?.stdout ?? '';
  const referenceYear = journalReferenceYear(b.meta.collectedAt);
  const result = parseJournalDetailed(text, referenceYear);
  return ingestPoll(db, { ok: true, node, at, pollMs: 5, bundle: b, events: result.events, journal: { text, referenceYear, result } });
}

/** A liveness event line as doublezerod writes it (journalctl -o cat), at `at`. */
const warningLine = (at: Date) =>
  JSON.stringify({
    time: at.toISOString(),
    level: 'WARN',
    msg: 'liveness.scheduler: error writing UDP packet',
    error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
    peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55',
  });

// The timeline of node `n1`: healthy 40 days ago, the seed's stale session 35 days ago, a firewall rule 20
// days ago, healthy again 2 days ago, plus log lines of every age.
const timeline: Array<[string, number]> = [
  ['healthy', 40 * DAY],
  ['stale-session', 35 * DAY],
  ['firewall-blocked', 20 * DAY],
  ['healthy', 2 * DAY],
];
const eventAges = [10 * DAY, 5 * DAY, 3 * DAY + 60_000, 3 * DAY - 60_000, 2 * DAY, 3600_000];
/** moments still kept (history: 30 days), from the cutoff on */
const keptMoments = [30 * DAY - 60_000, 25 * DAY, 19 * DAY, 10 * DAY, 2 * DAY - 60_000, 3600_000].map(ago);

async function snapshotViews() {
  const out: unknown[] = [];
  for (const at of keptMoments) {
    const state = await loadNodeStateAt(db, 'n1', at);
    const view = (await loadDiagnoses({ now, at, only: 'n1', db, retention })).get('n1');
    const grid = await listPeerGrid({ now, at, db });
    out.push({
      at: at.toISOString(),
      stateHash: state?.hash,
      since: state?.since,
      verdicts: view?.diagnosis?.peers.map((p) => [p.peer, p.verdict, p.warnings, p.evidence]),
      worst: view?.diagnosis?.worst,
      grid: grid.cells,
    });
  }
  return out;
}

const countOf = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;

beforeAll(async () => {
  db = await openMemoryDb();
  for (const name of ['n1', 'log-node', 'stopped-node', 'live-node'])
    await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
  for (const [name, age] of timeline) await poll(await fixture(name), 'n1', ago(age));
  const stale = await fixture('stale-session');
  for (const age of eventAges)
    await poll(
      { ...stale, sections: { ...stale.sections, journal: { stdout: `${warningLine(ago(age))}\n`, stderr: '', exitCode: 0, truncated: false } } },
      'log-node',
      ago(age),
    );
  // raw output: one node last polled 5 days ago, one just now
  await poll(await fixture('healthy'), 'stopped-node', ago(5 * DAY));
  await poll(await fixture('healthy'), 'live-node', ago(60_000));
  // alerts: resolved long ago, resolved recently, firing long ago
  for (const [fp, status, age] of [
    ['old-resolved', 'resolved', 200 * DAY],
    ['new-resolved', 'resolved', 10 * DAY],
    ['old-firing', 'firing', 200 * DAY],
  ] as const) {
    await db.query(
      `insert into alerts (fingerprint, starts_at, status, labels, annotations, first_received_at, last_received_at) values ($1, $2, $3, '{}', '{}', $2, $2)`,
      [fp, ago(age), status],
    );
  }
  // remediation: a finished run 200 days ago, a running one as old, a finished one last week
  for (const [id, state, age] of [
    ['old-done', 'verified', 200 * DAY],
    ['old-running', 'running', 200 * DAY],
    ['new-done', 'failed', 7 * DAY],
  ] as const) {
    await db.query(
      `insert into remediation_batches (id, idempotency_key, requested_by, requested_role, action, params, reason, needs_approval, state, created_at)
       values ($1, $1, 'alice', 'operator', 'restart-daemon', '{}', 'r', false, $2, $3)`,
      [`b-${id}`, state === 'running' ? 'running' : 'done', ago(age)],
    );
    await db.query(
      `insert into remediation_runs (id, batch_id, position, node, commands, state, started_at, finished_at) values ($1, $2, 0, 'n1', '[]', $3, $4, $5)`,
      [id, `b-${id}`, state, ago(age), state === 'running' ? null : ago(age - 60_000)],
    );
  }
  for (let i = 0; i < 5; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        at: ago((50 - i) * DAY),
        actor: { username: 'alice', role: 'operator' },
        node: null,
        entry: { type: 'user.signed-in', username: 'alice', method: 'password' },
      }),
    );
  }
});
afterAll(async () => {
  await db?.close();
});

describe('retention', () => {
  it('prunes exactly what is past each window and nothing else; every kept moment rebuilds as before', async () => {
    const before = await snapshotViews();
    const audit = await countOf('select count(*)::int as n from audit_log');
    const historyBefore = (await db.query<{ at: Date }>(`select at from node_state_history where node = 'n1' order by at`)).rows.map((r) => r.at.getTime());
    const eventsBefore = (await db.query<{ at: Date }>(`select at from liveness_events order by at`)).rows.map((r) => r.at.getTime());

    const report = await pruneExpired(db, retention, { now, batchSize: 2 });
    expect(report.batches).toBeGreaterThan(5);

    // log events: exactly those older than 3 days
    const eventsAfter = (await db.query<{ at: Date }>(`select at from liveness_events order by at`)).rows.map((r) => r.at.getTime());
    expect(eventsAfter).toEqual(eventsBefore.filter((t) => t >= now.getTime() - 3 * DAY));
    expect(eventsAfter.length).toBeLessThan(eventsBefore.length);
    // history: the 40-day row is gone, the 35-day row stays (it is the state in effect 30 days ago)
    const historyAfter = (await db.query<{ at: Date }>(`select at from node_state_history where node = 'n1' order by at`)).rows.map((r) => r.at.getTime());
    expect(historyAfter).toEqual(historyBefore.filter((t) => t !== ago(40 * DAY).getTime()));
    // every kept moment rebuilds exactly as before
    expect(await snapshotViews()).toEqual(before);
    // raw output of a node not polled for 3 days is gone, the polled node keeps its own
    expect(await countOf(`select count(*)::int as n from node_raw_sections where node = 'stopped-node'`)).toBe(0);
    expect(await countOf(`select count(*)::int as n from node_raw_sections where node = 'live-node'`)).toBeGreaterThan(0);
    // alerts: only the resolved one past 180 days
    expect((await db.query<{ fingerprint: string }>('select fingerprint from alerts order by fingerprint')).rows.map((r) => r.fingerprint)).toEqual([
      'new-resolved',
      'old-firing',
    ]);
    // remediation: only the finished run past 180 days, with its request
    expect((await db.query<{ id: string }>('select id from remediation_runs order by id')).rows.map((r) => r.id)).toEqual(['new-done', 'old-running']);
    expect((await db.query<{ id: string }>('select id from remediation_batches order by id')).rows.map((r) => r.id)).toEqual(['b-new-done', 'b-old-running']);
    // the audit log is never pruned: every record, chain intact
    expect(await countOf('select count(*)::int as n from audit_log')).toBe(audit);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, count: audit });

    // a second sweep finds nothing more
    const again = await pruneExpired(db, retention, { now, batchSize: 2 });
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);
  });

  it('a moment older than the kept history is refused with how far back the store keeps', async () => {
    const at = ago(31 * DAY);
    const err = await loadDiagnoses({ now, at, db, retention }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('gone');
    expect((err as AppError).message).toContain('older than what this store keeps');
    expect((err as AppError).message).toContain(ago(30 * DAY).toISOString());
    await expect(listPeerGrid({ now, at, db })).rejects.toThrow(/older than what this store keeps/);
  });

  it('a moment whose log is past its window shows the verdicts recorded when they changed', async () => {
    // 25 days ago the firewall rule was not there yet: the seed's stale session, as recorded 35 days ago
    const view = (await loadDiagnoses({ now, at: ago(25 * DAY), only: 'n1', db, retention })).get('n1');
    expect(view?.diagnosis?.peers.map((p) => p.verdict)).toEqual(['stale-session', 'stale-session']);
    expect(view?.diagnosis?.worst).toBe('stale-session');
    // an hour ago (log kept): diagnosed from the history and the log, as every pinned view was before
    const recent = (await loadDiagnoses({ now, at: ago(3600_000), only: 'n1', db, retention })).get('n1');
    expect(recent?.diagnosis?.peers.every((p) => p.verdict === 'healthy' || p.verdict === 'recovering')).toBe(true);
  });
});
