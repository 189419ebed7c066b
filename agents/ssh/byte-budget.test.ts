import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget';

describe('ByteBudget', () => {
  it('charges replies up to the limit, fails the one that would go over, and gets every byte back on release', () => {
    const budget = new ByteBudget(100);
    const a = budget.open('a:22', 'probe');
    const b = budget.open('b:22', 'probe');
    expect(a.add(60)).toBeUndefined();
    expect(b.add(30)).toBeUndefined();
    const err = b.add(20);
    expect(err?.kind).toBe('output-too-large');
    expect(err?.host).toBe('b:22');
    expect(err?.message).toContain('budget of 100 bytes');
    expect(err?.message).toContain('60 bytes held by other replies');
    // The refused chunk was not charged.
    expect(budget.inFlight).toBe(90);
    a.release();
    a.release();
    expect(budget.inFlight).toBe(30);
    expect(b.add(20)).toBeUndefined();
    b.release();
    expect(budget.inFlight).toBe(0);
    expect(budget.peak).toBe(90);
  });

  it('ignores bytes added after release (a late chunk of a reply that already failed)', () => {
    const budget = new ByteBudget(10);
    const r = budget.open('a:22', 'probe');
    r.release();
    expect(r.add(50)).toBeUndefined();
    expect(budget.inFlight).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ByteBudget(0)).toThrow(/positive integer/);
    expect(() => new ByteBudget(1.5)).toThrow(/positive integer/);
  });
});
