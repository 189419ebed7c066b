import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import type { Db } from '@/lib/db';
import { diagnose } from '@/lib/diagnosis/diagnose';
import { journalReferenceYear, normalizeBundle } from '@/lib/model/normalize';
import { NormalizeCache } from '@/lib/model/normalize-cache';
import { parseJournalDetailed } from '@/lib/parse/journal';
import { IngestCache, ingestPoll, ingestPolls } from './poll';
import { loadDiagnoses } from '../../diagnosis/store/load-diagnoses';
import { loadSessionEvents } from './session-events';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Issue 17: a poll writes only what changed. Real-capture fixtures (fixtures/bundles) polled twice; the row
// versions (xmin, ctid) of every table a poll may write are compared before and after.

let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  await db?.close();
});

const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));

function outcome(bundle: Bundle, node: string, at: Date, journal?: string) {
  const sections = journal === undefined ? bundle.sections : { ...bundle.sections, journal: { stdout: journal, stderr: '', exitCode: 0, truncated: false } };
  const b: Bundle = { meta: { node, collectedAt: at.toISOString() }, sections };
  const text = b.sections.journal?.stdout ?? '';
  const referenceYear = journalReferenceYear(b.meta.collectedAt);
  const result = parseJournalDetailed(text, referenceYear);
  return { ok: true as const, node, at, pollMs: 5, bundle: b, events: result.events, journal: { text, referenceYear, result } };
}

const writableTables = [
  'node_status',
  'node_raw_sections',
  'peer_verdicts',
  'node_summary',
  'node_state_history',
  'liveness_events',
  'peer_verdict_changes',
  'node_verdict_changes',
] as const;

/** Every row version of the node in every table a poll may write: a rewritten row gets a new xmin/ctid. */
async function rowVersions(node: string): Promise<Record<(typeof writableTables)[number], string[]>> {
  const out = {} as Record<(typeof writableTables)[number], string[]>;
  for (const table of writableTables) {
    const { rows } = await db.query<{ v: string }>(`select xmin::text || '@' || ctid::text as v from ${table} where node = $1 order by 1`, [node]);
    out[table] = rows.map((r) => r.v);
  }
  return out;
}

// the seed's stale session, as captured: a journal with send warnings of two peers of the unassigned local IP
const t0 = new Date('2026-11-26T04:51:08.446Z');
const t1 = new Date(t0.getTime() + 5_000);

async function addNode(name: string) {
  await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
}

describe('a poll that changes nothing writes nothing but its status', () => {
  for (const withCache of [false, true]) {
    it(`the same outputs polled again: no row but node_status is rewritten (${withCache ? 'agent caches' : 'no cache'})`, async () => {
      const node = withCache ? 'same-cached' : 'same-plain';
      await addNode(node);
      const bundle = await fixture('stale-session');
      const caches = withCache ? { ingestCache: new IngestCache(), normalizeCache: new NormalizeCache() } : {};
      const first = await ingestPoll(db, outcome(bundle, node, t0), caches);
      expect(first.rowsWritten).toBeGreaterThan(0);
      const before = await rowVersions(node);
      expect(before.peer_verdicts).toHaveLength(2);

      const second = await ingestPoll(db, outcome(bundle, node, t1), caches);
      expect(second).toEqual({ newEvents: 0, rowsWritten: 0 });
      const after = await rowVersions(node);
      for (const table of writableTables) {
        if (table === 'node_status') expect(after[table], table).not.toEqual(before[table]);
        else expect(after[table], table).toEqual(before[table]);
      }
      const status = await db.query<{ last_success_at: Date; diagnosed_at: Date }>('select last_success_at, diagnosed_at from node_status where node = $1', [
        node,
      ]);
      expect(status.rows[0]).toEqual({ last_success_at: t1, diagnosed_at: t1 });
    });
  }

  it('views read the unchanged rows as the diagnosis of the latest poll: its window, its evidence', async () => {
    const node = 'same-plain';
    const views = await loadDiagnoses({ now: new Date(t1.getTime() + 1_000), only: node, db });
    const live = views.get(node)!.diagnosis!;
    // what diagnosing the latest bundle on read with the stored log gives
    const state = normalizeBundle(outcome(await fixture('stale-session'), node, t1).bundle);
    const fresh = diagnose(state, { earlierEvents: await loadSessionEvents(db, node, t1, 15 * 60_000) });
    expect(live.peers.map((p) => ({ ...p, since: null }))).toEqual(fresh.peers.map((p) => ({ ...p, since: null })));
    expect(live.peers[0]!.evidence.join('\n')).toContain(t1.toISOString());
    expect(live.peers[0]!.evidence.join('\n')).not.toContain(t0.toISOString());
    // "since" is the verdict's beginning, kept from the first poll
    const first = await db.query<{ since: Date }>('select since from peer_verdicts where node = $1 order by peer limit 1', [node]);
    expect(live.peers.find((p) => p.peer === '198.18.7.55')?.since).toBe(first.rows[0]!.since.toISOString());
  });
});

