// Which part of the journal a poll reads: from the last successful poll minus an overlap (clock
// skew between agent and node, records written while the previous poll ran), or the last 15
// minutes on the first poll. Repeats inside the overlap are removed by their dedupe key.
export interface JournalWindowPolicy {
  overlapSec: number;
  firstWindowSec: number;
}

export const defaultJournalWindow: JournalWindowPolicy = { overlapSec: 30, firstWindowSec: 15 * 60 };

/** Epoch seconds for `journalctl --since @N`. */
export function journalSince(nowMs: number, lastSuccessMs: number | undefined, policy: JournalWindowPolicy = defaultJournalWindow): number {
  const nowSec = Math.floor(nowMs / 1000);
  const first = nowSec - policy.firstWindowSec;
  if (lastSuccessMs === undefined) return first;
  // Never read further back than a first poll would (a node down for a day does not dump a day).
  return Math.max(first, Math.floor(lastSuccessMs / 1000) - policy.overlapSec);
}
