import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { alertmanagerPayloadSchema } from '@/lib/alerts/alertmanager';
import { AppError } from '@/lib/errors';
import { openMemoryDb } from '../../../tests/support/memory-db';
import { recordAlerts } from './record-alerts';
import { listAlerts } from './list-alerts';
import { getAlertTriage } from './get-alert-triage';
import { listFleet } from '../../fleet/store/list-fleet';
import { getNode } from '../../node/store/get-node';

const now = new Date('2025-11-30T19:40:00Z');
let db: Db;

beforeAll(async () => {
  db = await openMemoryDb();
  await db.query(
    `insert into nodes (name, host, port, ssh_user, site, tags) values ('dfw-mn-bm1', '10.0.0.1', 22, 'fnh', 'dfw', '["mainnet"]'), ('ams-1', '10.0.0.2', 22, 'fnh', 'ams', '[]')`,
  );
  await db.query(`insert into node_status (node, state, last_poll_at, last_success_at, poll_ms) values ('dfw-mn-bm1', 'ok', $1, $1, 80)`, [
    new Date(now.getTime() - 3_000),
  ]);
  const warn = (at: Date, key: string) =>
    db.query(
      `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key)
       values ('dfw-mn-bm1', $1, 'WARN', 'liveness.scheduler: error writing UDP packet', 'doublezero0', '209.245.225.161', '216.238.110.55',
               'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable', $2)`,
      [at, key],
    );
  await warn(new Date(now.getTime() - 60_000), 'a');
  await warn(new Date(now.getTime() - 120_000), 'b');
  await warn(new Date(now.getTime() - 20 * 60_000), 'old'); // outside the 15-minute window
});
afterAll(async () => {
  await db.close();
});

describe('listFleet / getNode', () => {
  it('lists every inventory node, counting warnings of the last 15 minutes only', async () => {
    const fleet = await listFleet({ now, db });
    expect(fleet.nodes.map((n) => n.name)).toEqual(['ams-1', 'dfw-mn-bm1']);
    const seed = fleet.nodes.find((n) => n.name === 'dfw-mn-bm1')!;
    expect(seed.warnings15m).toBe(2);
    expect(seed.poll.state).toBe('ok');
    // A node without any status is pending, shown as unknown, never healthy.
    const ams = fleet.nodes.find((n) => n.name === 'ams-1')!;
    expect(ams.poll.state).toBe('pending');
    expect(ams.checks.poll.status).toBe('unknown');
  });
  it('counts the window before a pinned moment', async () => {
    const fleet = await listFleet({ now, at: new Date(now.getTime() - 10 * 60_000), db });
    expect(fleet.pinned).toBe(true);
    expect(fleet.nodes.find((n) => n.name === 'dfw-mn-bm1')!.warnings15m).toBe(1);
  });
  it('gives one node with its events, and not_found for an unknown node', async () => {
    const node = await getNode({ name: 'dfw-mn-bm1', now, db });
    expect(node.summary.warnings15m).toBe(2);
    expect(node.events).toHaveLength(3);
    expect(node.events[0]?.peerIp).toBe('216.238.110.55');
    await expect(getNode({ name: 'nope', now, db })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found');
  });
});

describe('Alertmanager alerts', () => {
  const payload = (status: 'firing' | 'resolved', endsAt: string) =>
    alertmanagerPayloadSchema.parse({
      version: '4',
      groupKey: 'g',
      status,
      receiver: 'fnh',
      commonLabels: { alertname: 'DoublezeroLivenessWarnings' },
      alerts: [
        {
          status,
          labels: { instance: 'dfw-mn-bm1:9100', peer_ip: '216.238.110.55' },
          startsAt: '2025-11-30T19:36:22.662807168Z',
          endsAt,
          fingerprint: 'a1b2c3d4e5f60718',
        },
      ],
    });

  it('stores a firing alert mapped to node and peer, and answers with its triage link', async () => {
    const answer = await recordAlerts({ payload: payload('firing', '0001-01-01T00:00:00Z'), now, publicOrigin: 'http://dash.example:3000', db });
    const episode = `/triage/a1b2c3d4e5f60718/${Date.parse('2025-11-30T19:36:22.662Z')}`;
    expect(answer).toEqual({
      stored: 1,
      notStored: 0,
      notes: [],
      alerts: [
        {
          fingerprint: 'a1b2c3d4e5f60718',
          startsAt: '2025-11-30T19:36:22.662Z',
          status: 'firing',
          node: 'dfw-mn-bm1',
          peer: '216.238.110.55',
          triagePath: episode,
          triageUrl: `http://dash.example:3000${episode}`,
          notes: [],
        },
      ],
    });
    const [stored] = await listAlerts({ db });
    expect(stored).toMatchObject({ status: 'firing', alertname: 'DoublezeroLivenessWarnings', endsAt: null, startsAt: '2025-11-30T19:36:22.662Z' });
  });
  it('keeps the triage link working after the alert resolves (same episode updated, not duplicated)', async () => {
    await recordAlerts({ payload: payload('resolved', '2025-11-30T19:50:00Z'), now, publicOrigin: null, db });
    const triage = await getAlertTriage({ fingerprint: 'a1b2c3d4e5f60718', startsAt: new Date('2025-11-30T19:36:22.662Z'), db });
    expect(triage.episodes).toHaveLength(1);
    expect(triage.alert).toMatchObject({
      status: 'resolved',
      endsAt: '2025-11-30T19:50:00.000Z',
      node: 'dfw-mn-bm1',
      pinnedAt: '2025-11-30T19:36:22.662Z',
      triagePath: `/triage/a1b2c3d4e5f60718/${Date.parse('2025-11-30T19:36:22.662Z')}`,
    });
    await expect(getAlertTriage({ fingerprint: 'ffff', db })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found');
  });
});
