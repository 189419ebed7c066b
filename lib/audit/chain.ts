import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import { auditRecordSchema, type AuditRecord } from './entry';

// Each record's hash covers its own canonical body and the previous record's hash, so editing,
// deleting, reordering or inserting any record breaks every hash after it.
export const genesisHash = '0'.repeat(64);

export function recordBody(record: AuditRecord): string {
  return canonicalJson(record);
}

export function chainHash(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update('\n', 'utf8').update(body, 'utf8').digest('hex');
}

/** One row as stored: the canonical body text plus the chain links and the columns used for filtering. */
export interface StoredAuditRow {
  seq: number;
  prevHash: string;
  hash: string;
  body: string;
  /** copies of body fields kept in columns for filters; verification checks they agree with the body */
  columns: { at: string; type: string; actor: string; node: string | null };
}

export function sealRecord(record: AuditRecord, prevHash: string): StoredAuditRow {
  const body = recordBody(record);
  return {
    seq: record.seq,
    prevHash,
    hash: chainHash(prevHash, body),
    body,
    columns: { at: record.at, type: record.entry.type, actor: record.actor.username, node: record.node },
  };
}

export type ChainVerdict = { ok: true; count: number; headHash: string } | { ok: false; count: number; firstBadSeq: number; problem: string };

/**
 * Checks rows in the order the store returns them (by seq) and names the first bad record.
 * Incremental, so the store can feed it page by page. A cut-off tail cannot be seen from the chain
 * alone: pass the head hash recorded earlier (audit:verify prints it) to detect one.
 */
export class ChainVerifier {
  private prevHash: string;
  private expectedSeq: number;
  private count = 0;
  private sawExpectedHead: boolean;
  private failed: ChainVerdict | undefined;

  /**
   * `start`: where the chain begins when its prefix was archived (an audit anchor): the first record
   * expected and the hash it must link to (the last archived record's). Default: seq 1, the genesis link.
   */
  constructor(private readonly opts: { expectedHeadHash?: string; start?: { seq: number; prevHash: string } } = {}) {
    this.sawExpectedHead = opts.expectedHeadHash === undefined;
    this.prevHash = opts.start?.prevHash ?? genesisHash;
    this.expectedSeq = opts.start?.seq ?? 1;
  }

  /** Returns the failure at the first bad row, undefined while the chain holds. */
  push(row: StoredAuditRow): ChainVerdict | undefined {
    if (this.failed) return this.failed;
    const problem = this.problemWith(row);
    if (problem !== undefined) {
      this.failed = { ok: false, count: this.count, firstBadSeq: row.seq, problem };
      return this.failed;
    }
    if (row.hash === this.opts.expectedHeadHash) this.sawExpectedHead = true;
    this.prevHash = row.hash;
    this.expectedSeq++;
    this.count++;
    return undefined;
  }

  finish(): ChainVerdict {
    if (this.failed) return this.failed;
    if (!this.sawExpectedHead) {
      return { ok: false, count: this.count, firstBadSeq: this.expectedSeq, problem: 'the expected head hash was not found: records at the end are missing' };
    }
    return { ok: true, count: this.count, headHash: this.prevHash };
  }

  private problemWith(row: StoredAuditRow): string | undefined {
    if (row.seq !== this.expectedSeq) return `sequence ${row.seq} where ${this.expectedSeq} was expected (record missing, inserted or reordered)`;
    if (row.prevHash !== this.prevHash) return 'previous-hash link does not match the record before it';
    if (chainHash(row.prevHash, row.body) !== row.hash) return 'hash does not match the record body (record edited)';
    const parsed = parseBody(row.body);
    if (!parsed.ok) return `record body is not a valid audit record: ${parsed.problem}`;
    if (recordBody(parsed.record) !== row.body) return 'record body is not in canonical form';
    if (parsed.record.seq !== row.seq) return 'sequence in the body differs from the row';
    const c = row.columns;
    if (c.at !== parsed.record.at || c.type !== parsed.record.entry.type || c.actor !== parsed.record.actor.username || c.node !== parsed.record.node) {
      return 'filter columns differ from the hashed body (columns edited)';
    }
    return undefined;
  }
}

export function verifyChain(rows: Iterable<StoredAuditRow>, opts: { expectedHeadHash?: string; start?: { seq: number; prevHash: string } } = {}): ChainVerdict {
  const verifier = new ChainVerifier(opts);
  for (const row of rows) if (verifier.push(row)) break;
  return verifier.finish();
}

function parseBody(body: string): { ok: true; record: AuditRecord } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = auditRecordSchema.safeParse(json);
  return parsed.success ? { ok: true, record: parsed.data } : { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid' };
}
