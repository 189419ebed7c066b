import type { Bundle } from '../../lib/bundle/types';
import { diagnose } from '../../lib/diagnosis/diagnose';
import { normalizeBundle } from '../../lib/model/normalize';
import { stateHash } from '../../lib/model/state-hash';

// The per-poll domain work of the ingest (lib/services/record-diagnosis.ts) without its database:
// normalize every section (the journal included), hash the state for the change-only history,
// diagnose every node × peer. The events of earlier polls come from the database there; here each
// bundle is diagnosed on its own.
export function diagnoseBundles(bundles: Bundle[]): { nodes: number; peers: number } {
  let peers = 0;
  for (const bundle of bundles) {
    const state = normalizeBundle(bundle);
    stateHash(state);
    peers += diagnose(state).peers.length;
  }
  return { nodes: bundles.length, peers };
}
