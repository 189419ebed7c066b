import 'server-only';
import type { Queryable } from '@/lib/db';
import { canonicalJson } from '@/lib/canonical-json';
import type { NodeState, StableNodeState } from '@/lib/model/node-state';
import type { StableSnapshot } from '@/lib/model/normalize-cache';
import { stableState, stateHash } from '@/lib/model/state-hash';

export interface RecordNodeStateResult {
  changed: boolean;
  hash: string;
}

/**
 * Stores the node's normalized state at `at` if it differs from the state in effect just before `at`
 * (change-only history). Call inside the poll's transaction. `snapshot`: the state's hash and canonical
 * JSON when already known (`NormalizeCache.stableSnapshot`), instead of computing them here.
 */
export async function recordNodeState(
  tx: Queryable,
  node: string,
  at: Date,
  state: NodeState | StableNodeState,
  snapshot?: StableSnapshot,
  /** the hash of the state in effect just before `at`, when the caller knows it (null: none); read when undefined */
  previousHash?: string | null,
): Promise<RecordNodeStateResult> {
  const hash = snapshot?.hash ?? stateHash(state);
  const before = previousHash !== undefined ? previousHash : await stateHashBefore(tx, node, at);
  const row = historyRowFor(node, at, state, { hash, json: snapshot?.json }, before);
  if (!row) return { changed: false, hash };
  await insertHistoryRows(tx, [row]);
  return { changed: true, hash };
}

/**
 * The history row a state at `at` needs: null when its hash is the one in effect before (`previousHash`, null
 * for none). `known`: its hash and canonical JSON when already made; the JSON is made here only for a new row.
 */
export function historyRowFor(
  node: string,
  at: Date,
  state: NodeState | StableNodeState,
  known: { hash: string; json?: string | undefined },
  previousHash: string | null,
): HistoryRow | null {
  if (previousHash === known.hash) return null;
  return { node, at, hash: known.hash, json: known.json ?? canonicalJson(stableState(state)) };
}

/** A node's new state for node_state_history: its hash and canonical JSON. */
export interface HistoryRow {
  node: string;
  at: Date;
  hash: string;
  json: string;
}

/** Appends states to the change-only history, several nodes in one statement. */
export async function insertHistoryRows(tx: Queryable, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into node_state_history (node, at, state_hash, state)
     select node, at, state_hash, state::jsonb from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) as t(node, at, state_hash, state)`,
    [rows.map((r) => r.node), rows.map((r) => r.at), rows.map((r) => r.hash), rows.map((r) => r.json)],
  );
}

/** The hash of the node's state in effect at `at` (null when none was recorded by then). */
export async function stateHashBefore(q: Queryable, node: string, at: Date): Promise<string | null> {
  const { rows } = await q.query<{ state_hash: string }>(
    `select state_hash from node_state_history where node = $1 and at <= $2 order by at desc, id desc limit 1`,
    [node, at],
  );
  return rows[0]?.state_hash ?? null;
}
