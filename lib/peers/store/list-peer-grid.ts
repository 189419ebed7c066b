import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { getDb, type Queryable } from '@/lib/db';
import { buildPeerGrid, gridInputFromDiagnosis, ownIpsFromFacts, type NodeForGrid } from '@/lib/peers/peer-grid-build';
import { nodeFactsSchema } from '@/lib/node/node-facts';
import { derivePollFreshness } from '@/lib/node/poll-freshness';
import type { PeerGridResponse } from '@/lib/peers/peer-matrix';
import { verdictSchema } from '@/lib/diagnosis/verdict-schema';
import { LIVE_VIEW_REUSE_MS, SingleFlight } from '@/lib/single-flight';
import { loadDiagnoses } from '../../diagnosis/store/load-diagnoses';

// GET /api/peers: node × liveness peer with verdict and warnings, live or at a past moment.
export async function listPeerGrid(opts: { now: Date; at?: Date; db?: Queryable }): Promise<PeerGridResponse> {
  if (!opts.at) return (await livePeerGrid({ now: opts.now, db: opts.db })).grid;
  const db = opts.db ?? (await getDb());
  const at = opts.at;
  const diagnoses = await loadDiagnoses({ now: opts.now, at, db });
  // Pinned views are history: a recorded state is what held then.
  const nodes = [...diagnoses].map(([name, view]) => gridInputFromDiagnosis(name, view.state, view.diagnosis, view.state !== null));
  return buildPeerGrid(nodes, at.toISOString(), true);
}

const nodeRowSchema = z.object({
  name: z.string(),
  state: z.enum(['pending', 'ok', 'error', 'host-key-changed']).nullable(),
  last_poll_at: z.date().nullable(),
  last_success_at: z.date().nullable(),
  recorded: z.boolean(),
  verdicts_version: z.coerce.number().nullable(),
  content_key: z.string().nullable(),
});
const verdictRowSchema = z.object({ node: z.string(), peer: z.string(), local_ip: z.string(), verdict: verdictSchema, warnings: z.number().int() });
const factsRowSchema = z.object({ node: z.string(), facts: nodeFactsSchema.nullable().catch(null) });

export interface LivePeerGrid {
  /** changes whenever anything the grid shows changes (a verdict row, a node's facts, a node's freshness) */
  version: string;
  grid: PeerGridResponse;
}

interface BuiltGrid {
  version: string;
  grid: PeerGridResponse;
}
/** A recorded node's part of the grid, valid while its summary key (content and verdict-row version) stays. */
interface NodeGridPart {
  key: string;
  ownIps: string[];
  peers: NodeForGrid['peers'][number][];
}
// The grid as last built, by version, and each node's part by its key: every viewer and every live update of
// this process shares them, and a rebuild reads only the verdict rows of the nodes that changed.
const holder = globalThis as unknown as {
  __fnhPeerGrid?: BuiltGrid & { db: Queryable };
  __fnhPeerGridParts?: { db: Queryable; parts: Map<string, NodeGridPart> };
};

/**
 * The live grid and its version. One small query decides the version (status, summary key per node); the
 * verdict rows (compact: peer, local IP, verdict, warnings; no evidence) and own addresses are read only for
 * the nodes whose key changed. With `ifNoneMatch` equal to the version, no grid is built: `grid` is null.
 */
export async function livePeerGrid(opts: { now: Date; db?: Queryable }): Promise<LivePeerGrid>;
export async function livePeerGrid(opts: {
  now: Date;
  db?: Queryable;
  ifNoneMatch: string | null;
}): Promise<{ version: string; grid: PeerGridResponse | null }>;
export function livePeerGrid(opts: { now: Date; db?: Queryable; ifNoneMatch?: string | null }): Promise<{ version: string; grid: PeerGridResponse | null }> {
  // viewers asking within the same second (with the same ETag, if any) share one read
  return opts.db === undefined
    ? livePeerGridReads.run(`etag:${opts.ifNoneMatch ?? ''}`, () => readLivePeerGrid(opts), opts.now.getTime())
    : readLivePeerGrid(opts);
}

const livePeerGridReads = new SingleFlight<{ version: string; grid: PeerGridResponse | null }>({ reuseMs: LIVE_VIEW_REUSE_MS });

