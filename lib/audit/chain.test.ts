import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json';
import { chainHash, genesisHash, sealRecord, verifyChain, type StoredAuditRow } from './chain';
import type { AuditEntry, AuditRecord } from './entry';
import { auditRowsToCsv } from './export';

function entry(i: number): AuditEntry {
  return {
    type: 'remediation.requested',
    runId: `r${i}`,
    batchId: `b${i}`,
    action: 'restart-doublezerod',
    params: {},
    reason: `stale sessions ${i}`,
    alertUrl: null,
    commands: ['sudo -n systemctl restart doublezerod'],
    needsApproval: false,
    targetPeer: null,
  };
}

function buildChain(n: number): StoredAuditRow[] {
  const rows: StoredAuditRow[] = [];
  let prev = genesisHash;
  for (let i = 1; i <= n; i++) {
    const record: AuditRecord = {
      seq: i,
      at: `2026-11-26T05:00:0${i}.000Z`,
      actor: { username: 'alice', role: 'operator' },
      node: 'dfw-mn-bm1',
      entry: entry(i),
    };
    const row = sealRecord(record, prev);
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

describe('canonical JSON', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
  it('refuses values that are not JSON', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: new Date(0) })).toThrow();
  });
});

describe('audit hash chain', () => {
  it('an untouched chain verifies and reports its head', () => {
    const rows = buildChain(5);
    expect(verifyChain(rows)).toEqual({ ok: true, count: 5, headHash: rows[4]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headHash: genesisHash });
  });

  it('detects an edited record body and names it', () => {
    const rows = buildChain(5);
    rows[2] = { ...rows[2]!, body: rows[2]!.body.replace('stale sessions 3', 'routine restart') };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 3, problem: expect.stringMatching(/edited/) });
  });

  it('detects an edit that also recomputed the record own hash (the next link breaks)', () => {
    const rows = buildChain(5);
    const forged = sealRecord({ ...(JSON.parse(rows[1]!.body) as AuditRecord), actor: { username: 'mallory', role: 'admin' } }, rows[1]!.prevHash);
    rows[1] = forged;
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects an edited filter column', () => {
    const rows = buildChain(3);
    rows[0] = { ...rows[0]!, columns: { ...rows[0]!.columns, actor: 'someone-else' } };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 1, problem: expect.stringMatching(/columns/) });
  });

  it('detects a deleted record', () => {
    const rows = buildChain(5);
    rows.splice(2, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('detects reordered records', () => {
    const rows = buildChain(5);
    [rows[1], rows[2]] = [rows[2]!, rows[1]!];
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects reordering even when sequence numbers are rewritten to look contiguous', () => {
    const rows = buildChain(4);
    const swapped = [rows[0]!, { ...rows[2]!, seq: 2 }, { ...rows[1]!, seq: 3 }, rows[3]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('detects an inserted record', () => {
    const rows = buildChain(4);
    const intruder = sealRecord(
      { seq: 3, at: '2026-11-26T05:00:02.500Z', actor: { username: 'mallory', role: 'admin' }, node: null, entry: entry(99) },
      rows[1]!.hash,
    );
    rows.splice(2, 0, intruder);
    // the intruder itself links correctly, so the first broken record is the one after it
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects a cut-off tail when the recorded head is given', () => {
    const rows = buildChain(5);
    const head = rows[4]!.hash;
    expect(verifyChain(rows.slice(0, 4), { expectedHeadHash: head })).toMatchObject({ ok: false, firstBadSeq: 5 });
    expect(verifyChain(rows, { expectedHeadHash: head }).ok).toBe(true);
  });

  it('refuses a body whose type is unknown even with valid hashes', () => {
    const body = canonicalJson({ seq: 1, at: 'x', actor: { username: 'a', role: 'admin' }, node: null, entry: { type: 'user.deleted-everything' } });
    const row: StoredAuditRow = {
      seq: 1,
      prevHash: genesisHash,
      hash: chainHash(genesisHash, body),
      body,
      columns: { at: 'x', type: 'user.deleted-everything', actor: 'a', node: null },
    };
    expect(verifyChain([row])).toMatchObject({ ok: false, firstBadSeq: 1, problem: expect.stringMatching(/not a valid audit record/) });
  });
});

describe('CSV export', () => {
  it('quotes every cell and defuses spreadsheet formulas', () => {
    const rows = buildChain(1);
    rows[0] = { ...rows[0]!, columns: { ...rows[0]!.columns, actor: '=HYPERLINK("http://x")' } };
    const csv = auditRowsToCsv(rows);
    expect(csv.split('\r\n')[0]).toBe('seq,at,type,actor,node,hash,prev_hash,body');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  });
});
