import { z } from 'zod';

// The verdicts of DESIGN.md "Verdicts" and their ranking are the diagnosis module's (one list, one order):
// every view ranks with it, so no two views can call a different verdict the worst.
import { verdicts, verdictRank, worstVerdict } from '@/lib/diagnosis/types';

export { verdicts, worstVerdict };
export const verdictSchema = z.enum(verdicts);
export type Verdict = z.infer<typeof verdictSchema>;

/** Higher is worse (the inverse of the diagnosis's rank), for sorting columns worst first. */
export function verdictSeverity(v: Verdict): number {
  return verdicts.length - verdictRank(v);
}
