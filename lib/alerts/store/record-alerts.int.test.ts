import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { alertmanagerPayloadSchema } from '@/lib/alerts/alertmanager';
import { AppError } from '@/lib/errors';
import { fingerprintOf, notification, type TestAlert } from '../../../tests/alerting/testing/alertmanager-payload';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { recordAlerts, alertStoreLimits } from './record-alerts';
import { listAlerts } from './list-alerts';
import { getAlertTriage } from './get-alert-triage';

// What the webhook stores (issue 14 finding 5): an episode's triage link keeps opening that episode whatever
// is sent later, the store stays bounded, and future-dated alerts cannot take the top of /alerts.

let db: Db;
const now = new Date('2026-11-30T12:00:00Z');
const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
const record = (alerts: TestAlert[], at = now, limits?: Partial<typeof alertStoreLimits>) =>
  recordAlerts({ payload: alertmanagerPayloadSchema.parse(notification(alerts)), now: at, publicOrigin: null, db, limits });

beforeAll(async () => {
  db = await openMemoryDb();
  await db.query(`insert into nodes (name, host, port, ssh_user) values ('dfw-mn-bm1', '10.0.0.1', 22, 'fnh'), ('ams-1', '10.0.0.2', 22, 'fnh')`);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.query('delete from alerts');
});

