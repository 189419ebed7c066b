import { canonicalJson } from '../canonical-json';
import type { StableNodeState } from './node-state';
import type { CachedSectionName, NormalizedSection, SectionValues } from './section-normalizers';
import { sha256Hex } from './sha256';
import { stableStateJson, type StableStateFragments } from './state-hash';

// Most sections of a node come back unchanged poll after poll (the probe then answers with a hash and
// the agent reuses the output it holds). This cache, owned by whoever polls (one per agent), lets
// normalization and the state hash skip what did not change:
//  - per node and section, the normalized value of the last stdout seen; reused when the new stdout is
//    the same text. The text itself is the key's check, not a hash someone vouches for: the held output
//    is the very same string, so the comparison is a pointer check, and a different text of the same
//    length costs one memcmp, far less than parsing it;
//  - per node, the canonical JSON of each stable part and the state hash; a part that is the same
//    object as last time reuses its JSON, and when every part's JSON is unchanged so is the hash. The
//    whole state's JSON is not held (it would double what a node costs in memory): the parts' JSON put
//    together again is that text, and history only needs it when the hash changed.
// Reused values are shared between polls: a NodeState built with a cache must be treated as read-only
// (nothing in lib/ mutates one). Everything cached is a pure function of its key, so a poll whose
// transaction rolls back leaves nothing wrong behind.

export interface NormalizeCacheOptions {
  /**
   * Sections with a longer stdout are not kept (their normalized form would stay in memory between
   * polls: a full BGP table is hundreds of MB); they are normalized every poll as without a cache.
   * Also bounds the state JSON kept per node. Default 16 Mi characters.
   */
  maxChars?: number;
}

export interface StableSnapshot {
  /** sha256 of the canonical JSON of the stable state: the same value as `stateHash(state)` */
  hash: string;
  /** `canonicalJson(stableState(state))`, what history stores (put together when read, on a cache hit) */
  readonly json: string;
}

export interface NormalizeCacheStats {
  sectionHits: number;
  sectionMisses: number;
  hashHits: number;
  hashMisses: number;
}

interface SectionEntry {
  stdout: string;
  result: NormalizedSection<unknown>;
}

interface StableEntry {
  parts: StableParts;
  fragments: StableStateFragments;
  hash: string;
}

/** The values the fragments were made from, compared by identity. */
type StableParts = Record<keyof StableStateFragments, unknown>;

const DEFAULT_MAX_CHARS = 16 * 1024 * 1024;

export class NormalizeCache {
  private readonly sections = new Map<string, Map<CachedSectionName, SectionEntry>>();
  private readonly stable = new Map<string, StableEntry>();
  private readonly maxChars: number;
  readonly stats: NormalizeCacheStats = { sectionHits: 0, sectionMisses: 0, hashHits: 0, hashMisses: 0 };

  constructor(opts: NormalizeCacheOptions = {}) {
    this.maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  }

  /** The normalized form of a section's stdout: the held one if the text is unchanged, else computed (and held). */
  section<S extends CachedSectionName>(
    node: string,
    name: S,
    stdout: string,
    compute: (stdout: string) => NormalizedSection<SectionValues[S]>,
  ): NormalizedSection<SectionValues[S]> {
    let byName = this.sections.get(node);
    const held = byName?.get(name);
    if (held && held.stdout === stdout) {
      this.stats.sectionHits++;
      return held.result as NormalizedSection<SectionValues[S]>;
    }
    this.stats.sectionMisses++;
    const result = compute(stdout);
    if (stdout.length <= this.maxChars) {
      if (!byName) this.sections.set(node, (byName = new Map()));
      byName.set(name, { stdout, result });
    } else {
      byName?.delete(name);
    }
    return result;
  }

  /** Hash and canonical JSON of the node's stable state, recomputed only for the parts that changed. */
  stableSnapshot(node: string, state: StableNodeState): StableSnapshot {
    const last = this.stable.get(node);
    const parts: StableParts = {
      addresses: state.addresses,
      sessions: state.daemon.sessions,
      status: state.daemon.status,
      unit: state.daemon.unit,
      unitState: state.daemon.unitState,
      version: state.daemon.version,
      firewall: state.firewall,
      links: state.links,
      routes: state.routes,
      rules: state.rules,
    };
    // The same object as last poll (a cache hit) has the same JSON; anything else is serialized again.
    const fragment = (key: keyof StableParts): string => (last && last.parts[key] === parts[key] ? last.fragments[key] : canonicalJson(parts[key]));
    const fragments: StableStateFragments = {
      addresses: fragment('addresses'),
      sessions: fragment('sessions'),
      status: fragment('status'),
      unit: fragment('unit'),
      unitState: fragment('unitState'),
      version: fragment('version'),
      firewall: fragment('firewall'),
      links: fragment('links'),
      routes: fragment('routes'),
      rules: fragment('rules'),
    };
    // Equal strings: a pointer check when reused, a short comparison for small parts serialized again.
    const unchanged = last && (Object.keys(fragments) as (keyof StableStateFragments)[]).every((k) => fragments[k] === last.fragments[k]);
    if (last && unchanged) {
      this.stats.hashHits++;
      this.stable.set(node, { parts, fragments: last.fragments, hash: last.hash });
      const held = last.fragments;
      return {
        hash: last.hash,
        get json() {
          return stableStateJson(held);
        },
      };
    }
    this.stats.hashMisses++;
    const json = stableStateJson(fragments);
    const hash = sha256Hex(json);
    if (json.length <= this.maxChars) this.stable.set(node, { parts, fragments, hash });
    else this.stable.delete(node);
    return { hash, json };
  }

  /** Characters of state JSON held for `node` (the parts' JSON; not the whole text a second time). */
  heldStateChars(node: string): number {
    const held = this.stable.get(node);
    return held ? Object.values(held.fragments).reduce((n, f) => n + f.length, 0) : 0;
  }

  /** Drops what is held for a node (it left the inventory). */
  forget(node: string): void {
    this.sections.delete(node);
    this.stable.delete(node);
  }
}
