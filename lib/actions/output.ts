import type { RemoteRunResult } from './ports';

// Node output is untrusted: it is capped before it is stored or shown, and NUL characters (which
// PostgreSQL text and jsonb cannot hold) are replaced so a hostile node cannot make the audit write fail.
export const auditOutputCapBytes = 32 * 1024;

export function capText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const clean = text.replace(/\u0000/g, '\uFFFD');
  const bytes = Buffer.byteLength(clean, 'utf8');
  if (bytes <= maxBytes) return { text: clean, truncated: false };
  // cut on a character boundary: decode the prefix and drop a trailing partial character
  const cut = Buffer.from(clean, 'utf8').subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
  return { text: cut, truncated: true };
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
