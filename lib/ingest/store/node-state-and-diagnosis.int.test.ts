import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Db } from '@/lib/db';
import { diagnose } from '@/lib/diagnosis/diagnose';
import { diffStates } from '@/lib/model/diff';
import { normalizeBundle } from '@/lib/model/normalize';
import { stateHash } from '@/lib/model/state-hash';
import { loadNodeStateAt } from '../../node/store/load-node-state-at';
import { parseJournal } from '@/lib/parse/journal';
import { diagnoseAndRecordPoll, recordDiagnosis } from './record-diagnosis';
import { recordNodeState } from './record-node-state';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Change-only history and current verdicts on PGlite with the real migrations, fed with the
// real-capture fixtures (fixtures/bundles).
const fixture = async (name: string) => normalizeBundle(await loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name)));
const NODE = 'dfw-mn-bm1';
const t = (minute: number) => new Date(Date.UTC(2026, 10, 26, 5, minute));

let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [NODE]);
});
afterAll(async () => {
  await db?.close();
});

describe('node state history', () => {
  it('stores a row only when the state changes and rebuilds any past moment', async () => {
    const healthy = await fixture('healthy');
    const stale = await fixture('stale-session');
    const results = await db.transaction(async (tx) => [
      await recordNodeState(tx, NODE, t(0), healthy),
      await recordNodeState(tx, NODE, t(1), healthy),
      await recordNodeState(tx, NODE, t(2), stale),
      await recordNodeState(tx, NODE, t(3), stale),
    ]);
    expect(results.map((r) => r.changed)).toEqual([true, false, true, false]);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from node_state_history where node = $1', [NODE]);
    expect(rows[0]?.n).toBe(2);

    expect(await loadNodeStateAt(db, NODE, new Date(t(0).getTime() - 1))).toBeNull();
    const atOne = await loadNodeStateAt(db, NODE, t(1));
    expect(atOne?.since).toEqual(t(0));
    expect(atOne?.hash).toBe(stateHash(healthy));
    expect(stateHash(atOne!.state)).toBe(stateHash(healthy));
    const atThree = await loadNodeStateAt(db, NODE, t(3));
    expect(atThree?.since).toEqual(t(2));

    // "what changed" between the two moments: the allocated /32 is gone
    const changes = diffStates(atOne!.state, atThree!.state);
    expect(changes).toContainEqual({ kind: 'address-removed', subject: '209.245.225.161/32 on doublezero0' });
  });
});

describe('recordDiagnosis', () => {
  it('replaces the node verdicts and summary, and ignores a late older diagnosis', async () => {
    const stale = diagnose(await fixture('stale-session'));
    const blocked = diagnose(await fixture('firewall-blocked'));
    const at = (d: typeof stale, iso: string) => ({ ...d, collectedAt: iso });

    expect(await db.transaction((tx) => recordDiagnosis(tx, NODE, at(stale, '2026-11-26T05:00:00Z')))).toBe(true);
    let rows = (
      await db.query<{
        peer: string;
        verdict: string;
        warnings: number;
        local_ip: string;
        evidence: string[];
        details: { missingAddress?: string };
        last_warning_at: Date | null;
      }>('select peer, verdict, warnings, local_ip, evidence, details, last_warning_at from peer_verdicts where node = $1 order by peer', [NODE])
    ).rows;
    expect(rows.map((r) => [r.peer, r.verdict, r.local_ip])).toEqual([
      ['198.18.7.55', 'stale-session', '209.245.225.161'],
      ['216.238.110.55', 'stale-session', '209.245.225.161'],
    ]);
    expect(rows[1]?.details.missingAddress).toBe('209.245.225.161');
    expect(rows[1]?.evidence[0]).toContain('not assigned');
    expect(rows[1]?.last_warning_at).toBeInstanceOf(Date);

    expect(await db.transaction((tx) => recordDiagnosis(tx, NODE, at(blocked, '2026-11-26T05:01:00Z')))).toBe(true);
    rows = (
      await db.query<(typeof rows)[number]>(
        'select peer, verdict, warnings, local_ip, evidence, details, last_warning_at from peer_verdicts where node = $1 order by peer',
        [NODE],
      )
    ).rows;
    expect(rows.map((r) => [r.peer, r.verdict])).toEqual([
      ['198.18.7.55', 'healthy'],
      ['216.238.110.55', 'firewall-blocked'],
    ]);
    expect(rows[0]?.last_warning_at).toBeNull();

    expect(await db.transaction((tx) => recordDiagnosis(tx, NODE, at(stale, '2026-11-26T04:59:00Z')))).toBe(false);
    const summary = await db.query<{
      worst_verdict: string;
      doublezero0: string;
      peer_count: number;
      verdict_counts: Record<string, number>;
      warnings_in_window: number;
    }>('select worst_verdict, doublezero0, peer_count, verdict_counts, warnings_in_window from node_summary where node = $1', [NODE]);
    expect(summary.rows[0]).toMatchObject({
      worst_verdict: 'firewall-blocked',
      doublezero0: 'up',
      peer_count: 2,
      verdict_counts: { healthy: 1, 'firewall-blocked': 1 },
    });
    expect(summary.rows[0]?.warnings_in_window).toBeGreaterThan(0);
  });
});

