import 'server-only';
import { livenessEventColumns, livenessEventRowSchema } from '../../ingest/liveness-event-rows';
import { getDb, type Queryable } from '@/lib/db';
import { bundleSchema } from '@/lib/bundle/types';
import { AppError } from '@/lib/errors';
import { nodeFindingRowSchema, peerVerdictRowSchema, reportedHostname, type LivenessEventRow, type NodeDetail } from '@/lib/node/node';
import { knownIssueMatchSchema } from '@/lib/known-issues/schema';
import { buildNodeTables } from '@/lib/node/summarize-state';
import { listFleet } from '../../fleet/store/list-fleet';
import { listStateChanges } from './list-state-changes';
import { loadDiagnoses } from '../../diagnosis/store/load-diagnoses';

const recentEventLimit = 200;

// One node's page: its fleet row, readable tables of its state, its peers' verdicts with evidence, what
// changed before the moment, and its recent liveness events. Live, or as it was at `at`.
export async function getNode(opts: { name: string; now: Date; at?: Date; db?: Queryable }): Promise<NodeDetail> {
  const db = opts.db ?? (await getDb());
  const asOf = opts.at ?? opts.now;
  const { rows } = await db.query<{ name: string; host: string; port: number; ssh_user: string; bundle: unknown }>(
    `select n.name, n.host, n.port, n.ssh_user, r.bundle from nodes n left join node_raw r on r.node = n.name where n.name = $1`,
    [opts.name],
  );
  const node = rows[0];
  if (!node) throw new AppError('not_found', `no node named ${opts.name}`);
  const [fleet, diagnoses, changes, events] = await Promise.all([
    listFleet({ now: opts.now, at: opts.at, db, only: opts.name }),
    loadDiagnoses({ now: opts.now, at: opts.at, only: opts.name, db }),
    listStateChanges({ node: opts.name, asOf, db }),
    listRecentEvents(db, opts.name, asOf),
  ]);
  const summary = fleet.nodes[0];
  if (!summary) throw new AppError('not_found', `no node named ${opts.name}`);
  const view = diagnoses.get(opts.name);
  const bundle = bundleSchema.safeParse(node.bundle);
  const tables = view?.state ? buildNodeTables(view.state) : { interfaces: [], addresses: [], routes: [] };
  return {
    summary,
    host: node.host,
    port: node.port,
    user: node.ssh_user,
    reportedHostname: bundle.success && !opts.at ? reportedHostname(bundle.data.sections.hostname?.stdout) : null,
    ...tables,
    parseIssues: view?.issues ?? [],
    events,
    sections:
      bundle.success && !opts.at
        ? Object.entries(bundle.data.sections).map(([name, sec]) => ({
            name,
            exitCode: sec.exitCode,
            truncated: sec.truncated,
            stderr: sec.stderr.slice(0, 2_000),
          }))
        : [],
    stateSince: view?.stateSince ?? null,
    missing: view?.missing ?? null,
    nodeUnknown: view?.diagnosis?.nodeUnknown ?? null,
    // The diagnosis objects are ours, but validate the subset we promise so the API contract cannot drift.
    peers: (view?.diagnosis?.peers ?? []).map((p) => peerVerdictRowSchema.parse(p)),
    findings: (view?.diagnosis?.findings ?? []).map((f) => nodeFindingRowSchema.parse(f)),
    knownIssues: (view?.diagnosis?.knownIssues ?? []).map((k) => knownIssueMatchSchema.parse(k)),
    changes,
  };
}

async function listRecentEvents(db: Queryable, node: string, asOf: Date): Promise<LivenessEventRow[]> {
  const { rows } = await db.query(
    `select ${livenessEventColumns} from liveness_events
      where node = $1 and at <= $2 order by at desc, id desc limit ${recentEventLimit}`,
    [node, asOf],
  );
  return rows.map((raw) => {
    const r = livenessEventRowSchema.parse(raw);
    return { at: r.at.toISOString(), level: r.level, msg: r.msg, interface: r.interface, localIp: r.local_ip, peerIp: r.peer_ip, error: r.error };
  });
}
