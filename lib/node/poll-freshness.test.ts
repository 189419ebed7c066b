import { describe, expect, it } from 'vitest';
import { derivePollFreshness, formatAge } from './poll-freshness';

const now = new Date('2025-11-30T19:40:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('derivePollFreshness', () => {
  it('is ok only when the last success is recent', () => {
    expect(derivePollFreshness({ storedState: 'ok', lastPollAt: ago(2_000), lastSuccessAt: ago(2_000) }, now).state).toBe('ok');
  });
  it('turns stale when the agent stopped writing, even if the stored state says ok', () => {
    const f = derivePollFreshness({ storedState: 'ok', lastPollAt: ago(120_000), lastSuccessAt: ago(120_000) }, now, 30_000);
    expect(f.state).toBe('stale');
    expect(f.dataAgeMs).toBe(120_000);
  });
  it('is pending when the node never answered', () => {
    expect(derivePollFreshness({ storedState: null, lastPollAt: null, lastSuccessAt: null }, now).state).toBe('pending');
    expect(derivePollFreshness({ storedState: 'pending', lastPollAt: null, lastSuccessAt: null }, now).dataAgeMs).toBeNull();
  });
  it('reports a failing poll and a changed host key as such, whatever the data age', () => {
    expect(derivePollFreshness({ storedState: 'error', lastPollAt: ago(1_000), lastSuccessAt: ago(1_000) }, now).state).toBe('error');
    expect(derivePollFreshness({ storedState: 'host-key-changed', lastPollAt: ago(1_000), lastSuccessAt: null }, now).state).toBe('host-key-changed');
  });
});

describe('formatAge', () => {
  it('prints compact ages', () => {
    expect(formatAge(null)).toBe('never');
    expect(formatAge(4_200)).toBe('4s');
    expect(formatAge(200_000)).toBe('3m 20s');
    expect(formatAge(7_500_000)).toBe('2h 5m');
    expect(formatAge(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
});