describe('a poll that changes one thing writes that thing', () => {
  it('one more warning for one peer: its verdict row, the summary, the journal section and the event; nothing else', async () => {
    const node = 'one-warning';
    await addNode(node);
    const bundle = await fixture('stale-session');
    const caches = { ingestCache: new IngestCache(), normalizeCache: new NormalizeCache() };
    await ingestPoll(db, outcome(bundle, node, t0), caches);
    const before = await rowVersions(node);
    const peers = await db.query<{ peer: string; v: string; warnings: number }>(
      `select peer, xmin::text || '@' || ctid::text as v, warnings from peer_verdicts where node = $1 order by peer`,
      [node],
    );

    const warning = JSON.stringify({
      time: new Date(t0.getTime() + 2_000).toISOString(),
      level: 'WARN',
      msg: 'liveness.scheduler: error writing UDP packet',
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
      peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55',
    });
    const second = await ingestPoll(db, outcome(bundle, node, t1, `${bundle.sections.journal!.stdout}\n${warning}\n`), caches);
    expect(second.newEvents).toBe(1);
    const after = await rowVersions(node);
    const peersAfter = await db.query<{ peer: string; v: string; warnings: number }>(
      `select peer, xmin::text || '@' || ctid::text as v, warnings from peer_verdicts where node = $1 order by peer`,
      [node],
    );
    expect(peersAfter.rows.map((r) => r.peer)).toEqual(peers.rows.map((r) => r.peer));
    const changed = peersAfter.rows.filter((r, i) => r.v !== peers.rows[i]!.v);
    expect(changed.map((r) => r.peer)).toEqual(['216.238.110.55']);
    expect(changed[0]!.warnings).toBe(peers.rows.find((r) => r.peer === '216.238.110.55')!.warnings + 1);
    expect(after.node_summary).not.toEqual(before.node_summary);
    expect(after.liveness_events.length).toBe(before.liveness_events.length + 1);
    // only the journal section changed among the raw sections; the state (history) did not change
    const raw = await db.query<{ section: string; collected_at: Date }>(
      `select section, collected_at from node_raw_sections where node = $1 and collected_at = $2`,
      [node, t1],
    );
    expect(raw.rows.map((r) => r.section)).toEqual(['journal']);
    expect(after.node_state_history).toEqual(before.node_state_history);
    // a warning count is not a verdict change: nothing appended to the verdict history
    expect(after.peer_verdict_changes).toEqual(before.peer_verdict_changes);
    expect(after.node_verdict_changes).toEqual(before.node_verdict_changes);
  });

  it('a verdict change appends to the verdict history; a peer gone is recorded as gone', async () => {
    const node = 'verdict-change';
    await addNode(node);
    // a day later: the old sessions' log lines are past the remembered day
    const t2 = new Date(t1.getTime() + 25 * 3600_000);
    await ingestPoll(db, outcome(await fixture('stale-session'), node, t0));
    await ingestPoll(db, outcome(await fixture('firewall-blocked'), node, t1));
    await ingestPoll(db, outcome(await fixture('upstream-restarted'), node, t2));
    const changes = await db.query<{ peer: string; at: Date; verdict: string | null }>(
      'select peer, at, verdict from peer_verdict_changes where node = $1 order by id',
      [node],
    );
    const at = (t: Date) => changes.rows.filter((c) => c.at.getTime() === t.getTime()).map((c) => [c.peer, c.verdict]);
    expect(at(t0)).toEqual([
      ['198.18.7.55', 'stale-session'],
      ['216.238.110.55', 'stale-session'],
    ]);
    // both verdicts changed (the other peer's warnings of the stale poll are still in the window)
    expect(
      at(t1)
        .map(([p]) => p)
        .sort(),
    ).toEqual(['198.18.7.55', '216.238.110.55']);
    expect(at(t1)).toContainEqual(['216.238.110.55', 'firewall-blocked']);
    expect(at(t1).every(([, v]) => v !== 'stale-session')).toBe(true);
    // the restarted daemon's peers appear; the two old peers are gone
    expect(
      at(t2)
        .filter(([, v]) => v === null)
        .map(([p]) => p)
        .sort(),
    ).toEqual(['198.18.7.55', '216.238.110.55']);
    const current = await db.query<{ peer: string; verdict: string }>('select peer, verdict from peer_verdicts where node = $1', [node]);
    expect(at(t2).filter(([, v]) => v !== null).length).toBe(current.rows.length);
    const nodeChanges = await db.query<{ worst_verdict: string }>('select worst_verdict from node_verdict_changes where node = $1 order by id', [node]);
    expect(nodeChanges.rows.map((r) => r.worst_verdict)).toEqual([
      'stale-session',
      'firewall-blocked',
      (await db.query<{ worst_verdict: string }>('select worst_verdict from node_summary where node = $1', [node])).rows[0]!.worst_verdict,
    ]);
  });

  it('a section the poll no longer has is deleted, in a batch beside a node that keeps it', async () => {
    const [gone, kept] = ['section-gone', 'section-kept'];
    await addNode(gone);
    await addNode(kept);
    const bundle = await fixture('stale-session');
    const caches = { ingestCache: new IngestCache(), normalizeCache: new NormalizeCache() };
    await ingestPolls(db, [outcome(bundle, gone, t0), outcome(bundle, kept, t0)], caches);
    const sections = async (node: string) =>
      (await db.query<{ section: string }>('select section from node_raw_sections where node = $1 order by section', [node])).rows.map((r) => r.section);
    expect(await sections(gone)).toContain('ip-rule');
    const { 'ip-rule': _dropped, ...withoutRule } = bundle.sections;
    const settled = await ingestPolls(db, [outcome({ ...bundle, sections: withoutRule }, gone, t1), outcome(bundle, kept, t1)], caches);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await sections(gone)).toEqual((await sections(kept)).filter((s) => s !== 'ip-rule'));
    expect(await sections(kept)).toContain('ip-rule');
  });
});