describe('an episode link is pinned to its episode', () => {
  const fp = fingerprintOf(0xa1);
  const first = minutes(-30).toISOString();
  const later = minutes(-5).toISOString();

  it('answers with a link naming fingerprint and start; a later episode does not change what it opens', async () => {
    const a = await record([{ fingerprint: fp, startsAt: first, labels: { node: 'dfw-mn-bm1', peer: '216.238.110.55' } }], minutes(-29));
    expect(a.alerts[0]?.triagePath).toBe(`/triage/${fp}/${Date.parse(first)}`);
    await record([{ fingerprint: fp, startsAt: later, labels: { node: 'dfw-mn-bm1', peer: '216.238.110.55' } }], minutes(-4));
    const pinned = await getAlertTriage({ fingerprint: fp, startsAt: new Date(first), db });
    expect(pinned.alert.startsAt).toBe(new Date(first).toISOString());
    expect(pinned.linkNamesEpisode).toBe(true);
    expect(pinned.episodes.map((e) => e.startsAt)).toEqual([new Date(later).toISOString(), new Date(first).toISOString()]);
    // The fingerprint alone still opens the latest episode (links sent before episode links existed).
    expect((await getAlertTriage({ fingerprint: fp, db })).alert.startsAt).toBe(new Date(later).toISOString());
    await expect(getAlertTriage({ fingerprint: fp, startsAt: minutes(-20), db })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found');
  });

  it('a re-sent episode updates its status but cannot change the labels, node or peer its link opens', async () => {
    await record([{ fingerprint: fp, startsAt: first, labels: { node: 'dfw-mn-bm1', peer: '216.238.110.55' } }], minutes(-29));
    await record([{ fingerprint: fp, startsAt: first, status: 'resolved', endsAt: minutes(-1).toISOString(), labels: { node: 'ams-1', peer: '203.0.113.9' } }]);
    const { alert } = await getAlertTriage({ fingerprint: fp, startsAt: new Date(first), db });
    expect(alert).toMatchObject({ status: 'resolved', node: 'dfw-mn-bm1', peer: '216.238.110.55', endsAt: minutes(-1).toISOString() });
    expect(alert.labels.node).toBe('dfw-mn-bm1');
  });

  it('lists every episode on /alerts with its own link', async () => {
    await record([{ fingerprint: fp, startsAt: first, status: 'resolved', endsAt: minutes(-20).toISOString() }], minutes(-29));
    await record([{ fingerprint: fp, startsAt: later }], minutes(-4));
    const rows = await listAlerts({ db });
    expect(rows.map((r) => r.triagePath)).toEqual([`/triage/${fp}/${Date.parse(later)}`, `/triage/${fp}/${Date.parse(first)}`]);
  });
});

describe('future-dated alerts', () => {
  it('are listed and pinned at the time they were received, with a note, so they cannot sit above later real alerts', async () => {
    const flood = Array.from({ length: 50 }, (_, i) => ({ fingerprint: fingerprintOf(0x1000 + i), startsAt: '2099-01-01T00:00:00Z' }));
    const answer = await record(flood, minutes(-10));
    expect(answer.alerts[0]?.notes.join('\n')).toMatch(/startsAt 2099-01-01T00:00:00.000Z is after this notification was received/);
    const real = { fingerprint: fingerprintOf(0xbeef), startsAt: minutes(-2).toISOString(), labels: { node: 'dfw-mn-bm1' } };
    await record([real], minutes(-1));
    const top = await listAlerts({ db, limit: 10 });
    expect(top[0]?.fingerprint).toBe(real.fingerprint);
    const future = top.find((r) => r.fingerprint === flood[0]!.fingerprint)!;
    expect(future.startsAt).toBe('2099-01-01T00:00:00.000Z');
    expect(future.pinnedAt).toBe(minutes(-10).toISOString());
    expect(future.notes.join('\n')).toContain('after this notification was received');
  });

  it('within a small clock skew are taken as they are, without a note', async () => {
    const answer = await record([{ fingerprint: fingerprintOf(0xc0), startsAt: minutes(1).toISOString() }]);
    expect(answer.alerts[0]?.notes).toEqual([]);
  });
});

describe('the store is bounded', () => {
  it('keeps at most the configured episodes per fingerprint, removing the oldest resolved ones first', async () => {
    const fp = fingerprintOf(0xf1);
    const firingOld = { fingerprint: fp, startsAt: minutes(-60).toISOString() };
    await record([firingOld], minutes(-59));
    for (let i = 0; i < 5; i++) {
      await record(
        [{ fingerprint: fp, startsAt: minutes(-50 + i * 5).toISOString(), status: 'resolved', endsAt: minutes(-48 + i * 5).toISOString() }],
        minutes(-48 + i * 5),
        {
          episodesPerFingerprint: 3,
        },
      );
    }
    const { episodes } = await getAlertTriage({ fingerprint: fp, db });
    expect(episodes.map((e) => [e.startsAt, e.status])).toEqual([
      [minutes(-30).toISOString(), 'resolved'],
      [minutes(-35).toISOString(), 'resolved'],
      [minutes(-60).toISOString(), 'firing'],
    ]);
  });

  it('keeps at most the configured total, removing the oldest resolved alerts first, then firing ones not re-sent for longest', async () => {
    const limits = { total: 10 };
    const firing = Array.from({ length: 4 }, (_, i) => ({ fingerprint: fingerprintOf(0x200 + i), startsAt: minutes(-100).toISOString() }));
    await record(firing, minutes(-99), limits);
    for (let i = 0; i < 8; i++) {
      await record(
        [{ fingerprint: fingerprintOf(0x300 + i), startsAt: minutes(-90 + i).toISOString(), status: 'resolved', endsAt: minutes(-80 + i).toISOString() }],
        minutes(-80 + i),
        limits,
      );
    }
    const fps = async () => new Set((await listAlerts({ db })).map((r) => r.fingerprint));
    let kept = await fps();
    expect(kept.size).toBe(10);
    for (const f of firing) expect(kept.has(f.fingerprint)).toBe(true);
    expect(kept.has(fingerprintOf(0x300))).toBe(false);
    expect(kept.has(fingerprintOf(0x301))).toBe(false);
    // Only firing alerts left beyond the bound: the one Alertmanager has not re-sent for longest goes.
    await record(firing.slice(1), minutes(-20), limits);
    await record(
      Array.from({ length: 7 }, (_, i) => ({ fingerprint: fingerprintOf(0x400 + i), startsAt: minutes(-10).toISOString() })),
      minutes(-9),
      limits,
    );
    kept = await fps();
    expect(kept.size).toBe(10);
    expect(kept.has(firing[0]!.fingerprint)).toBe(false);
    for (const f of firing.slice(1)) expect(kept.has(f.fingerprint)).toBe(true);
  });

  it('a notification over the per-notification bound still applies every update to episodes it already stored', async () => {
    const limits = { newEpisodesPerNotification: 3 };
    const known = Array.from({ length: 3 }, (_, i) => ({ fingerprint: fingerprintOf(0x500 + i), startsAt: minutes(-30).toISOString() }));
    await record(known, minutes(-29), limits);
    const fresh = Array.from({ length: 5 }, (_, i) => ({ fingerprint: fingerprintOf(0x600 + i), startsAt: minutes(-3).toISOString() }));
    const answer = await record([...fresh, ...known.map((k) => ({ ...k, status: 'resolved' as const, endsAt: minutes(-1).toISOString() }))], now, limits);
    expect(answer).toMatchObject({ stored: 6, notStored: 2 });
    const rows = await listAlerts({ db });
    expect(
      rows
        .filter((r) => r.status === 'resolved')
        .map((r) => r.fingerprint)
        .sort(),
    ).toEqual(known.map((k) => k.fingerprint));
    expect(rows).toHaveLength(6);
  });

  it('defaults: 1,000 new episodes per notification, 50 per fingerprint, 10,000 in all', () => {
    expect(alertStoreLimits).toEqual({ newEpisodesPerNotification: 1_000, episodesPerFingerprint: 50, total: 10_000 });
  });
});
