import { z } from 'zod';
import { checkIdSchema, checkStatusRank, type CheckId } from './check';
import type { FleetRow } from './fleet';
import { isNewProblem } from './fleet-patterns';
import { verdictSchema, verdictSeverity } from '../diagnosis/verdict-schema';

// The fleet grid's view state, exactly as it lives in the URL's search params.
export const fleetViewSchema = z.object({
  q: z.string().max(200).catch('').default(''),
  site: z.string().max(100).catch('').default(''),
  tag: z.string().max(100).catch('').default(''),
  /** a worst verdict, or `none` for nodes without a liveness peer */
  verdict: z
    .union([verdictSchema, z.literal('none'), z.literal('')])
    .catch('')
    .default(''),
  /** the fleet header's patterns: nodes failing to reach this peer, running this version, showing this known issue */
  peer: z.string().max(100).catch('').default(''),
  version: z.string().max(100).catch('').default(''),
  issue: z.string().max(100).catch('').default(''),
  /** `1`: only problems that began in the 15 minutes before the view's moment */
  new: z.enum(['1', '']).catch('').default(''),
  sort: z
    .union([checkIdSchema, z.literal('name'), z.literal('since')])
    .catch('name')
    .default('name'),
  dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
  node: z.string().max(100).catch('').default(''),
  check: z
    .union([checkIdSchema, z.literal('')])
    .catch('')
    .default(''),
});
export type FleetView = z.infer<typeof fleetViewSchema>;

export function parseFleetView(params: Record<string, string | undefined>): FleetView {
  return fleetViewSchema.parse(params);
}

/** Search params for a view, leaving defaults out so links stay short and stable. */
export function fleetViewToParams(view: FleetView): URLSearchParams {
  const defaults = fleetViewSchema.parse({});
  const out = new URLSearchParams();
  for (const key of Object.keys(defaults) as (keyof FleetView)[]) {
    if (view[key] !== defaults[key]) out.set(key, view[key]);
  }
  return out;
}

/** The filters that narrow the rows (everything but sort and selection), for "clear filters" links. */
export const fleetFilterKeys = ['q', 'site', 'tag', 'verdict', 'peer', 'version', 'issue', 'new'] as const satisfies readonly (keyof FleetView)[];

/** `asOf`: the view's moment, which "new" problems are measured from; without it `new` filters nothing out. */
export function filterFleet(rows: readonly FleetRow[], view: FleetView, asOf: string | null = null): FleetRow[] {
  const q = view.q.trim().toLowerCase();
  return rows.filter((r) => {
    if (view.site && r.site !== view.site) return false;
    if (view.tag && !r.tags.includes(view.tag)) return false;
    if (view.verdict && (r.worstVerdict ?? 'none') !== view.verdict) return false;
    if (view.peer && !r.signals?.peerFaults.includes(view.peer)) return false;
    if (view.version && r.signals?.daemonVersion !== view.version) return false;
    if (view.issue && !r.signals?.knownIssues.includes(view.issue)) return false;
    if (view.new && asOf !== null && !isNewProblem(r, asOf)) return false;
    if (q && !`${r.name} ${r.site ?? ''} ${r.tags.join(' ')}`.toLowerCase().includes(q)) return false;
    return true;
  });
}

/** Sort keys of the fleet grid: a check, the node name, or `since` (newest problem first in `desc`). */
export type FleetSort = CheckId | 'name' | 'since';

// Sorting by a check puts the worst first in `desc` order; name breaks ties so rows do not jump on refresh.
// `since` in `desc` order: problems by when they began, newest first; healthy and unknown rows after them.
export function sortFleet(rows: readonly FleetRow[], sort: FleetSort, dir: 'asc' | 'desc'): FleetRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const key = (r: FleetRow): number => {
    if (sort === 'name') return 0;
    if (sort === 'since') return r.worstVerdict && r.worstVerdict !== 'healthy' && r.worstSince ? Date.parse(r.worstSince) : -Infinity;
    if (sort === 'verdict') return r.worstVerdict ? verdictSeverity(r.worstVerdict) : 0.5;
    if (sort === 'warnings') return r.warnings15m;
    return checkStatusRank(r.checks[sort]?.status ?? 'unknown');
  };
  return [...rows].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka === kb ? 0 : sign * (ka < kb ? -1 : 1)) || sign * a.name.localeCompare(b.name);
  });
}

export function facetValues(rows: readonly FleetRow[]): { sites: string[]; tags: string[] } {
  const sites = new Set<string>();
  const tags = new Set<string>();
  for (const r of rows) {
    if (r.site) sites.add(r.site);
    for (const t of r.tags) tags.add(t);
  }
  return { sites: [...sites].sort(), tags: [...tags].sort() };
}
