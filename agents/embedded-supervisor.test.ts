import { describe, expect, it } from 'vitest';
import { defaultRestartPolicy, restartDecision } from './embedded-supervisor';

describe('restart decision of the embedded agent worker', () => {
  const policy = defaultRestartPolicy;

  it('restarts with a growing backoff while fewer than five exits fall within the minute', () => {
    expect(restartDecision([], 1_000, policy)).toEqual({ giveUp: false, recent: 1, delayMs: 250 });
    expect(restartDecision([0, 500], 1_000, policy)).toEqual({ giveUp: false, recent: 3, delayMs: 1_000 });
    expect(restartDecision([0, 100, 200], 1_000, policy)).toEqual({ giveUp: false, recent: 4, delayMs: 2_000 });
  });

  it('gives up at the fifth exit within 60 s', () => {
    expect(restartDecision([0, 100, 200, 300], 59_999, policy)).toEqual({ giveUp: true, recent: 5 });
  });

  it('forgets exits older than the window', () => {
    expect(restartDecision([0, 100, 200, 300], 60_300, policy)).toEqual({ giveUp: false, recent: 1, delayMs: 250 });
    expect(restartDecision([0, 100, 200, 60_000], 60_150, policy)).toEqual({ giveUp: false, recent: 3, delayMs: 1_000 });
  });

  it('caps the backoff', () => {
    expect(defaultRestartPolicy.backoffMs(20)).toBe(10_000);
  });
});
