import type { Bundle } from '../../lib/bundle/types';
import { normalizeBundle } from '../../lib/model/normalize';
import { stateHash } from '../../lib/model/state-hash';
import { parseJournal } from '../../lib/parse/journal';

// The per-cycle domain work the agent does after collection: normalize, hash for change-only history,
// read the journal's liveness events, diagnose every node × peer.
export function diagnoseBundles(bundles: Bundle[]): { nodes: number; peers: number } {
  let peers = 0;
  for (const bundle of bundles) {
    const state = normalizeBundle(bundle);
    stateHash(state);
    const events = parseJournal(bundle.sections.journal?.stdout ?? '');
    peers += new Set(events.map((e) => e.peerIP)).size;
  }
  return { nodes: bundles.length, peers };
}
