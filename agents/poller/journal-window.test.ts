import { describe, expect, it } from 'vitest';
import { journalSince } from './journal-window';

const now = Date.UTC(2025, 10, 30, 19, 40, 0);
const nowSec = now / 1000;

describe('journalSince', () => {
  it('reads the last 15 minutes on the first poll', () => {
    expect(journalSince(now, undefined)).toBe(nowSec - 900);
  });

  it('reads from the last success minus the overlap afterwards', () => {
    expect(journalSince(now, now - 5_000)).toBe(nowSec - 5 - 30);
  });

  it('never reads further back than a first poll would', () => {
    expect(journalSince(now, now - 86_400_000)).toBe(nowSec - 900);
  });
});
