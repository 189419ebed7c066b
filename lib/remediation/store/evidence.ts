import 'server-only';
import type { NodeEvidence } from '../ports';
import type { Queryable } from '../../db';
import { loadDiagnoses } from '../../diagnosis/store/load-diagnoses';

// The evidence a remediation is judged on (preview, and the verifier after the automatic re-poll) is the
// very diagnosis every view shows: the one recorded with the node's latest stored poll, under the one
// freshness rule. A fixed stale session is then `recovering` (the daemon restarted, the address is back)
// rather than red until its warnings leave the window, so no log filtering by the action's time is needed;
// `since` is accepted for the port's sake and the verdicts are the same with or without it.
export async function readNodeEvidence(db: Queryable, node: string, opts: { now?: Date; since?: Date } = {}): Promise<NodeEvidence> {
  const view = (await loadDiagnoses({ now: opts.now ?? new Date(), only: node, db })).get(node);
  const diagnosis = view?.diagnosis;
  if (!diagnosis) return { collectedAt: null, verdicts: [] };
  return {
    collectedAt: diagnosis.collectedAt,
    verdicts: [
      ...diagnosis.peers.map((p) => ({ peer: p.peer, verdict: p.verdict })),
      // node-level findings (a tunnel down, the daemon stopped) are judged too; they name no peer
      ...diagnosis.findings.filter((f) => f.kind !== 'stale-local-ip').map((f) => ({ peer: `node:${f.interface ?? 'doublezerod'}`, verdict: f.verdict })),
    ],
  };
}
