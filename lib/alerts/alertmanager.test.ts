import { describe, expect, it } from 'vitest';
import { alertEndsAt, alertmanagerPayloadSchema } from './alertmanager';
import { mapAlertTarget } from './alert-target';

// A notification as Alertmanager 0.27 sends it (webhook_config, version 4).
const payload = {
  version: '4',
  groupKey: '{}:{alertname="DoublezeroLivenessWarnings"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'fnh',
  groupLabels: { alertname: 'DoublezeroLivenessWarnings' },
  commonLabels: { alertname: 'DoublezeroLivenessWarnings', severity: 'page' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'DoublezeroLivenessWarnings', instance: 'dfw-mn-bm1:9100', peer_ip: '216.238.110.55' },
      annotations: { summary: 'liveness send failures' },
      startsAt: '2025-11-30T19:36:22.662807168Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
      fingerprint: 'a1b2c3d4e5f60718',
    },
  ],
};

describe('alertmanagerPayloadSchema', () => {
  it('accepts a real v4 notification with nanosecond times', () => {
    const parsed = alertmanagerPayloadSchema.parse(payload);
    expect(parsed.alerts[0]?.fingerprint).toBe('a1b2c3d4e5f60718');
    expect(alertEndsAt(parsed.alerts[0]!)).toBeNull();
  });
  it('rejects other versions, missing fingerprints and odd fingerprints', () => {
    expect(alertmanagerPayloadSchema.safeParse({ ...payload, version: '3' }).success).toBe(false);
    const { fingerprint: _drop, ...noFp } = payload.alerts[0]!;
    expect(alertmanagerPayloadSchema.safeParse({ ...payload, alerts: [noFp] }).success).toBe(false);
    expect(alertmanagerPayloadSchema.safeParse({ ...payload, alerts: [{ ...payload.alerts[0], fingerprint: '../../x' }] }).success).toBe(false);
  });
  it('reads the end of a resolved alert', () => {
    const resolved = alertmanagerPayloadSchema.parse({ ...payload, alerts: [{ ...payload.alerts[0], status: 'resolved', endsAt: '2025-11-30T20:00:00Z' }] });
    expect(alertEndsAt(resolved.alerts[0]!)?.toISOString()).toBe('2025-11-30T20:00:00.000Z');
  });
});

describe('mapAlertTarget', () => {
  const inventory = [
    { name: 'dfw-mn-bm1', host: '10.0.0.1' },
    { name: 'ams-1', host: '10.0.0.2' },
    { name: 'sim-a', host: '127.0.0.1' },
    { name: 'sim-b', host: '127.0.0.1' },
  ];
  it('maps instance host:port to the node name and keeps the peer IP', () => {
    expect(mapAlertTarget({ instance: 'dfw-mn-bm1:9100', peer_ip: '216.238.110.55' }, inventory)).toEqual({ node: 'dfw-mn-bm1', peer: '216.238.110.55' });
  });
  it('maps by host address when it identifies one node only', () => {
    expect(mapAlertTarget({ instance: '10.0.0.2:9100' }, inventory).node).toBe('ams-1');
    expect(mapAlertTarget({ instance: '[10.0.0.2]:9100' }, inventory).node).toBe('ams-1');
    expect(mapAlertTarget({ instance: '127.0.0.1:9100' }, inventory).node).toBeNull();
  });
  it('prefers the node label and leaves unknown targets unmapped', () => {
    expect(mapAlertTarget({ node: 'ams-1', instance: 'dfw-mn-bm1:9100' }, inventory).node).toBe('ams-1');
    expect(mapAlertTarget({ instance: 'elsewhere:9100' }, inventory)).toEqual({ node: null, peer: null });
  });
});