describe('diagnoseAndRecordPoll', () => {
  it('counts warnings stored by earlier polls and remembers quiet sessions from the stored log', async () => {
    const node = 'lab-node-2';
    await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [node]);
    const bundle = await loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', 'seed-line'));
    const line = (time: string, peer: string, msg = 'liveness.scheduler: error writing UDP packet', level = 'WARN') =>
      JSON.stringify({
        time,
        level,
        msg,
        error: 'write udp: sendmsg: network is unreachable',
        peer: `interface: doublezero0, localIP: 209.245.225.161, peerIP: ${peer}`,
      });
    // what earlier polls stored: the daemon's throttled warnings naming one stale peer every 5 s up to the
    // collection, a session up of another peer hours ago, and a third peer named long ago and quiet since:
    // with no daemon restart in between, all three are sessions of the unassigned IP, failing now
    const throttled: string[] = [];
    for (let t = Date.parse('2025-11-30T19:36:12.000Z'); t <= Date.parse('2025-11-30T19:39:57.000Z'); t += 5000)
      throttled.push(line(new Date(t).toISOString(), '216.238.110.55'));
    const earlier = parseJournal(
      [...throttled, line('2025-11-30T15:00:00.000Z', '198.18.7.55', 'liveness: session up', 'INFO'), line('2025-11-30T12:00:00.000Z', '198.18.9.9')].join(
        '\n',
      ),
    );
    for (const e of earlier) {
      await db.query(
        `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [node, e.at, e.level, e.msg, e.interface, e.localIP, e.peerIP, e.error, e.dedupeKey],
      );
    }
    const result = await db.transaction((tx) => diagnoseAndRecordPoll(tx, node, bundle));
    expect(result.stateChanged).toBe(true);
    expect(result.diagnosis.peers.map((p) => [p.peer, p.verdict, p.warnings])).toEqual([
      ['198.18.7.55', 'stale-session', 0],
      ['198.18.9.9', 'stale-session', 0],
      ['216.238.110.55', 'stale-session', throttled.length + 1],
    ]);
    expect(result.diagnosis.findings).toEqual([
      expect.objectContaining({ kind: 'stale-local-ip', localIP: '209.245.225.161', sessionsFailing: 3, exact: false }),
    ]);
    const again = await db.transaction((tx) => diagnoseAndRecordPoll(tx, node, bundle));
    expect(again.stateChanged).toBe(false);
    const { rows } = await db.query<{ peer: string }>('select peer from peer_verdicts where node = $1 order by peer', [node]);
    expect(rows.map((r) => r.peer)).toEqual(['198.18.7.55', '198.18.9.9', '216.238.110.55']);
  });
});
