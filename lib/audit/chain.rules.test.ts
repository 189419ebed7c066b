import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json';
import { ChainVerifier, chainHash, genesisHash, recordBody, sealRecord, verifyChain, type StoredAuditRow } from './chain';
import type { AuditRecord } from './entry';
import { auditRowsToCsv } from './export';

// Every way a stored audit row can lie, and the verifier naming the first row that does.

const record = (seq: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
  seq,
  at: `2026-11-26T05:00:${String(seq % 60).padStart(2, '0')}.000Z`,
  actor: { username: 'alice', role: 'operator' },
  node: 'dfw-mn-bm1',
  entry: { type: 'remediation.skipped', runId: `r${seq}`, batchId: 'b1', action: 'restart-doublezerod', params: {}, why: 'lease lost' },
  ...over,
});

function chain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  for (let seq = 1; seq <= n; seq++) rows.push(sealRecord(record(seq), rows.at(-1)?.hash ?? genesisHash));
  return rows;
}

/** Re-seals a row whose body was rewritten, so its own hash is right and only the named check can fail. */
const resealed = (row: StoredAuditRow, body: string): StoredAuditRow => ({ ...row, body, hash: chainHash(row.prevHash, body) });

describe('sealRecord and chainHash', () => {
  it('hashes the previous hash, a newline and the canonical body', () => {
    const row = sealRecord(record(1), genesisHash);
    expect(genesisHash).toBe('0'.repeat(64));
    expect(row.body).toBe(canonicalJson(record(1)));
    expect(row.body).toBe(recordBody(record(1)));
    expect(row.hash).toBe(createHash('sha256').update(`${genesisHash}\n${row.body}`).digest('hex'));
    expect(row).toMatchObject({
      seq: 1,
      prevHash: genesisHash,
      columns: { at: record(1).at, type: 'remediation.skipped', actor: 'alice', node: 'dfw-mn-bm1' },
    });
  });
});

