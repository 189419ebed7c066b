import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bundle, RawSection, SectionName } from '../bundle/types';
import { loadBundleFolder } from '../bundle/folder';
import { diagnose } from '../diagnosis/diagnose';
import { parseJournalDetailed } from '../parse/journal';
import { testdata } from '../parse/testdata';
import { canonicalJson } from '../canonical-json';
import type { NodeState } from './node-state';
import { journalReferenceYear, normalizeBundle } from './normalize';
import { NormalizeCache } from './normalize-cache';
import { stableState, stateHash } from './state-hash';
import { baseFiles, bundleFromTestdata } from './testing';

// The cache must be invisible in results: whatever sequence of outputs a node sends, normalizing with
// it gives exactly what normalizing from scratch gives, and its state hash is stateHash's.

const fixturesRoot = path.join(__dirname, '..', '..', 'fixtures', 'bundles');
const fixtureNames = readdirSync(fixturesRoot).filter((n) => statSync(path.join(fixturesRoot, n)).isDirectory());

const ok = (stdout: string): RawSection => ({ stdout, stderr: '', exitCode: 0, truncated: false });
const WARN = (t: string) =>
  `{"time":"${t}","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}`;

/** Cached and uncached normalization of the same bundle, and the checks that they agree. */
function expectSameAsUncached(cache: NormalizeCache, bundle: Bundle): { state: NodeState; hash: string } {
  const fresh = normalizeBundle(bundle);
  const cached = normalizeBundle(bundle, { cache });
  expect(cached).toStrictEqual(fresh);
  const snapshot = cache.stableSnapshot(bundle.meta.node, cached);
  expect(snapshot.json).toBe(canonicalJson(stableState(fresh)));
  expect(snapshot.hash).toBe(stateHash(fresh));
  expect(diagnose(cached)).toStrictEqual(diagnose(fresh));
  return { state: cached, hash: snapshot.hash };
}

