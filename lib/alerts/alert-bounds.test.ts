import { describe, expect, it } from 'vitest';
import { alertmanagerPayloadSchema } from './alertmanager';
import { alertSizeBounds, boundNotification, cutText, futureStartSkewMs } from './alert-bounds';

const receivedAt = new Date('2026-11-30T12:00:00Z');
const alert = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  status: 'firing',
  labels,
  annotations: {},
  startsAt: '2026-11-30T11:58:00Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph',
  fingerprint: 'a1b2c3d4e5f60718',
  ...extra,
});
const payload = (alerts: unknown[], extra: Record<string, unknown> = {}) =>
  alertmanagerPayloadSchema.parse({
    version: '4',
    groupKey: 'g',
    status: 'firing',
    receiver: 'fnh',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts,
    ...extra,
  });

describe('the v4 schema takes every size Alertmanager can send', () => {
  it('accepts label values over 4,096 characters, long names and more than 1,000 alerts', () => {
    const many = Array.from({ length: 1_500 }, (_, i) => alert({ node: 'n' }, { fingerprint: i.toString(16).padStart(16, '0') }));
    expect(payload(many).alerts).toHaveLength(1_500);
    expect(payload([alert({ ['n'.repeat(400)]: 'v'.repeat(100_000) })]).alerts).toHaveLength(1);
  });
});

describe('boundNotification', () => {
  it('cuts label and annotation values to 4,096 characters and says so on the alert', () => {
    const out = boundNotification(
      payload([alert({ node: 'dfw-mn-bm1', runbook: 'r'.repeat(5_000) }, { annotations: { description: 'd'.repeat(4_097) } })]),
      receivedAt,
    );
    const a = out.alerts[0]!;
    expect(a.labels.runbook).toHaveLength(alertSizeBounds.valueChars);
    expect(a.labels.runbook?.endsWith('…')).toBe(true);
    expect(a.annotations.description).toHaveLength(alertSizeBounds.valueChars);
    expect(a.labels.node).toBe('dfw-mn-bm1');
    expect(a.notes).toEqual(['label runbook: value cut from 5,000 to 4,096 characters', 'annotation description: value cut from 4,097 to 4,096 characters']);
  });

  it('keeps the labels the dashboard reads when a label set is over the count bound', () => {
    const labels: Record<string, string> = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`a${String(i).padStart(3, '0')}`, 'x']));
    const out = boundNotification(payload([alert({ ...labels, node: 'dfw-mn-bm1', peer: '216.238.110.55', alertname: 'FnhPeerFailing' })]), receivedAt);
    const kept = out.alerts[0]!.labels;
    expect(Object.keys(kept)).toHaveLength(alertSizeBounds.labelsPerSet);
    expect(kept).toMatchObject({ node: 'dfw-mn-bm1', peer: '216.238.110.55', alertname: 'FnhPeerFailing' });
    expect(out.alerts[0]!.notes).toContain('175 labels beyond the first 128 not stored');
  });

  it('notes a start later than arrival plus the skew allowance, and not one within it', () => {
    const late = new Date(receivedAt.getTime() + futureStartSkewMs + 1_000).toISOString();
    const near = new Date(receivedAt.getTime() + futureStartSkewMs - 1_000).toISOString();
    const out = boundNotification(payload([alert({}, { startsAt: late }), alert({}, { startsAt: near, fingerprint: 'b'.repeat(16) })]), receivedAt);
    expect(out.alerts[0]!.notes[0]).toMatch(/^startsAt .* is after this notification was received/);
    expect(out.alerts[1]!.notes).toEqual([]);
  });

  it('keeps one alert per episode (the last sent), merges common labels, and notes what Alertmanager left out', () => {
    const out = boundNotification(
      payload([alert({ node: 'a' }), alert({ node: 'a' }, { status: 'resolved', endsAt: '2026-11-30T11:59:00Z' })], {
        truncatedAlerts: 12,
        commonLabels: { severity: 'warning' },
      }),
      receivedAt,
    );
    expect(out.alerts).toHaveLength(1);
    expect(out.alerts[0]).toMatchObject({ status: 'resolved', endsAt: new Date('2026-11-30T11:59:00Z'), labels: { node: 'a', severity: 'warning' } });
    expect(out.notes).toEqual([
      'Alertmanager left 12 alerts out of this notification (max_alerts of the receiver)',
      '1 alerts named an episode already in this notification; the last of each was kept',
    ]);
  });

  it('caps the notes of one alert', () => {
    const labels = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`l${i}`, 'x'.repeat(5_000)]));
    const notes = boundNotification(payload([alert(labels)]), receivedAt).alerts[0]!.notes;
    expect(notes).toHaveLength(alertSizeBounds.notesPerAlert);
    expect(notes.at(-1)).toBe('and 11 more');
  });
});

describe('cutText', () => {
  it('never splits a surrogate pair', () => {
    const s = `${'a'.repeat(8)}😀😀`;
    expect(cutText(s, 10)).toBe(`${'a'.repeat(8)}…`);
    expect(cutText('short', 10)).toBe('short');
  });
});
