import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../lib/bundle/types';
import { diagnose } from '../../lib/diagnosis/diagnose';
import { canonicalJson } from '../../lib/canonical-json';
import { journalReferenceYear, normalizeBundle } from '../../lib/model/normalize';
import { NormalizeCache } from '../../lib/model/normalize-cache';
import { stableState, stateHash } from '../../lib/model/state-hash';
import { parseJournalDetailed } from '../../lib/parse/journal';
import { decodeProbeOutput } from '../../lib/probe/decode';
import { buildProbeCommand } from '../../lib/probe/script';
import { answerExec } from '../sim/exec';
import { testFleet, TEST_NOW } from '../sim/testing';

// The agent's ingest path (poller's journal parse + NormalizeCache) against the uncached one, on the
// outputs of the simulated fleet: every scenario, polled repeatedly as the clock moves (the journal
// and its warnings change, the rest mostly does not), and one node whose outputs jump between scenarios.

// Slow-ish (each poll generates and parses a 15-min journal twice): a second or so per round of the fleet.
const fleet = [...testFleet(16)].filter(([, n]) => n.plan.behavior === 'normal');

function poll(name: string, asNode: string, atMs: number) {
  const node = fleet.find(([n]) => n === name)![1];
  const out = answerExec(node.state, buildProbeCommand({ journalSince: Math.floor(atMs / 1000) - 900 }), atMs).stdout;
  const bundle: Bundle = { meta: { node: asNode, collectedAt: new Date(atMs).toISOString() }, sections: decodeProbeOutput(out) };
  // what pollNode hands on: its own parse of the journal, dated with the collection's year
  const text = bundle.sections.journal?.stdout ?? '';
  const referenceYear = journalReferenceYear(bundle.meta.collectedAt);
  return { bundle, journal: { text, referenceYear, result: parseJournalDetailed(text, referenceYear) } };
}

function expectAgentPathEqualsUncached(cache: NormalizeCache, polled: ReturnType<typeof poll>): string {
  const fresh = normalizeBundle(polled.bundle);
  const cached = normalizeBundle(polled.bundle, { cache, journal: polled.journal });
  expect(cached).toStrictEqual(fresh);
  const snapshot = cache.stableSnapshot(polled.bundle.meta.node, cached);
  expect(snapshot.hash).toBe(stateHash(fresh));
  expect(snapshot.json).toBe(canonicalJson(stableState(fresh)));
  expect(diagnose(cached)).toStrictEqual(diagnose(fresh));
  return snapshot.hash;
}

describe('NormalizeCache on simulated-fleet outputs', () => {
  it('every scenario node, polled every 5 s for half a minute, gives the uncached states, hashes and verdicts', () => {
    expect(new Set(fleet.map(([, n]) => n.plan.kind)).size).toBeGreaterThanOrEqual(6);
    const cache = new NormalizeCache();
    for (let step = 0; step < 6; step++) {
      for (const [name] of fleet) expectAgentPathEqualsUncached(cache, poll(name, name, TEST_NOW + step * 5000));
    }
    // the point of it: after the first round, sections were reused and hashes not recomputed
    expect(cache.stats.sectionHits).toBeGreaterThan(cache.stats.sectionMisses);
    expect(cache.stats.hashHits).toBeGreaterThan(cache.stats.hashMisses);
  }, 120_000);

  it('one node whose outputs jump between scenarios and back', () => {
    const cache = new NormalizeCache();
    const names = fleet.map(([n]) => n).slice(0, 8);
    const order = [...names, ...names.slice().reverse(), ...names];
    const hashes = order.map((name, i) => expectAgentPathEqualsUncached(cache, poll(name, 'x', TEST_NOW + i * 5000)));
    // the same outputs again give the same hash as the first time
    expect(hashes.slice(names.length * 2)).toEqual(hashes.slice(0, names.length));
  }, 120_000);
});
