import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelay', () => {
  it('doubles per failure between half and the full step', () => {
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((f) => backoffDelay(f, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('is capped, however many failures', () => {
    expect(backoffDelay(7, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(10_000, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(10_000, policy, () => 0)).toBe(30_000);
  });

  it('spreads agents that failed at the same moment', () => {
    const delays = [0.1, 0.5, 0.9].map((r) => backoffDelay(5, policy, () => r));
    expect(new Set(delays).size).toBe(3);
  });

  it('does not wait before the first attempt', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(0);
  });
});
