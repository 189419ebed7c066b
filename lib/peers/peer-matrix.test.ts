import { describe, expect, it } from 'vitest';
import { buildPeerMatrix, cellVerdict, isAsymmetric, noSession, reverseCell, syntheticParamSchema, syntheticPeerMatrix } from './peer-matrix';
import { verdicts } from '../diagnosis/verdict-schema';

const v = (name: (typeof verdicts)[number]) => verdicts.indexOf(name);

describe('buildPeerMatrix', () => {
  // A and B are fleet nodes that are each other's peers; 8.8.8.8 is an outside peer.
  const m = buildPeerMatrix({
    asOf: '2025-11-30T19:40:00Z',
    pinned: false,
    rows: [
      { name: 'A', ip: '10.0.0.1', fresh: true },
      { name: 'B', ip: '10.0.0.2', fresh: true },
    ],
    cols: [
      { ip: '10.0.0.2', node: 'B' },
      { ip: '10.0.0.1', node: 'A' },
      { ip: '8.8.8.8', node: null },
    ],
    cells: [
      [0, 0, v('stale-session'), 40],
      [1, 1, v('healthy'), 0],
      [0, 2, v('healthy'), 0],
      [9, 9, v('healthy'), 0], // out of range: ignored
    ],
  });
  it('places sparse cells and marks the rest as no session', () => {
    expect(cellVerdict(m, 0, 0)).toBe('stale-session');
    expect(m.warnings[0]).toBe(40);
    expect(cellVerdict(m, 1, 0)).toBeNull();
    expect(m.verdict[1 * 3 + 2]).toBe(noSession);
  });
  it('finds the reverse direction of a peer that is a fleet node', () => {
    expect(reverseCell(m, 0, 0)).toEqual({ row: 1, col: 1 });
    expect(reverseCell(m, 0, 2)).toBeNull();
  });
  it('flags A→B failing while B→A works, from both sides', () => {
    expect(isAsymmetric(m, 0, 0)).toBe(true);
    expect(isAsymmetric(m, 1, 1)).toBe(true);
    expect(isAsymmetric(m, 0, 2)).toBe(false);
  });
});

describe('syntheticPeerMatrix', () => {
  it('is deterministic and sized as asked', () => {
    const a = syntheticPeerMatrix(50, 80, 7);
    const b = syntheticPeerMatrix(50, 80, 7);
    expect(a.verdict).toEqual(b.verdict);
    expect(a.verdict.length).toBe(4_000);
    expect(a.rows[3]?.name).toBe('sim-0003');
    expect(reverseCell(a, 3, 10)).toEqual({ row: 10, col: 3 });
  });
  it('builds 1,000 × 1,000 cells as flat typed arrays', () => {
    const m = syntheticPeerMatrix(1_000, 1_000);
    expect(m.verdict).toBeInstanceOf(Uint8Array);
    expect(m.verdict.length).toBe(1_000_000);
    const faults = m.verdict.filter((x) => x !== noSession && x !== v('healthy')).length;
    expect(faults).toBeGreaterThan(0);
  });
  it('parses and caps the ?synthetic= size', () => {
    expect(syntheticParamSchema.parse('1000x1000')).toEqual({ rows: 1000, cols: 1000 });
    expect(syntheticParamSchema.parse('9999x10')).toEqual({ rows: 2000, cols: 10 });
    expect(syntheticParamSchema.safeParse('1e9x1').success).toBe(false);
  });
});

describe('peerRowOrder', () => {
  it('filters rows by name and by verdict present, and sorts worst first', async () => {
    const { peerRowOrder } = await import('./peer-view');
    const m = buildPeerMatrix({
      asOf: '2025-11-30T19:40:00Z',
      pinned: false,
      rows: [
        { name: 'ams', ip: null, fresh: true },
        { name: 'dfw', ip: null, fresh: true },
        { name: 'fra', ip: null, fresh: true },
      ],
      cols: [{ ip: '8.8.8.8', node: null }],
      cells: [
        [0, 0, v('healthy'), 0],
        [1, 0, v('stale-session'), 9],
        [2, 0, v('unknown'), 0],
      ],
    });
    expect([...peerRowOrder(m, { q: '', verdict: '', sort: 'name' })]).toEqual([0, 1, 2]);
    expect([...peerRowOrder(m, { q: 'DF', verdict: '', sort: 'name' })]).toEqual([1]);
    expect([...peerRowOrder(m, { q: '', verdict: 'stale-session', sort: 'name' })]).toEqual([1]);
    expect([...peerRowOrder(m, { q: '', verdict: '', sort: 'worst' })]).toEqual([1, 2, 0]);
  });
});
