import type { PeerVerdict, StructuredEvidence } from '../diagnosis/types';

// A peer verdict as the store keeps it between polls. The diagnosis names the end of its warning window
// (the poll's collection time) in the evidence text and in details.warnings, so every poll would differ
// from the one before. The store compares verdicts without that moment (stableVerdictText) and rewrites a
// row only when something else changed; readers restate the stored text at the latest poll's moment
// (restateAt), which gives exactly what the diagnosis of that poll said.

/** What decides whether a stored verdict row must be rewritten: everything but the window's position. */
export function stableVerdictText(p: PeerVerdict, since: string | null): string {
  const end = p.details.warnings.windowEnd;
  const { windowStart, windowEnd, ...warnings } = p.details.warnings;
  const spanMs = Date.parse(windowEnd) - Date.parse(windowStart);
  // JSON.stringify, not canonical JSON: the diagnosis builds its objects in a fixed order, and a different
  // order could only cause a needless rewrite, never a missed one.
  return JSON.stringify([
    p.peer,
    p.interface,
    p.localIP,
    p.verdict,
    p.warnings,
    p.lastWarningAt,
    since,
    p.evidence.map((line) => line.split(end)),
    { ...p.details, warnings: { ...warnings, spanMs } },
  ]);
}

/**
 * The stored evidence and details as the diagnosis at `windowEnd` states them: the window end the row was
 * written with (`storedWindowEnd`, ISO) becomes `windowEnd`, and the window start moves with it.
 * An ISO time ends in its only "Z", so two occurrences never overlap and the replacement is exact.
 */
export function restateAt<T extends { evidence: string[]; details: StructuredEvidence }>(row: T, storedWindowEnd: string, windowEnd: string): T {
  if (storedWindowEnd === windowEnd) return row;
  const w = row.details.warnings as StructuredEvidence['warnings'] | undefined;
  const details: StructuredEvidence =
    w && typeof w.windowEnd === 'string' && typeof w.windowStart === 'string'
      ? {
          ...row.details,
          warnings: { ...w, windowEnd, windowStart: new Date(Date.parse(windowEnd) - (Date.parse(w.windowEnd) - Date.parse(w.windowStart))).toISOString() },
        }
      : row.details;
  return { ...row, evidence: row.evidence.map((line) => line.split(storedWindowEnd).join(windowEnd)), details };
}
