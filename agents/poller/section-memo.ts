import type { RawSection, SectionName } from '../../lib/bundle/types';
import type { KnownHashes } from '../../lib/probe/script';

// The last output the agent received of each node's sections, with its sha256: offered to the node on
// the next poll so an unchanged section comes back as its hash only. Holding it costs no extra copy:
// the strings are the ones the last bundle already holds.

export interface HeldSection {
  sha256: string;
  section: RawSection;
}

export class SectionMemo {
  private readonly byNode = new Map<string, Map<SectionName, HeldSection>>();

  knownHashes(node: string): KnownHashes {
    const out: KnownHashes = {};
    for (const [name, held] of this.byNode.get(node) ?? []) out[name] = held.sha256;
    return out;
  }

  /** The held output of a section, if its hash is `sha256`. */
  held(node: string, name: SectionName, sha256: string): HeldSection | undefined {
    const held = this.byNode.get(node)?.get(name);
    return held?.sha256 === sha256 ? held : undefined;
  }

  /** Replaces what is held for a node with the sections of its latest good poll. */
  remember(node: string, sections: ReadonlyMap<SectionName, HeldSection>): void {
    this.byNode.set(node, new Map(sections));
  }

  forget(node: string): void {
    this.byNode.delete(node);
  }
}