describe('verifyChain', () => {
  const rows = chain(4);

  it('accepts an intact chain and gives its head', () => {
    expect(verifyChain(rows)).toEqual({ ok: true, count: 4, headHash: rows[3]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headHash: genesisHash });
  });

  it.each<[string, (rows: StoredAuditRow[]) => StoredAuditRow[], number, string, number?]>([
    ['a deleted record', (r) => [r[0]!, r[2]!, r[3]!], 3, 'sequence 3 where 2 was expected (record missing, inserted or reordered)', 1],
    ['a chain that does not start at 1', (r) => r.slice(1), 2, 'sequence 2 where 1 was expected (record missing, inserted or reordered)', 0],
    ['a broken link', (r) => [r[0]!, { ...r[1]!, prevHash: r[0]!.prevHash }, r[2]!], 2, 'previous-hash link does not match the record before it'],
    [
      'an edited body',
      (r) => [r[0]!, { ...r[1]!, body: r[1]!.body.replace('lease lost', 'all fine') }],
      2,
      'hash does not match the record body (record edited)',
    ],
    ['a rehashed body that is not JSON', (r) => [resealed(r[0]!, '{')], 1, 'record body is not a valid audit record: not JSON'],
    [
      'a rehashed body that is not an audit record',
      (r) => [resealed(r[0]!, '{"seq":1}')],
      1,
      expect.stringMatching(/^record body is not a valid audit record: ./) as unknown as string,
    ],
    ['a rehashed body out of canonical form', (r) => [resealed(r[0]!, JSON.stringify(record(1)))], 1, 'record body is not in canonical form'],
    ['a rehashed body with another seq', (r) => [resealed(r[0]!, canonicalJson(record(2)))], 1, 'sequence in the body differs from the row'],
    ['an edited time column', (r) => [{ ...r[0]!, columns: { ...r[0]!.columns, at: 'x' } }], 1, 'filter columns differ from the hashed body (columns edited)'],
    [
      'an edited type column',
      (r) => [{ ...r[0]!, columns: { ...r[0]!.columns, type: 'user.enabled' } }],
      1,
      'filter columns differ from the hashed body (columns edited)',
    ],
    [
      'an edited actor column',
      (r) => [{ ...r[0]!, columns: { ...r[0]!.columns, actor: 'mallory' } }],
      1,
      'filter columns differ from the hashed body (columns edited)',
    ],
    [
      'an edited node column',
      (r) => [{ ...r[0]!, columns: { ...r[0]!.columns, node: null } }],
      1,
      'filter columns differ from the hashed body (columns edited)',
    ],
  ])('names %s', (_name, tamper, firstBadSeq, problem, count = firstBadSeq - 1) => {
    const verdict = verifyChain(tamper(rows));
    expect(verdict).toEqual({ ok: false, count, firstBadSeq, problem });
  });

  it('finds a cut-off tail only with the head hash recorded earlier', () => {
    expect(verifyChain(rows.slice(0, 3), { expectedHeadHash: rows[3]!.hash })).toEqual({
      ok: false,
      count: 3,
      firstBadSeq: 4,
      problem: 'the expected head hash was not found: records at the end are missing',
    });
    expect(verifyChain(rows.slice(0, 3))).toMatchObject({ ok: true, count: 3 });
    // the recorded head may be any row: records appended since are fine
    expect(verifyChain(rows, { expectedHeadHash: rows[1]!.hash })).toMatchObject({ ok: true, count: 4 });
    expect(verifyChain([], { expectedHeadHash: rows[0]!.hash })).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('keeps the first failure however many rows follow, fed page by page', () => {
    const v = new ChainVerifier();
    expect(v.push(rows[0]!)).toBeUndefined();
    const bad = v.push(rows[2]!);
    expect(bad).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect(v.push(rows[1]!)).toBe(bad);
    expect(v.finish()).toBe(bad);
  });

  it('fails at the first tampered row of any chain, whichever row it is (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), (n, pick) => {
        const all = chain(n);
        const at = pick % n;
        const tampered = all.map((r, i) => (i === at ? { ...r, body: r.body.replace('lease lost', 'edited!!') } : r));
        expect(verifyChain(tampered)).toMatchObject({ ok: false, firstBadSeq: at + 1, count: at });
        expect(verifyChain(all)).toMatchObject({ ok: true, count: n, headHash: all[n - 1]!.hash });
      }),
      { numRuns: 50 },
    );
  });
});

describe('auditRowsToCsv', () => {
  it('quotes every cell, defuses formulas, doubles quotes and ends lines with CRLF', () => {
    const [row] = chain(1);
    const evil: StoredAuditRow = { ...row!, columns: { at: '=1+1', type: '+x', actor: '-y', node: '@z' } };
    const csv = auditRowsToCsv([evil, { ...row!, columns: { ...row!.columns, actor: 'a"b', node: null } }]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,at,type,actor,node,hash,prev_hash,body');
    expect(lines[1]!.startsWith(`"1","'=1+1","'+x","'-y","'@z","${row!.hash}","${genesisHash}","`)).toBe(true);
    expect(lines[1]!.endsWith(`${row!.body.replace(/"/g, '""')}"`)).toBe(true);
    expect(lines[2]).toContain('"a""b",""');
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });

  it.each([
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
    ['plain', '"plain"'],
    ['a=b', '"a=b"'],
  ])('writes the actor %j as %s', (actor, cell) => {
    const [row] = chain(1);
    expect(
      auditRowsToCsv([{ ...row!, columns: { ...row!.columns, actor } }])
        .split('\r\n')[1]!
        .split(',')[3],
    ).toBe(cell);
  });

  it('writes only the header for no rows', () => {
    expect(auditRowsToCsv([])).toBe('seq,at,type,actor,node,hash,prev_hash,body\r\n');
  });
});
