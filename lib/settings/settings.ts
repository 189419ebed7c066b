import { z } from 'zod';
import { errorMessage } from '../errors';
import { formatDuration, parseDuration, retentionDefaults, retentionKinds, type RetentionKind } from '../storage/retention-config';

// Every setting the README's settings table documents, as one zod schema over the environment: its name,
// how its text is read and its default. The embedded agent and `npm run agent` read their settings through
// it (lib/settings/agent-settings.ts, where the CLI flags override it), so the two can no longer drift;
// lib/settings/readme-table.test.ts holds the README's table against it, both ways. Pure: the environment
// comes in as a record. An empty variable counts as unset.

export const MiB = 1024 * 1024;

/** Poll cadence, parallel polls and per-node deadline when no setting names them (embedded and `npm run agent`). */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_POLL_CONCURRENCY = 32;
export const DEFAULT_POLL_TIMEOUT_MS = 20_000;
/**
 * One poll's reply cap: a 1,000,000-route node sends ~190 MB (the ip-route section, base64), and the
 * probe lets that section carry up to 256 MiB of JSON (~341 MiB as base64), so 320 MiB takes every
 * realistic table while a node printing without end is cut off. What many such polls may hold at once
 * is bounded separately by the pool's ByteBudget.
 */
export const DEFAULT_MAX_POLL_OUTPUT_BYTES = 320 * MiB;
/**
 * The agent's ceiling on reply bytes in memory at once: a 1,000,000-route node sends ~190 MB of base64
 * (the ip-route section is ~140 MB of JSON), so 512 MiB lets one such node (plus everything else the fleet
 * sends meanwhile, a few MB per cycle) or two of them at once be collected, while the agent's resident
 * memory stays well under 2 GB (the decoded copies pollNode makes are a small multiple of what was
 * charged, for one poll at a time).
 */
export const DEFAULT_BYTE_BUDGET = 512 * MiB;
export const DEFAULT_LEASE_MS = 15_000;
/** Most `fnh_peer_verdict` series per scrape. */
export const defaultMaxPeerSeries = 5_000;
export const DEFAULT_REMEDIATION_RATE_PER_MIN = 10;
/** How often a long-lived response (the live event stream) checks that its session still exists. */
export const DEFAULT_SESSION_RECHECK_MS = 10_000;
export const DEFAULT_OIDC_SCOPES = 'openid profile email groups';
export const DEFAULT_OIDC_ROLE_CLAIM = 'groups';
/** PGlite's folder, relative to the working directory (lib/db `defaultDataDir`). */
export const DEFAULT_DATA_DIR = '.data/pglite';

export const DEFAULT_AGENT_NICE = 10;

export const leaseModes = ['auto', 'on', 'off'] as const;
export type LeaseMode = (typeof leaseModes)[number];

const optionalText = z.string().optional();

function positiveInt(fallback: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (Number.isInteger(n) && n > 0) return n;
      ctx.addIssue({ code: 'custom', message: 'must be a positive integer' });
      return z.NEVER;
    });
}

/** A whole number of milliseconds in [min, max]; blank is unset. */
function millis(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const n = Number(raw);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `must be a whole number of milliseconds from ${min} to ${max}` });
      return z.NEVER;
    });
}

function retain(kind: RetentionKind) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return retentionDefaults[kind].ms;
      try {
        return parseDuration(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: errorMessage(err).replace(/^"[^"]*" is /, 'is ') });
        return z.NEVER;
      }
    });
}

const leaseMode = z
  .string()
  .optional()
  .transform((raw, ctx): LeaseMode => {
    const mode = raw?.trim() || 'auto';
    if ((leaseModes as readonly string[]).includes(mode)) return mode as LeaseMode;
    ctx.addIssue({ code: 'custom', message: `must be one of ${leaseModes.join(', ')}` });
    return z.NEVER;
  });

/** A switch that is off unless set to `on`; any other value is an error (a typo must not pick a side). */
const optIn = z
  .string()
  .optional()
  .transform((raw, ctx): boolean => {
    const value = raw?.trim() || 'off';
    if (value === 'on' || value === 'off') return value === 'on';
    ctx.addIssue({ code: 'custom', message: 'must be on or off' });
    return z.NEVER;
  });

/**
 * `npm run agent`'s CPU priority (nice 0-19): polling is background work, so on a machine it shares with a
 * dashboard (or a database) the pages get the CPU first, as the embedded agent yields to them in-process.
 */
const niceness = z
  .string()
  .optional()
  .transform((raw, ctx): number => {
    if (raw === undefined) return DEFAULT_AGENT_NICE;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= 0 && n <= 19) return n;
    ctx.addIssue({ code: 'custom', message: 'must be an integer from 0 (normal priority) to 19 (lowest)' });
    return z.NEVER;
  });

/** An agent id names the agent in node_leases, logs and /metrics labels: printable, no spaces, bounded. */
const agentId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces')
  .optional();

