// How long the store keeps each kind of data (issue 17). One setting per kind, FNH_RETAIN_<KIND>, or all at
// once in FNH_RETENTION ("events=3d,history=30d"); a per-kind variable wins over the list. Values are a
// number with a unit (m, h, d, w) or `forever`. The audit log is never pruned by retention (it is archived
// by an admin: npm run audit:archive). Pure: the environment comes in as a record.

export const retentionKinds = ['events', 'raw', 'history', 'alerts', 'remediation'] as const;
import { errorMessage } from '../errors';
export type RetentionKind = (typeof retentionKinds)[number];

const DAY = 24 * 3600_000;

/** The defaults, and what each kind is (README "Retention"). */
export const retentionDefaults: Record<RetentionKind, { ms: number; what: string }> = {
  events: { ms: 3 * DAY, what: 'liveness log events (liveness_events)' },
  raw: { ms: 3 * DAY, what: "a node's latest raw command output, once the node has not been polled successfully for this long (node_raw_sections)" },
  history: {
    ms: 30 * DAY,
    what: 'the change-only state history and verdict changes (node_state_history, peer_verdict_changes, node_verdict_changes): how far back ?at= and triage links reach',
  },
  alerts: { ms: 180 * DAY, what: 'resolved Alertmanager alerts, by their last receipt (alerts); firing ones are kept' },
  remediation: {
    ms: 180 * DAY,
    what: 'finished remediation runs and their requests (remediation_runs, remediation_batches); the audit log keeps its own record',
  },
};

/**
 * The log must hold what the live diagnosis reads: the 15-minute window and the last line of every session
 * in the day before it (lib/ingest/store/session-events.ts). Shorter, and quiet stale sessions would be forgotten.
 */
export const MIN_EVENTS_RETENTION_MS = DAY + 15 * 60_000;
/** History shorter than the events would make ?at= fail where the log could still answer it. */
const MIN_OTHER_RETENTION_MS = 3600_000;

/** Retention per kind in ms; null keeps forever. */
export type Retention = Record<RetentionKind, number | null>;

export class RetentionConfigError extends Error {}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3600_000, d: DAY, w: 7 * DAY };

export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'forever' || t === 'off' || t === 'never') return null;
  const m = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(t);
  if (!m) throw new RetentionConfigError(`"${text}" is not a duration: use a number with m, h, d or w (e.g. 3d), or "forever"`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

export function retentionFromEnv(env: Readonly<Record<string, string | undefined>>): Retention {
  const out: Retention = Object.fromEntries(retentionKinds.map((k) => [k, retentionDefaults[k].ms])) as Retention;
  const list = env.FNH_RETENTION?.trim();
  if (list) {
    for (const part of list
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [kind, value] = part.split('=').map((s) => s.trim());
      if (!kind || value === undefined || !(retentionKinds as readonly string[]).includes(kind)) {
        throw new RetentionConfigError(`FNH_RETENTION: "${part}" is not kind=duration with kind one of ${retentionKinds.join(', ')}`);
      }
      out[kind as RetentionKind] = parseDurationFor(`FNH_RETENTION ${kind}`, value);
    }
  }
  for (const kind of retentionKinds) {
    const name = `FNH_RETAIN_${kind.toUpperCase()}`;
    const value = env[name];
    if (value !== undefined && value.trim() !== '') out[kind] = parseDurationFor(name, value);
  }
  const events = out.events;
  if (events !== null && events < MIN_EVENTS_RETENTION_MS) {
    throw new RetentionConfigError(
      `events retention must be at least 1d 15m: the live diagnosis reads the last day of the log (got ${formatDuration(events)})`,
    );
  }
  for (const kind of retentionKinds) {
    const ms = out[kind];
    if (kind !== 'events' && ms !== null && ms < MIN_OTHER_RETENTION_MS)
      throw new RetentionConfigError(`${kind} retention must be at least 1h (got ${formatDuration(ms)})`);
  }
  return out;
}

function parseDurationFor(name: string, value: string): number | null {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new RetentionConfigError(`${name}: ${errorMessage(err)}`);
  }
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'forever';
  for (const [unit, size] of [
    ['w', 7 * DAY],
    ['d', DAY],
    ['h', 3600_000],
    ['m', 60_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 60_000)}m`;
}

/** The oldest moment a kind still holds in full, by its setting (null: everything is kept). */
export function keptFrom(retention: Retention, kind: RetentionKind, now: Date): Date | null {
  const ms = retention[kind];
  return ms === null ? null : new Date(now.getTime() - ms);
}

/**
 * How a past moment can be shown. `rediagnose`: the state history and the log around it are kept, so it is
 * diagnosed as it was. `recorded`: the log of that time is gone, the verdicts recorded when they changed are
 * shown. `gone`: older than the kept history.
 */
export type PinnedSource = { kind: 'rediagnose' } | { kind: 'recorded' } | { kind: 'gone'; keptFrom: Date };

export function pinnedSource(retention: Retention, at: Date, now: Date, logReachMs: number): PinnedSource {
  const history = keptFrom(retention, 'history', now);
  if (history && at < history) return { kind: 'gone', keptFrom: history };
  const events = keptFrom(retention, 'events', now);
  if (events && at.getTime() - logReachMs < events.getTime()) return { kind: 'recorded' };
  return { kind: 'rediagnose' };
}
