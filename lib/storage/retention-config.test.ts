import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, pinnedSource, retentionDefaults, retentionFromEnv, RetentionConfigError } from './retention-config';

const DAY = 24 * 3600_000;

describe('retention settings', () => {
  it('has the documented defaults', () => {
    expect(retentionFromEnv({})).toEqual({ events: 3 * DAY, raw: 3 * DAY, history: 30 * DAY, alerts: 180 * DAY, remediation: 180 * DAY });
    expect(Object.keys(retentionDefaults)).toEqual(['events', 'raw', 'history', 'alerts', 'remediation']);
  });
  it('takes FNH_RETENTION and lets FNH_RETAIN_<KIND> win over it', () => {
    expect(retentionFromEnv({ FNH_RETENTION: 'events=2d, history=6w,alerts=forever', FNH_RETAIN_HISTORY: '90d' })).toMatchObject({
      events: 2 * DAY,
      history: 90 * DAY,
      alerts: null,
    });
  });
  it('refuses what it cannot read, and an events window shorter than the diagnosis reads', () => {
    expect(() => retentionFromEnv({ FNH_RETENTION: 'logs=3d' })).toThrow(RetentionConfigError);
    expect(() => retentionFromEnv({ FNH_RETAIN_EVENTS: '3 days' })).toThrow(/FNH_RETAIN_EVENTS: "3 days" is not a duration/);
    expect(() => retentionFromEnv({ FNH_RETAIN_EVENTS: '12h' })).toThrow(/at least 1d 15m/);
    expect(() => retentionFromEnv({ FNH_RETAIN_HISTORY: '10m' })).toThrow(/at least 1h/);
  });
  it('reads and prints durations', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('1.5h')).toBe(90 * 60_000);
    expect(formatDuration(30 * DAY)).toBe('30d');
    expect(formatDuration(14 * DAY)).toBe('2w');
    expect(formatDuration(null)).toBe('forever');
  });
  it('tells how a past moment can be shown', () => {
    const r = retentionFromEnv({});
    const now = new Date('2026-11-26T12:00:00Z');
    const reach = DAY + 15 * 60_000;
    const at = (ms: number) => new Date(now.getTime() - ms);
    expect(pinnedSource(r, at(3600_000), now, reach)).toEqual({ kind: 'rediagnose' });
    expect(pinnedSource(r, at(2 * DAY), now, reach)).toEqual({ kind: 'recorded' });
    expect(pinnedSource(r, at(31 * DAY), now, reach)).toEqual({ kind: 'gone', keptFrom: at(30 * DAY) });
    expect(pinnedSource(retentionFromEnv({ FNH_RETENTION: 'events=forever,history=forever' }), at(400 * DAY), now, reach)).toEqual({ kind: 'rediagnose' });
  });
});