describe('NormalizeCache', () => {
  it('gives the uncached result on every real-capture fixture, cold and warm, in any order', async () => {
    const bundles = await Promise.all(fixtureNames.map((n) => loadBundleFolder(path.join(fixturesRoot, n))));
    expect(bundles.length).toBeGreaterThanOrEqual(6);
    const cache = new NormalizeCache();
    // one node going through every captured situation and back, polled twice at each
    const asOneNode = (b: Bundle, i: number): Bundle => ({
      ...b,
      meta: { node: 'n1', collectedAt: new Date(Date.UTC(2025, 10, 30, 19, 40, i)).toISOString() },
    });
    const sequence = [...bundles, ...bundles.slice().reverse()].flatMap((b) => [b, b]);
    sequence.forEach((b, i) => expectSameAsUncached(cache, asOneNode(b, i)));
    expect(cache.stats.sectionHits).toBeGreaterThan(0);
    expect(cache.stats.hashHits).toBeGreaterThan(0);
    // ~60 normalizations of captures with hour-long journals: seconds on a loaded 2-core machine
  }, 60_000);

  it('reuses unchanged sections and recomputes a changed one (and the hash with it)', () => {
    const cache = new NormalizeCache();
    const before = bundleFromTestdata(baseFiles, { systemctl: 'active\n' });
    const a = expectSameAsUncached(cache, before);
    const again = expectSameAsUncached(cache, { ...before, meta: { ...before.meta, collectedAt: '2025-11-30T19:41:00Z' } });
    expect(again.state.routes).toBe(a.state.routes);
    expect(again.hash).toBe(a.hash);

    const after = bundleFromTestdata({ ...baseFiles, 'ip-addr': 'ip-addr-after-del.json' }, { systemctl: 'active\n' });
    const b = expectSameAsUncached(cache, after);
    expect(b.state.routes).toBe(a.state.routes);
    expect(b.state.links).toBe(a.state.links);
    expect(b.state.addresses).not.toBe(a.state.addresses);
    expect(b.hash).not.toBe(a.hash);
    // and back: the old entry was replaced, the result is still the right one
    expect(expectSameAsUncached(cache, before).hash).toBe(a.hash);
  });

  it('follows a section that fails, comes back, is cut or unreadable, with the same stdout', () => {
    const cache = new NormalizeCache();
    const bundle = bundleFromTestdata(baseFiles, { systemctl: 'active\n' });
    const nft = bundle.sections.nft!;
    const variants: RawSection[] = [nft, { ...nft, exitCode: 1, stderr: 'sudo: a password is required' }, nft, { ...nft, truncated: true }, ok('garbage'), nft];
    const hashes = variants.map((v) => expectSameAsUncached(cache, { ...bundle, sections: { ...bundle.sections, nft: v } }).hash);
    expect(hashes[0]).toBe(hashes[2]);
    expect(hashes[1]).not.toBe(hashes[0]);
    // a failed and an unreadable ruleset are both "unknown"
    expect(hashes[4]).toBe(hashes[1]);
  });

  it("holds a node's state JSON once (its parts), and puts the whole text together again when asked", () => {
    const cache = new NormalizeCache();
    const bundle = bundleFromTestdata(baseFiles, { systemctl: 'active\n' });
    const first = expectSameAsUncached(cache, bundle);
    const json = canonicalJson(stableState(first.state));
    expect(cache.heldStateChars(bundle.meta.node)).toBeGreaterThan(json.length / 2);
    expect(cache.heldStateChars(bundle.meta.node)).toBeLessThan(json.length);
    // a hit: the same hash, and the JSON history would store, from the held parts
    const hit = cache.stableSnapshot(bundle.meta.node, normalizeBundle(bundle, { cache }));
    expect(cache.stats.hashHits).toBe(1);
    expect(hit).toMatchObject({ hash: first.hash, json });
    cache.forget(bundle.meta.node);
    expect(cache.heldStateChars(bundle.meta.node)).toBe(0);
  });

  it('keeps nodes apart', () => {
    const cache = new NormalizeCache();
    const a = bundleFromTestdata(baseFiles);
    const b = { ...bundleFromTestdata({ ...baseFiles, 'ip-link': 'ip-link-down.json' }), meta: { node: 'other', collectedAt: a.meta.collectedAt } };
    for (const bundle of [a, b, a, b]) expectSameAsUncached(cache, bundle);
  });

  it('does not keep sections longer than maxChars, and still gives the same result', () => {
    const cache = new NormalizeCache({ maxChars: 10 });
    const bundle = bundleFromTestdata(baseFiles);
    expectSameAsUncached(cache, bundle);
    expectSameAsUncached(cache, bundle);
    expect(cache.stats.sectionHits).toBe(0);
    expect(cache.stats.hashHits).toBe(0);
  });

  it('agrees with the uncached path on any sequence of section outputs (property)', () => {
    const pool: Partial<Record<SectionName, RawSection[]>> = {
      'ip-link': [ok(testdata('ip-link.json')), ok(testdata('ip-link-down.json')), ok('not json'), { ...ok(''), exitCode: 1, stderr: 'boom' }],
      'ip-addr': [ok(testdata('ip-addr.json')), ok(testdata('ip-addr-after-del.json')), { ...ok(testdata('ip-addr.json')), truncated: true }],
      'ip-route': [ok(testdata('ip-route.json')), ok(testdata('ip-route-after-del.json')), ok('[')],
      'ip-rule': [ok(testdata('ip-rule.json')), ok(testdata('ip-rule-selectors.json'))],
      nft: [ok(testdata('nft.json')), ok(testdata('nft-empty.json')), ok('garbage'), { ...ok(''), exitCode: 1, stderr: 'sudo' }],
      journal: [ok(WARN('2025-11-30T19:36:22Z')), ok(`${WARN('2025-11-30T19:36:22Z')}\n${WARN('2025-11-30T19:36:27Z')}\ngarbage`), ok('')],
      systemctl: [ok('active\n'), { ...ok('inactive\n'), exitCode: 3 }],
      'daemon-routes': [
        ok(JSON.stringify([{ local_ip: '209.245.225.161', peer_ip: '216.238.110.55', liveness_state: 'Up' }])),
        ok(JSON.stringify([{ local_ip: '209.245.225.161', peer_ip: '216.238.110.55', liveness_state: 'Down' }])),
        ok('{'),
      ],
      metrics: [ok('doublezero_x 1\n'), ok('doublezero_x 2\n')],
    };
    const names = Object.keys(pool) as SectionName[];
    // each poll: for every section, absent or one of its variants
    const poll = fc.record(
      Object.fromEntries(names.map((n) => [n, fc.option(fc.nat(pool[n]!.length - 1), { nil: undefined })])) as Record<
        SectionName,
        fc.Arbitrary<number | undefined>
      >,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('n1', 'n2'), poll), { minLength: 1, maxLength: 12 }), (polls) => {
        const cache = new NormalizeCache();
        polls.forEach(([node, choice], i) => {
          const sections: Bundle['sections'] = {};
          for (const n of names) if (choice[n] !== undefined) sections[n] = pool[n]![choice[n]!];
          expectSameAsUncached(cache, { meta: { node, collectedAt: new Date(Date.UTC(2025, 10, 30, 19, 40, i)).toISOString() }, sections });
        });
      }),
      { numRuns: 150 },
    );
    // 150 whole normalizations: seconds on a loaded 2-core machine; the property, not the speed, is under test
  }, 60_000);
});

describe("normalizeBundle with the poller's journal parse", () => {
  const bundle = bundleFromTestdata(baseFiles, { journal: WARN('2025-11-30T19:36:22Z') });
  const text = bundle.sections.journal!.stdout;
  const year = journalReferenceYear(bundle.meta.collectedAt);

  it('uses the parse made from the same text and year', () => {
    const result = parseJournalDetailed(text, year);
    const state = normalizeBundle(bundle, { journal: { text, referenceYear: year, result } });
    expect(state.events).toBe(result.events);
    expect(state).toStrictEqual(normalizeBundle(bundle));
  });

  it('parses again when the given parse is of another text or year', () => {
    const other = parseJournalDetailed(WARN('2025-11-30T19:30:00Z'), year);
    expect(normalizeBundle(bundle, { journal: { text: 'something else', referenceYear: year, result: other } })).toStrictEqual(normalizeBundle(bundle));
    expect(normalizeBundle(bundle, { journal: { text, referenceYear: 1970, result: other } })).toStrictEqual(normalizeBundle(bundle));
  });

  it('ignores it when the journal section failed', () => {
    const failed: Bundle = { ...bundle, sections: { ...bundle.sections, journal: { ...bundle.sections.journal!, exitCode: 1 } } };
    const state = normalizeBundle(failed, { journal: { text, referenceYear: year, result: parseJournalDetailed(text, year) } });
    expect(state.events).toEqual([]);
    expect(state).toStrictEqual(normalizeBundle(failed));
  });
});
