import type { Bundle } from '../../lib/bundle/types';
import { diagnose } from '../../lib/diagnosis/diagnose';
import { normalizeBundle, type ParsedJournal } from '../../lib/model/normalize';
import type { NormalizeCache } from '../../lib/model/normalize-cache';
import { stateHash } from '../../lib/model/state-hash';

// The per-poll domain work of the ingest (lib/ingest/store/record-diagnosis.ts) without its database:
// normalize every section, hash the state for the change-only history, diagnose every node × peer.
// The events of earlier polls come from the database there; here each bundle is diagnosed on its own.
// As the agent does it: `cache` is the agent's NormalizeCache (warmed by the previous cycle's polls),
// `reuseJournal` hands normalization the poller's journal parse. Without both: every section parsed,
// the journal a second time, and the whole state serialized and hashed, as before the cache.

export interface PolledBundle {
  bundle: Bundle;
  journal?: ParsedJournal;
}

export interface DiagnoseBundlesOptions {
  cache?: NormalizeCache;
  reuseJournal?: boolean;
}

export function diagnoseBundles(polled: readonly PolledBundle[], opts: DiagnoseBundlesOptions = {}): { nodes: number; peers: number } {
  let peers = 0;
  for (const { bundle, journal } of polled) {
    const state = normalizeBundle(bundle, { journal: opts.reuseJournal ? journal : undefined, cache: opts.cache });
    if (opts.cache) opts.cache.stableSnapshot(bundle.meta.node, state);
    else stateHash(state);
    peers += diagnose(state).peers.length;
  }
  return { nodes: polled.length, peers };
}
