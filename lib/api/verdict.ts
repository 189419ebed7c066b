import { z } from 'zod';

// The verdicts of DESIGN.md "Verdicts" are the diagnosis module's (one list); the UI adds its own ordering.
import { verdicts } from '@/lib/diagnosis/types';

export { verdicts };
export const verdictSchema = z.enum(verdicts);
export type Verdict = z.infer<typeof verdictSchema>;

// How bad a verdict is for "worst verdict" columns: a real fault outranks unknown, unknown outranks healthy,
// because unknown must never read as healthy but is not proof of a fault either.
const severity: Record<Verdict, number> = {
  healthy: 0,
  unknown: 1,
  'firewall-blocked': 2,
  'no-route': 3,
  'stale-session': 4,
  'interface-down': 5,
  'interface-missing': 6,
};

export function verdictSeverity(v: Verdict): number {
  return severity[v];
}

export function worstVerdict(list: Iterable<Verdict>): Verdict | null {
  let worst: Verdict | null = null;
  for (const v of list) {
    if (worst === null || severity[v] > severity[worst]) worst = v;
  }
  return worst;
}
