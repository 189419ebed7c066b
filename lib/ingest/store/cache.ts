import 'server-only';
import type { RawSection, SectionName } from '@/lib/bundle/types';
import type { EventLike } from '@/lib/diagnosis/sessions';
import type { Queryable } from '@/lib/db';
import { nothingRecorded, type RecordedPrior } from './record-diagnosis';
import { rawSectionKey } from './raw-sections';

/** What one agent last stored for a node: the next poll compares with it instead of reading it back. */
export interface NodeIngestMemory {
  prior: RecordedPrior;
  /** hash of the node's latest recorded state (node_state_history), null when none */
  stateHash: string | null;
  /** each stored section with its content key (section null: only the key is known, read from the store) */
  sections: Map<SectionName, { section: RawSection | null; key: string }>;
  /**
   * the node's log as the diagnosis reads it at the last stored poll, plus later events (selectSessionEvents
   * `keepLater`): the next poll selects from it and its own events instead of reading the log again
   */
  events: readonly EventLike[];
}

/**
 * One per agent, like the NormalizeCache. Ingest's write transaction checks that node_status.diagnosed_at
 * still is what this memory says (another agent may have polled the node meanwhile, e.g. across a lease
 * handover); when it is not, the memory is dropped and the poll is stored again from what the store holds.
 */
export class IngestCache {
  private readonly nodes = new Map<string, NodeIngestMemory>();

  get(node: string): NodeIngestMemory | undefined {
    return this.nodes.get(node);
  }

  set(node: string, memory: NodeIngestMemory): void {
    this.nodes.set(node, memory);
  }

  forget(node: string): void {
    this.nodes.delete(node);
  }

  /** The content key of a section, without hashing it again when it is the output held before. */
  sectionKey(node: string, name: SectionName, s: RawSection): string {
    const held = this.nodes.get(node)?.sections.get(name);
    if (
      held?.section &&
      held.section.stdout === s.stdout &&
      held.section.stderr === s.stderr &&
      held.section.exitCode === s.exitCode &&
      held.section.truncated === s.truncated
    )
      return held.key;
    return rawSectionKey(s);
  }

  get size(): number {
    return this.nodes.size;
  }
}

/**
 * Fills the cache for the nodes the store holds nothing of (never polled: at most the `pending` status the
 * inventory sync gives a new node; no summary, no verdicts, no raw output, no history, no log), with one query
 * for all of them. Their first poll then reads nothing back before it writes; on a fresh start of 1,000 nodes
 * that is ~5 statements per node fewer on the embedded store's one connection. Resolves with the nodes primed.
 */
export async function primeUnstoredNodes(q: Queryable, cache: IngestCache, nodes: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ node: string; status_exists: boolean }>(
    `select n as node, exists (select 1 from node_status where node = n) as status_exists
       from unnest($1::text[]) as n
      where not exists (select 1 from node_status
                         where node = n and (state <> 'pending' or last_poll_at is not null or diagnosed_at is not null))
        and not exists (select 1 from node_summary where node = n)
        and not exists (select 1 from peer_verdicts where node = n)
        and not exists (select 1 from node_raw_sections where node = n)
        and not exists (select 1 from node_state_history where node = n)
        and not exists (select 1 from liveness_events where node = n)`,
    [nodes],
  );
  for (const { node, status_exists } of rows) {
    // what loadRecordedPrior reads of such a node: a pending status (or none), nothing diagnosed
    if (!cache.get(node)) cache.set(node, { prior: { ...nothingRecorded(), statusExists: status_exists }, stateHash: null, sections: new Map(), events: [] });
  }
  return rows.map((r) => r.node);
}
