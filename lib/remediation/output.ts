import type { RemoteRunResult } from './ports';

// Node output is untrusted: it is capped before it is stored or shown, and NUL characters (which
// PostgreSQL text and jsonb cannot hold) are replaced so a hostile node cannot make the audit write fail.
export const auditOutputCapBytes = 32 * 1024;

export function capText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const clean = text.replace(/\u0000/g, '\uFFFD');
  const bytes = Buffer.byteLength(clean, 'utf8');
  if (bytes <= maxBytes) return { text: clean, truncated: false };
  // cut on a character boundary: back off over the continuation bytes (10xxxxxx) of a character the cap
  // would split, so a whole U+FFFD at the end (a replaced NUL) is kept
  const bytesOf = Buffer.from(clean, 'utf8');
  let end = maxBytes;
  while (end > 0 && (bytesOf[end]! & 0xc0) === 0x80) end--;
  return { text: bytesOf.subarray(0, end).toString('utf8'), truncated: true };
}

export interface CappedResult {
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  error?: string;
}

export function capResult(command: string, r: RemoteRunResult | { error: string }, maxBytes = auditOutputCapBytes): CappedResult {
  if ('error' in r) return { command, exitCode: null, stdout: '', stderr: '', truncated: false, timedOut: false, error: capText(r.error, 2048).text };
  const out = capText(r.stdout, maxBytes);
  const err = capText(r.stderr, maxBytes);
  return { command, exitCode: r.exitCode, stdout: out.text, stderr: err.text, truncated: r.truncated || out.truncated || err.truncated, timedOut: r.timedOut };
}