export const settingsSchema = z.object({
  // store
  DATABASE_URL: optionalText,
  FNH_DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  // the agent
  FNH_INVENTORY: optionalText,
  FNH_AGENT: optionalText.transform((v) => v !== 'off'),
  // the embedded agent in a worker thread (agents/embedded.ts); off: in the server's thread
  FNH_AGENT_THREAD: optIn,
  FNH_POLL_INTERVAL_MS: positiveInt(DEFAULT_POLL_INTERVAL_MS),
  FNH_POLL_CONCURRENCY: positiveInt(DEFAULT_POLL_CONCURRENCY),
  FNH_POLL_TIMEOUT_MS: positiveInt(DEFAULT_POLL_TIMEOUT_MS),
  FNH_MAX_POLL_OUTPUT_MB: positiveInt(DEFAULT_MAX_POLL_OUTPUT_BYTES / MiB),
  FNH_OUTPUT_BUDGET_MB: positiveInt(DEFAULT_BYTE_BUDGET / MiB),
  FNH_LEASES: leaseMode,
  FNH_LEASE_MS: positiveInt(DEFAULT_LEASE_MS),
  FNH_AGENT_ID: agentId,
  FNH_AGENT_NICE: niceness,
  // sign-in
  FNH_ADMIN_USER: optionalText,
  FNH_ADMIN_PASSWORD: optionalText,
  FNH_OIDC_ISSUER: optionalText,
  FNH_OIDC_CLIENT_ID: optionalText,
  FNH_OIDC_CLIENT_SECRET: optionalText,
  FNH_OIDC_REDIRECT_URI: optionalText,
  FNH_OIDC_ROLE_MAP: optionalText,
  FNH_OIDC_ROLE_CLAIM: z.string().default(DEFAULT_OIDC_ROLE_CLAIM),
  FNH_OIDC_SCOPES: z.string().default(DEFAULT_OIDC_SCOPES),
  FNH_SESSION_RECHECK_MS: millis(DEFAULT_SESSION_RECHECK_MS, 100, 600_000),
  // the names it answers to
  FNH_PUBLIC_ORIGIN: optionalText,
  FNH_TRUSTED_PROXIES: optionalText,
  // alerts and metrics
  FNH_ALERTMANAGER_TOKEN: optionalText,
  FNH_ALERTMANAGER_OPEN: optionalText.transform((v) => v === '1'),
  FNH_METRICS_TOKEN: optionalText,
  // A cap out of range falls back to the default rather than stopping /metrics.
  FNH_METRICS_MAX_PEER_SERIES: z.coerce.number().int().positive().max(1_000_000).catch(defaultMaxPeerSeries),
  FNH_REMEDIATION_RATE_PER_MIN: positiveInt(DEFAULT_REMEDIATION_RATE_PER_MIN),
  // retention (lib/storage/retention-config.ts combines them and checks the minimums)
  FNH_RETENTION: optionalText,
  FNH_RETAIN_EVENTS: retain('events'),
  FNH_RETAIN_RAW: retain('raw'),
  FNH_RETAIN_HISTORY: retain('history'),
  FNH_RETAIN_ALERTS: retain('alerts'),
  FNH_RETAIN_REMEDIATION: retain('remediation'),
});

export type SettingName = keyof typeof settingsSchema.shape;
export type Settings = z.output<typeof settingsSchema>;
export const settingNames = Object.keys(settingsSchema.shape) as SettingName[];

/** A setting that cannot be read; the message names the variable (or the flag it came from) and the value. */
export class SettingsError extends Error {}

export type EnvRecord = Readonly<Record<string, string | undefined>>;

/**
 * Reads the named settings (all by default) from an environment record. `labels` names where a value came
 * from when it was not the variable itself (a CLI flag). Every bad value is named in one error.
 */
export function readSettings<K extends SettingName>(
  env: EnvRecord,
  names: readonly K[] = settingNames as K[],
  labels: Partial<Record<SettingName, string>> = {},
): Pick<Settings, K> {
  const values: Partial<Record<SettingName, unknown>> = {};
  const problems: string[] = [];
  for (const name of names) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = settingsSchema.shape[name].safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((issue) => `${labels[name] ?? name} ${issue.message} (got ${JSON.stringify(raw)})`));
  }
  if (problems.length > 0) throw new SettingsError(problems.join('; '));
  // Each value is its own field's output, so the record is the schema's output for these names.
  return values as Pick<Settings, K>;
}

/** One setting's value from its text (undefined or '' = unset), throwing SettingsError naming `label`. */
export function readSetting<K extends SettingName>(name: K, raw: string | undefined, label: string = name): Settings[K] {
  return readSettings({ [name]: raw }, [name], { [name]: label })[name];
}

/** `auto` (the default): leases on PostgreSQL, none on PGlite; `on`, `off`. */
export function parseLeaseMode(raw: string | undefined): LeaseMode {
  return readSetting('FNH_LEASES', raw, 'lease mode');
}

export function parseAgentId(raw: string | undefined): string | undefined {
  return readSetting('FNH_AGENT_ID', raw, 'agent id');
}

/** What a setting is when unset, for settings whose default is no value. */
const unsetMeans: Partial<Record<SettingName, string>> = {
  DATABASE_URL: 'PGlite',
  FNH_INVENTORY: 'none',
  FNH_AGENT_ID: 'host:pid:random',
  FNH_ADMIN_USER: 'none',
  FNH_ADMIN_PASSWORD: 'none',
  FNH_OIDC_ISSUER: 'off',
  FNH_PUBLIC_ORIGIN: 'none',
  FNH_TRUSTED_PROXIES: 'none',
  FNH_ALERTMANAGER_TOKEN: 'none',
  FNH_METRICS_TOKEN: 'none',
};

const retainedKind = Object.fromEntries(retentionKinds.map((k) => [`FNH_RETAIN_${k.toUpperCase()}`, k])) as Partial<Record<SettingName, RetentionKind>>;

/**
 * A setting's default as the docs state it: the schema's default value (`on`/`off` for a switch, a
 * retention kind as `events 3d`), or what leaving it unset means; undefined for settings that only take
 * effect with another (the OIDC client's details, the FNH_RETENTION list over the per-kind defaults).
 */
export function documentedDefault(name: SettingName): string | undefined {
  const kind = retainedKind[name];
  if (kind) return `${kind} ${formatDuration(retentionDefaults[kind].ms)}`;
  const value: unknown = settingsSchema.shape[name].parse(undefined);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return unsetMeans[name];
}