async function readLivePeerGrid(opts: { now: Date; db?: Queryable; ifNoneMatch?: string | null }): Promise<{ version: string; grid: PeerGridResponse | null }> {
  const db = opts.db ?? (await getDb());
  const { rows } = await db.query(
    `select n.name, s.state, s.last_poll_at, s.last_success_at, ns.verdicts_version, ns.content_key,
            coalesce(s.diagnosed_at = s.last_success_at and ns.diagnosis is not null, false) as recorded
       from nodes n left join node_status s on s.node = n.name left join node_summary ns on ns.node = n.name
      order by n.name`,
  );
  const nodes = rows.map((raw) => {
    const r = nodeRowSchema.parse(raw);
    const fresh = derivePollFreshness({ storedState: r.state, lastPollAt: r.last_poll_at, lastSuccessAt: r.last_success_at }, opts.now).state === 'ok';
    return { ...r, fresh, key: `${r.verdicts_version}\u0000${r.content_key}` };
  });
  const hash = createHash('sha256');
  // A node diagnosed on read (no recorded diagnosis) changes with every poll: its poll time is part of the version.
  for (const n of nodes) hash.update(`${n.name}\u0000${n.fresh ? 1 : 0}\u0000${n.recorded ? n.key : `-${n.last_success_at?.getTime() ?? ''}`}\n`);
  const version = `"pg-${hash.digest('base64url').slice(0, 22)}"`;
  if (opts.ifNoneMatch !== undefined && opts.ifNoneMatch === version) return { version, grid: null };
  const asOf = opts.now.toISOString();
  const cached = holder.__fnhPeerGrid;
  if (cached && cached.version === version && cached.db === db) return { version, grid: { ...cached.grid, asOf } };

  if (holder.__fnhPeerGridParts?.db !== db) holder.__fnhPeerGridParts = { db, parts: new Map() };
  const parts = holder.__fnhPeerGridParts.parts;
  const recorded = nodes.filter((n) => n.recorded);
  const recordedNames = new Set(recorded.map((n) => n.name));
  for (const name of parts.keys()) if (!recordedNames.has(name)) parts.delete(name);
  const changed = recorded.filter((n) => n.content_key === null || parts.get(n.name)?.key !== n.key);
  if (changed.length > 0) {
    const names = changed.map((n) => n.name);
    const [verdictRows, factRows] = await Promise.all([
      db.query(`select node, peer, local_ip, verdict, warnings from peer_verdicts where node = any($1::text[]) order by node, peer`, [names]),
      db.query(`select node, facts from node_summary where node = any($1::text[])`, [names]),
    ]);
    const fresh = new Map<string, NodeGridPart>(changed.map((n) => [n.name, { key: n.key, ownIps: [], peers: [] }]));
    for (const raw of factRows.rows) {
      const f = factsRowSchema.parse(raw);
      const part = fresh.get(f.node);
      if (part) part.ownIps = ownIpsFromFacts(f.facts?.dz0Addresses ?? []);
    }
    for (const raw of verdictRows.rows) {
      const v = verdictRowSchema.parse(raw);
      fresh.get(v.node)?.peers.push({ peer: v.peer, localIP: v.local_ip, verdict: v.verdict, warnings: v.warnings });
    }
    for (const [name, part] of fresh) parts.set(name, part);
  }

  // Nodes with a bundle but no diagnosis recorded with it (a store written by an older version): diagnosed on read.
  const unrecorded = nodes.filter((n) => !n.recorded).map((n) => n.name);
  const { rows: collected } = unrecorded.length
    ? await db.query<{ node: string }>(`select distinct node from node_raw_sections where node = any($1::text[])`, [unrecorded])
    : { rows: [] };
  const onRead = new Set(collected.map((r) => r.node));
  const inputs: NodeForGrid[] = [];
  for (const n of nodes) {
    const part = n.recorded ? parts.get(n.name) : undefined;
    if (part) {
      inputs.push({ name: n.name, ownIps: part.ownIps, peers: part.peers, fresh: n.fresh });
      continue;
    }
    const view = onRead.has(n.name) ? (await loadDiagnoses({ now: opts.now, only: n.name, db })).get(n.name) : undefined;
    inputs.push(gridInputFromDiagnosis(n.name, view?.state ?? null, view?.diagnosis ?? null, n.fresh));
  }
  const grid = { ...buildPeerGrid(inputs, asOf, false), version };
  holder.__fnhPeerGrid = { version, grid, db };
  return { version, grid };
}
